// loadCsvFile and loadIdxFile: read the file, then loadCsv and loadIdx name
// its path in every error.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/datasets/index.js";
import { loadCsvFile, loadIdxFile } from "../../src/node/index.js";
import { idx } from "../datasets/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "dagrad-dataset-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

describe("loadCsvFile", () => {
  it("reads the file as loadCsv reads text, and names its path in errors", () => {
    const iris = file("iris.csv", '\uFEFFsepal,"petal, cm",species\r\n5.1,1.4,0\r\n7.0,4.7,1\r\n');
    const data = loadCsvFile(iris, { header: true, labelColumn: "species" });
    expect(data.featureNames).toEqual(["sepal", "petal, cm"]);
    expect(data.x.toArray()).toEqual([[5.1, 1.4], [7.0, 4.7]].map((r) => r.map(Math.fround)));
    const bad = file("bad.csv", "x,y,label\n1,2,0\n3,abc,1\n");
    expect(() => loadCsvFile(bad, { header: true })).toThrow(DatasetError);
    expect(() => loadCsvFile(bad, { header: true })).toThrow(`loadCsv: ${bad}: line 3, column 2 ("y"): "abc" is not a number`);
  });

  it("a missing file or a folder is a DatasetError naming the path and why", () => {
    const missing = join(dir, "missing.csv");
    expect(() => loadCsvFile(missing)).toThrow(DatasetError);
    expect(() => loadCsvFile(missing)).toThrow(new RegExp(`^loadCsvFile: ${missing}: cannot read the file: ENOENT`));
    expect(() => loadCsvFile(dir)).toThrow(new RegExp(`^loadCsvFile: ${dir}: cannot read the file: EISDIR`));
  });
});

describe("loadIdxFile", () => {
  const pixels = Array.from({ length: 18 }, (_, i) => i * 15);
  const images = file("images-idx3-ubyte", idx([3, 2, 3], pixels));
  const labels = file("labels-idx1-ubyte", idx([3], [7, 0, 9]));

  it("reads plain and gzip-compressed files", async () => {
    const plain = await loadIdxFile(images, labels);
    expect(Array.from(plain.y.data)).toEqual([7, 0, 9]);
    const zipped = await loadIdxFile(file("images.gz", gzipSync(idx([3, 2, 3], pixels))), file("labels.gz", gzipSync(idx([3], [7, 0, 9]))), { dtype: "float64" });
    expect(Array.from(zipped.x.data)).toEqual(pixels.map((p) => p / 255));
    expect([zipped.rows, zipped.cols]).toEqual([2, 3]);
  });

  it("errors name the paths: swapped files, a count mismatch, a broken gzip stream", async () => {
    await expect(loadIdxFile(labels, images)).rejects.toThrow(`loadIdx: ${labels}: magic number 0x00000801, expected 0x00000803`);
    const two = file("two-labels", idx([2], [1, 2]));
    await expect(loadIdxFile(images, two)).rejects.toThrow(`loadIdx: ${two}: holds 2 labels but ${images} holds 3 images; pass the labels file that belongs to those images`);
    const broken = file("broken.gz", new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    await expect(loadIdxFile(images, broken)).rejects.toThrow(new RegExp(`^loadIdx: ${broken}: starts like gzip \\(1f 8b\\) but cannot be decompressed: `));
  });

  it("a missing file or a folder rejects with a DatasetError naming the path and why", async () => {
    const missing = join(dir, "nope.gz");
    await expect(loadIdxFile(missing, labels)).rejects.toThrow(DatasetError);
    await expect(loadIdxFile(missing, labels)).rejects.toThrow(new RegExp(`^loadIdxFile: ${missing}: cannot read the file: ENOENT`));
    await expect(loadIdxFile(images, dir)).rejects.toThrow(new RegExp(`^loadIdxFile: ${dir}: cannot read the file: EISDIR`));
  });
});
