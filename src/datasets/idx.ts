// The IDX format of the original MNIST files (yann.lecun.com/exdb/mnist), plain
// or gzip-compressed: a 4-byte magic number (0, 0, data type, dimension count),
// one big-endian uint32 per dimension, then the values row-major. dagrad reads
// the unsigned-byte variant MNIST uses: images [count, rows, cols], labels [count].
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type DType, Tensor } from "../autograd/index.js";
import { type Dataset, allocate } from "./common.js";
import { DatasetError } from "./errors.js";

export interface IdxOptions {
  dtype?: DType;
}

const UNSIGNED_BYTE = 0x08;

/**
 * MNIST-style image and label files (e.g. train-images-idx3-ubyte.gz and
 * train-labels-idx1-ubyte.gz). x [n, rows * cols] with pixels scaled from
 * 0-255 to [0, 1]; y [n] class indices. Also returns the image size.
 */
export function loadIdx(imagesPath: string, labelsPath: string, options: IdxOptions = {}): Dataset & { rows: number; cols: number } {
  const images = readIdx(imagesPath, 3, "images: count, rows, columns");
  const labels = readIdx(labelsPath, 1, "labels: count");
  const [count, rows, cols] = images.dims as [number, number, number];
  if (count === 0 || rows === 0 || cols === 0) {
    throw new DatasetError("loadIdx", imagesPath, `holds ${count} images of ${rows} x ${cols} pixels: nothing to learn from; is this the right file?`);
  }
  if (labels.dims[0] !== count) {
    throw new DatasetError("loadIdx", labelsPath, `holds ${labels.dims[0]} labels but ${imagesPath} holds ${count} images; pass the labels file that belongs to those images`);
  }
  const x = allocate(options.dtype, images.values.length);
  for (let i = 0; i < x.length; i++) x[i] = images.values[i]! / 255;
  const y = allocate(options.dtype, count);
  y.set(labels.values);
  return { x: new Tensor(x, [count, rows * cols]), y: new Tensor(y, [count]), rows, cols };
}

function readIdx(file: string, dimensions: number, meaning: string): { dims: number[]; values: Uint8Array } {
  const bytes = decompressed(file, readBytes(file));
  const fail = (detail: string): never => {
    throw new DatasetError("loadIdx", file, detail);
  };
  const expected = (UNSIGNED_BYTE << 8) | dimensions;
  const headerSize = 4 + 4 * dimensions;
  if (bytes.length < 4) fail(`only ${bytes.length} bytes, too short for an IDX magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expected) {
    fail(`magic number ${hex(magic)}, expected ${hex(expected)} (unsigned bytes, ${dimensions} dimension${dimensions > 1 ? "s" : ""}: ${meaning}); is this the right file?`);
  }
  if (bytes.length < headerSize) fail(`only ${bytes.length} bytes, too short for the ${headerSize}-byte header of ${meaning}`);
  const dims = Array.from({ length: dimensions }, (_, d) => view.getUint32(4 + 4 * d));
  const size = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerSize;
  if (found !== size) {
    fail(`the header promises ${dims.join(" x ")} = ${size} bytes of data but ${found} follow it (${found < size ? "truncated" : "trailing bytes"})`);
  }
  return { dims, values: bytes.subarray(headerSize) };
}

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new DatasetError("loadIdx", file, `cannot read the file: ${(error as Error).message}`);
  }
}

/** gzip files start with 1f 8b; anything else is taken as raw IDX. */
function decompressed(file: string, bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new DatasetError("loadIdx", file, `starts like gzip (1f 8b) but cannot be decompressed: ${(error as Error).message}`);
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}
