import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { DatasetError, loadIdx } from "../../src/datasets/index.js";

const dir = mkdtempSync(join(tmpdir(), "dagrad-idx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An IDX file: magic 0x0000 08 <dims>, one big-endian uint32 per dimension, then the bytes. */
function idx(dims: number[], values: number[], type = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(type, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

// Three 2x3 images whose pixels count up, labelled 7, 0, 9.
const pixels = Array.from({ length: 18 }, (_, i) => i * 15);
const images = file("images-idx3-ubyte", idx([3, 2, 3], pixels));
const labels = file("labels-idx1-ubyte", idx([3], [7, 0, 9]));

function errorOf(run: () => unknown): DatasetError {
  try {
    run();
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error("expected a DatasetError");
}

describe("loadIdx", () => {
  it("reads images as rows of pixels scaled to [0, 1] and labels as class indices", () => {
    const data = loadIdx(images, labels);
    expect(data.x.shape).toEqual([3, 6]);
    expect(data.y.shape).toEqual([3]);
    expect([data.rows, data.cols]).toEqual([2, 3]);
    expect(Array.from(data.y.data)).toEqual([7, 0, 9]);
    expect(Array.from(data.x.data)).toEqual(pixels.map((p) => Math.fround(p / 255)));
    expect(data.x.data[17]).toBe(1);
  });

  it("reads gzip-compressed files the same, and takes a dtype", () => {
    const zipped = loadIdx(file("images.gz", gzipSync(idx([3, 2, 3], pixels))), file("labels.gz", gzipSync(idx([3], [7, 0, 9]))), { dtype: "float64" });
    expect(zipped.x.dtype).toBe("float64");
    expect(Array.from(zipped.x.data)).toEqual(pixels.map((p) => p / 255));
    expect(Array.from(zipped.y.data)).toEqual([7, 0, 9]);
  });

  it("a wrong magic number (files swapped) names the file, the number found and the one expected", () => {
    const error = errorOf(() => loadIdx(labels, images));
    expect(error.file).toBe(labels);
    expect(error.message).toContain(`loadIdx: ${labels}: magic number 0x00000801, expected 0x00000803 (unsigned bytes, 3 dimensions: images: count, rows, columns)`);
    const floats = file("floats-idx3", idx([3, 2, 3], pixels, 0x0d));
    expect(errorOf(() => loadIdx(floats, labels)).detail).toMatch(/^magic number 0x00000d03, expected 0x00000803/);
  });

  it("a truncated file says how many data bytes the header promised and how many follow", () => {
    const short = file("short-images", idx([3, 2, 3], pixels).subarray(0, 4 + 12 + 10));
    const error = errorOf(() => loadIdx(short, labels));
    expect(error.file).toBe(short);
    expect(error.detail).toBe("the header promises 3 x 2 x 3 = 18 bytes of data but 10 follow it (truncated)");
    const headerOnly = file("header-cut", idx([3, 2, 3], []).subarray(0, 9));
    expect(errorOf(() => loadIdx(headerOnly, labels)).detail).toBe("only 9 bytes, too short for the 16-byte header of images: count, rows, columns");
    expect(errorOf(() => loadIdx(file("tiny", Buffer.from([0, 0])), labels)).detail).toBe("only 2 bytes, too short for an IDX magic number");
  });

  it("trailing bytes after the data are an error too", () => {
    const long = file("long-labels", Buffer.concat([idx([3], [7, 0, 9]), Buffer.from([1])]));
    expect(errorOf(() => loadIdx(images, long)).detail).toBe("the header promises 3 = 3 bytes of data but 4 follow it (trailing bytes)");
  });

  it("image and label counts must match", () => {
    const two = file("two-labels", idx([2], [1, 2]));
    const error = errorOf(() => loadIdx(images, two));
    expect(error.file).toBe(two);
    expect(error.detail).toBe(`holds 2 labels but ${images} holds 3 images; pass the labels file that belongs to those images`);
  });

  it("a file of no images, or of images without pixels, is refused instead of loading an empty set", () => {
    const none = file("no-images", idx([0, 28, 28], []));
    expect(errorOf(() => loadIdx(none, file("no-labels", idx([0], [])))).detail).toBe("holds 0 images of 28 x 28 pixels: nothing to learn from; is this the right file?");
    const flat = file("flat-images", idx([3, 0, 28], []));
    expect(errorOf(() => loadIdx(flat, labels)).message).toBe(`loadIdx: ${flat}: holds 3 images of 0 x 28 pixels: nothing to learn from; is this the right file?`);
  });

  it("a folder given as a file is named", () => {
    expect(errorOf(() => loadIdx(dir, labels)).message).toMatch(new RegExp(`^loadIdx: ${dir}: cannot read the file: EISDIR`));
  });

  it("a missing file and a broken gzip stream name the file", () => {
    const missing = join(dir, "nope.gz");
    expect(errorOf(() => loadIdx(missing, labels)).message).toMatch(new RegExp(`^loadIdx: ${missing}: cannot read the file: ENOENT`));
    const broken = file("broken.gz", Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from("not really gzip")]));
    expect(errorOf(() => loadIdx(images, broken)).detail).toMatch(/^starts like gzip \(1f 8b\) but cannot be decompressed: /);
  });
});
