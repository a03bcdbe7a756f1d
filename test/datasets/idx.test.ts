// loadIdx over bytes, as a page has them (fetched or dropped); reading the
// files is loadIdxFile's (test/node/dataset-files.test.ts).
import { gzipSync } from "node:zlib";
import { describe, expect, it, vi } from "vitest";
import { DagradError } from "../../src/autograd/index.js";
import { DatasetError, loadIdx } from "../../src/datasets/index.js";
import { idx } from "./helpers.js";

// Three 2x3 images whose pixels count up, labelled 7, 0, 9.
const pixels = Array.from({ length: 18 }, (_, i) => i * 15);
const images = idx([3, 2, 3], pixels);
const labels = idx([3], [7, 0, 9]);
const sources = { images: "images-idx3-ubyte", labels: "labels-idx1-ubyte" };

async function errorOf(run: () => Promise<unknown>): Promise<DatasetError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error("expected a DatasetError");
}

describe("loadIdx", () => {
  it("reads images as rows of pixels scaled to [0, 1] and labels as class indices", async () => {
    const data = await loadIdx(images, labels);
    expect(data.x.shape).toEqual([3, 6]);
    expect(data.y.shape).toEqual([3]);
    expect([data.rows, data.cols]).toEqual([2, 3]);
    expect(Array.from(data.y.data)).toEqual([7, 0, 9]);
    expect(Array.from(data.x.data)).toEqual(pixels.map((p) => Math.fround(p / 255)));
    expect(data.x.data[17]).toBe(1);
  });

  it("inflates gzip-compressed bytes with the platform's DecompressionStream, takes an ArrayBuffer and a dtype", async () => {
    const zipped = await loadIdx(gzipSync(images), new Uint8Array(gzipSync(labels)).buffer, { dtype: "float64" });
    expect(zipped.x.dtype).toBe("float64");
    expect(Array.from(zipped.x.data)).toEqual(pixels.map((p) => p / 255));
    expect(Array.from(zipped.y.data)).toEqual([7, 0, 9]);
  });

  it("a wrong magic number (files swapped) names the file, the number found and the one expected", async () => {
    const error = await errorOf(() => loadIdx(labels, images, { sources: { images: sources.labels, labels: sources.images } }));
    expect(error.file).toBe(sources.labels);
    expect(error.message).toBe(`loadIdx: ${sources.labels}: magic number 0x00000801, expected 0x00000803 (unsigned bytes, 3 dimensions: images: count, rows, columns); is this the right file?`);
    expect((await errorOf(() => loadIdx(idx([3, 2, 3], pixels, 0x0d), labels))).detail).toMatch(/^magic number 0x00000d03, expected 0x00000803/);
  });

  it("without sources, errors call the files images and labels", async () => {
    expect((await errorOf(() => loadIdx(labels, images))).message).toMatch(/^loadIdx: images: magic number 0x00000801/);
  });

  it("truncated bytes say how many data bytes the header promised and how many follow", async () => {
    const error = await errorOf(() => loadIdx(images.subarray(0, 4 + 12 + 10), labels, { sources }));
    expect(error.file).toBe(sources.images);
    expect(error.detail).toBe("the header promises 3 x 2 x 3 = 18 bytes of data but 10 follow it (truncated)");
    expect((await errorOf(() => loadIdx(idx([3, 2, 3], []).subarray(0, 9), labels))).detail).toBe("only 9 bytes, too short for the 16-byte header of images: count, rows, columns");
    expect((await errorOf(() => loadIdx(new Uint8Array([0, 0]), labels))).detail).toBe("only 2 bytes, too short for an IDX magic number");
  });

  it("trailing bytes after the data are an error too", async () => {
    const long = new Uint8Array([...labels, 1]);
    expect((await errorOf(() => loadIdx(images, long))).detail).toBe("the header promises 3 = 3 bytes of data but 4 follow it (trailing bytes)");
  });

  it("image and label counts must match", async () => {
    const error = await errorOf(() => loadIdx(images, idx([2], [1, 2]), { sources }));
    expect(error.file).toBe(sources.labels);
    expect(error.detail).toBe(`holds 2 labels but ${sources.images} holds 3 images; pass the labels file that belongs to those images`);
  });

  it("a file of no images, or of images without pixels, is refused instead of loading an empty set", async () => {
    expect((await errorOf(() => loadIdx(idx([0, 28, 28], []), idx([0], [])))).detail).toBe("holds 0 images of 28 x 28 pixels: nothing to learn from; is this the right file?");
    expect((await errorOf(() => loadIdx(idx([3, 0, 28], []), labels))).message).toBe("loadIdx: images: holds 3 images of 0 x 28 pixels: nothing to learn from; is this the right file?");
  });

  it("a broken or truncated gzip stream names the file and why", async () => {
    const broken = new Uint8Array([0x1f, 0x8b, ...Buffer.from("not really gzip")]);
    expect((await errorOf(() => loadIdx(images, broken, { sources }))).message).toMatch(/^loadIdx: labels-idx1-ubyte: starts like gzip \(1f 8b\) but cannot be decompressed: \S/);
    const zipped = gzipSync(images);
    expect((await errorOf(() => loadIdx(zipped.subarray(0, zipped.length - 6), labels))).detail).toMatch(/^starts like gzip \(1f 8b\) but cannot be decompressed: /);
  });

  it("without DecompressionStream (old platforms), gzip bytes are refused with what to do; plain bytes still load", async () => {
    vi.stubGlobal("DecompressionStream", undefined);
    try {
      expect((await errorOf(() => loadIdx(gzipSync(images), labels))).message).toBe("loadIdx: images: is gzip-compressed and this platform has no DecompressionStream to inflate it; decompress the file first (gunzip)");
      expect((await loadIdx(images, labels)).rows).toBe(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("a path where the bytes belong says to read the file with loadIdxFile", async () => {
    const call = () => loadIdx("train-images-idx3-ubyte.gz" as unknown as Uint8Array, labels);
    await expect(call()).rejects.toThrow(DagradError);
    await expect(call()).rejects.toThrow('loadIdx: expected the images file\'s bytes (a Uint8Array or an ArrayBuffer), got the string "train-images-idx3-ubyte.gz"; to read a file in Node, use loadIdxFile(imagesPath, labelsPath) from "dagrad/node"');
  });
});
