import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DagradError } from "../../src/autograd/index.js";
import { DatasetError, loadCsv } from "../../src/datasets/index.js";

const dir = mkdtempSync(join(tmpdir(), "dagrad-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function csv(text: string): string {
  const path = join(dir, `table-${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

const iris = csv("sepal,petal,species\n5.1,1.4,0\n7.0,4.7,1\n\n6.3,6.0,2\n");

describe("loadCsv", () => {
  it("takes the last column as the label by default", () => {
    const data = loadCsv(csv("1,2,0\n3,4,1\n"));
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
    const data = loadCsv(csv('\uFEFF"a";"b"\r\n"1e-3";-2\r\n+.5;"3"\r\n'), { header: true, delimiter: ";", dtype: "float64" });
    expect(data.featureNames).toEqual(["a"]);
    expect(data.x.toArray()).toEqual([[0.001], [0.5]]);
    expect(data.y.toArray()).toEqual([-2, 3]);
  });

  it("a ragged row names its line (blank lines counted) and the width expected", () => {
    const path = csv("1,2,3\n\n4,5\n");
    expect(() => loadCsv(path)).toThrow(DatasetError);
    expect(() => loadCsv(path)).toThrow(`loadCsv: ${path}: line 3 has 2 cells, expected 3 as in line 1`);
    const headed = csv("a,b\n1,2\n3,4,5\n");
    expect(() => loadCsv(headed, { header: true })).toThrow("line 3 has 3 cells, expected 2 as in the header, line 1");
  });

  it("a non-numeric or empty cell names its line, column and header name", () => {
    expect(() => loadCsv(csv("x,y,label\n1,2,0\n3,abc,1\n"), { header: true })).toThrow('line 3, column 2 ("y"): "abc" is not a number');
    expect(() => loadCsv(csv("1,,0\n"))).toThrow("line 1, column 2: empty cell");
    expect(() => loadCsv(csv("1,0x10,0\n"))).toThrow('line 1, column 2: "0x10" is not a number');
    expect(() => loadCsv(csv("1,Infinity,0\n"))).toThrow('"Infinity" is not a number');
  });

  it("a number too large for the dtype names its line and column instead of loading Infinity", () => {
    const path = csv("x,y\n1,0\n1e39,1\n");
    expect(() => loadCsv(path, { header: true })).toThrow(DatasetError);
    expect(() => loadCsv(path, { header: true })).toThrow(`loadCsv: ${path}: line 3, column 1 ("x"): 1e39 is too large for float32 (at most about 3.4e38): rescale the column, or load with dtype "float64"`);
    expect(loadCsv(path, { header: true, dtype: "float64" }).x.toArray()).toEqual([[1], [1e39]]);
    expect(() => loadCsv(csv("1,0\n2,1e400\n"), { dtype: "float64" })).toThrow("line 2, column 2: 1e400 is too large for a number (at most about 1.8e308): rescale the column");
  });

  it("an empty file, a header alone, and a single column are errors naming the file", () => {
    const empty = csv("\n\n");
    expect(() => loadCsv(empty)).toThrow(`loadCsv: ${empty}: no data rows`);
    expect(() => loadCsv(csv("a,b\n"), { header: true })).toThrow("no data rows");
    expect(() => loadCsv(csv("1\n2\n"))).toThrow("line 1 has 1 column; expected at least one feature column and the label column");
    // A file separated by semicolons reads as one column: the message names the separator it looked for.
    expect(() => loadCsv(csv("1;2;0\n3;4;1\n"))).toThrow('line 1 has 1 column; expected at least one feature column and the label column, separated by ","');
    expect(loadCsv(csv("1;2;0\n3;4;1\n"), { delimiter: ";" }).x.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("a label column that does not exist, or a name without a header, is an error", () => {
    expect(() => loadCsv(iris, { header: true, labelColumn: "kind" })).toThrow('loadCsv: labelColumn "kind" is not in the header (sepal, petal, species)');
    expect(() => loadCsv(iris, { labelColumn: "species" })).toThrow('labelColumn "species" is a name, which needs header: true');
    expect(() => loadCsv(iris, { header: true, labelColumn: 3 })).toThrow(DagradError);
    expect(() => loadCsv(iris, { header: true, labelColumn: -4 })).toThrow("labelColumn -4 is outside the 3 columns (0..2, or -1..-3 from the end)");
  });

  it("a missing file is named", () => {
    const missing = join(dir, "missing.csv");
    expect(() => loadCsv(missing)).toThrow(new RegExp(`^loadCsv: ${missing}: cannot read the file: ENOENT`));
  });
});
