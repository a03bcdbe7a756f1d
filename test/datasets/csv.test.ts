// loadCsv over text, as a page has it (fetched or dropped); reading a file is
// loadCsvFile's (test/node/dataset-files.test.ts).
import { describe, expect, it } from "vitest";
import { DagradError } from "../../src/autograd/index.js";
import { DatasetError, loadCsv } from "../../src/datasets/index.js";

const iris = "sepal,petal,species\n5.1,1.4,0\n7.0,4.7,1\n\n6.3,6.0,2\n";

describe("loadCsv", () => {
  it("takes the last column as the label by default", () => {
    const data = loadCsv("1,2,0\n3,4,1\n");
    expect(data.x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(data.y.toArray()).toEqual([0, 1]);
    expect(data.featureNames).toBeNull();
  });

  it("reads a header, skips blank lines, and finds the label by name or index", () => {
    const byName = loadCsv(iris, { header: true, labelColumn: "species" });
    expect(byName.x.shape).toEqual([3, 2]);
    expect(Array.from(byName.x.data)).toEqual([5.1, 1.4, 7.0, 4.7, 6.3, 6.0].map(Math.fround));
    expect(byName.y.toArray()).toEqual([0, 1, 2]);
    expect(byName.featureNames).toEqual(["sepal", "petal"]);
    const first = loadCsv(iris, { header: true, labelColumn: 0, dtype: "float64" });
    expect(first.y.toArray()).toEqual([5.1, 7.0, 6.3]);
    expect(first.featureNames).toEqual(["petal", "species"]);
    expect(loadCsv(iris, { header: true, labelColumn: -2 }).y.toArray()).toEqual([1.4, 4.7, 6.0].map(Math.fround));
  });

  it("accepts CRLF, a byte-order mark, quoted cells, exponents, signs and another delimiter", () => {
    const data = loadCsv('\uFEFF"a";"b"\r\n"1e-3";-2\r\n+.5;"3"\r\n', { header: true, delimiter: ";", dtype: "float64" });
    expect(data.featureNames).toEqual(["a"]);
    expect(data.x.toArray()).toEqual([[0.001], [0.5]]);
    expect(data.y.toArray()).toEqual([-2, 3]);
  });

  it("a ragged row names its line (blank lines counted) and the width expected", () => {
    const call = () => loadCsv("1,2,3\n\n4,5\n", { source: "data.csv" });
    expect(call).toThrow(DatasetError);
    expect(call).toThrow("loadCsv: data.csv: line 3 has 2 cells, expected 3 as in line 1");
    expect(() => loadCsv("a,b\n1,2\n3,4,5\n", { header: true })).toThrow("line 3 has 3 cells, expected 2 as in the header, line 1");
  });

  it("a non-numeric or empty cell names its line, column and header name", () => {
    expect(() => loadCsv("x,y,label\n1,2,0\n3,abc,1\n", { header: true })).toThrow('line 3, column 2 ("y"): "abc" is not a number');
    expect(() => loadCsv("1,,0\n")).toThrow("line 1, column 2: empty cell");
    expect(() => loadCsv("1,0x10,0\n")).toThrow('line 1, column 2: "0x10" is not a number');
    expect(() => loadCsv("1,Infinity,0\n")).toThrow('"Infinity" is not a number');
  });

  it("a number too large for the dtype names its line and column instead of loading Infinity", () => {
    const text = "x,y\n1,0\n1e39,1\n";
    expect(() => loadCsv(text, { header: true, source: "data.csv" })).toThrow(DatasetError);
    expect(() => loadCsv(text, { header: true, source: "data.csv" })).toThrow('loadCsv: data.csv: line 3, column 1 ("x"): 1e39 is too large for float32 (at most about 3.4e38): rescale the column, or load with dtype "float64"');
    expect(loadCsv(text, { header: true, dtype: "float64" }).x.toArray()).toEqual([[1], [1e39]]);
    expect(() => loadCsv("1,0\n2,1e400\n", { dtype: "float64" })).toThrow("line 2, column 2: 1e400 is too large for a number (at most about 1.8e308): rescale the column");
  });

  it("empty text, a header alone, and a single column are errors naming the source", () => {
    expect(() => loadCsv("\n\n", { source: "empty.csv" })).toThrow("loadCsv: empty.csv: no data rows");
    expect(() => loadCsv("\n\n")).toThrow("loadCsv: CSV text: no data rows");
    expect(() => loadCsv("a,b\n", { header: true })).toThrow("no data rows");
    expect(() => loadCsv("1\n2\n")).toThrow(/^loadCsv: CSV text: line 1 has 1 column; expected at least one feature column and the label column, separated by ","$/);
    // A file separated by semicolons reads as one column: the message names the separator it looked for.
    expect(() => loadCsv("1;2;0\n3;4;1\n")).toThrow('line 1 has 1 column; expected at least one feature column and the label column, separated by ","');
    expect(loadCsv("1;2;0\n3;4;1\n", { delimiter: ";" }).x.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("a label column that does not exist, or a name without a header, is an error", () => {
    expect(() => loadCsv(iris, { header: true, labelColumn: "kind" })).toThrow('loadCsv: labelColumn "kind" is not in the header (sepal, petal, species)');
    expect(() => loadCsv(iris, { labelColumn: "species" })).toThrow('labelColumn "species" is a name, which needs header: true');
    expect(() => loadCsv(iris, { header: true, labelColumn: 3 })).toThrow(DagradError);
    expect(() => loadCsv(iris, { header: true, labelColumn: -4 })).toThrow("labelColumn -4 is outside the 3 columns (0..2, or -1..-3 from the end)");
  });

  it("a path where the text belongs says to read the file with loadCsvFile", () => {
    expect(() => loadCsv("iris.csv")).toThrow('loadCsv: CSV text: line 1 has 1 column; expected at least one feature column and the label column, separated by ","; loadCsv reads CSV text: to read the file iris.csv, use loadCsvFile(path) from "dagrad/node"');
    expect(() => loadCsv("12.5")).toThrow(/separated by ","$/);
    expect(() => loadCsv(new Uint8Array(3) as unknown as string)).toThrow('loadCsv: expected the CSV text (a string), got object; to read a file in Node, use loadCsvFile(path) from "dagrad/node"');
    expect(() => loadCsv("1,2\n", { delimiter: '"' })).toThrow('loadCsv: delimiter must be a non-empty string without quotes or line breaks, got "\\""');
  });
});

describe("loadCsv reads RFC 4180", () => {
  it("quoted cells hold the delimiter, quotes written twice and line breaks", () => {
    const text = '"width, cm","say ""hi""","two\r\nlines",label\r\n1.5,2,3,0\r\n"4",5,6,1\r\n';
    const data = loadCsv(text, { header: true });
    expect(data.featureNames).toEqual(["width, cm", 'say "hi"', "two\r\nlines"]);
    expect(data.x.toArray()).toEqual([[1.5, 2, 3], [4, 5, 6]]);
    expect(data.y.toArray()).toEqual([0, 1]);
    // A decimal comma inside quotes is one cell, and not a number.
    expect(() => loadCsv('x,y\n"1,5",0\n', { header: true })).toThrow('line 2, column 1 ("x"): "1,5" is not a number');
  });

  it("counts lines across quoted line breaks (CRLF, LF and CR each one), as an editor shows them", () => {
    const text = '"a\nb","c\r\nd",label\r1,2,0\n3,x,1\n';
    expect(loadCsv(text.replace("x", "4"), { header: true }).featureNames).toEqual(["a\nb", "c\r\nd"]);
    expect(() => loadCsv(text, { header: true })).toThrow('line 5, column 2 ("c\r\nd"): "x" is not a number');
    expect(() => loadCsv('1,"2\n\n",0\n1,2\n')).toThrow("line 4 has 2 cells, expected 3 as in line 1");
  });

  it("a quoted number is a number; spaces around a cell, quoted or not, are ignored", () => {
    const data = loadCsv(' "1" , 2 ,"0"\n"-1.5",  "3e2"  , 1\n');
    expect(data.x.toArray()).toEqual([[1, 2], [-1.5, 300]]);
    expect(data.y.toArray()).toEqual([0, 1]);
  });

  it("a line of only a quoted empty cell is a record, not a blank line", () => {
    expect(() => loadCsv('1,0\n""\n2,1\n')).toThrow("line 2 has 1 cells, expected 2 as in line 1");
  });

  it("an unclosed quote and text after a closing quote are refused where they are", () => {
    expect(() => loadCsv('x,y\n1,"2\n3,4\n', { source: "open.csv" })).toThrow(DatasetError);
    expect(() => loadCsv('x,y\n1,"2\n3,4\n', { source: "open.csv" })).toThrow("loadCsv: open.csv: line 2, column 2: the quote that opens this cell is never closed");
    expect(() => loadCsv('x,y\n1,"2"5\n')).toThrow('line 2, column 2: text after the closing quote; a quote inside a quoted cell is written twice ("")');
  });

  it("takes a delimiter of several characters and tabs, which are not trimmed as spaces", () => {
    expect(loadCsv("1::2::0\n3::4::1\n", { delimiter: "::" }).x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(loadCsv('1\t"2"\t0\n3\t4\t1\n', { delimiter: "\t" }).x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(() => loadCsv("1\t\t0\n", { delimiter: "\t" })).toThrow("line 1, column 2: empty cell");
  });
});
