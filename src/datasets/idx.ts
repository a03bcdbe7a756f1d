// The IDX format of the original MNIST files (yann.lecun.com/exdb/mnist), plain
// or gzip-compressed: a 4-byte magic number (0, 0, data type, dimension count),
// one big-endian uint32 per dimension, then the values row-major. dagrad reads
// the unsigned-byte variant MNIST uses: images [count, rows, cols], labels [count].
// It takes the files' bytes (fetched, read, dropped on a page): reading a file
// is loadIdxFile's (dagrad/node). gzip is inflated by the platform's
// DecompressionStream (Node 18+, every current browser), which is
// asynchronous: so is loadIdx.
import { type DType, DagradError, Tensor } from "../autograd/index.js";
import { type Dataset, allocate } from "./common.js";
import { DatasetError } from "./errors.js";

export interface IdxOptions {
  dtype?: DType;
  /** Names of the two files in errors (their paths or URLs); default "images" and "labels". */
  sources?: { images: string; labels: string };
}

const UNSIGNED_BYTE = 0x08;

/**
 * The bytes of MNIST-style image and label files, gzip or not (e.g.
 * train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz). x [n, rows * cols]
 * with pixels scaled from 0-255 to [0, 1]; y [n] class indices. Also returns
 * the image size.
 */
export async function loadIdx(images: Uint8Array | ArrayBuffer, labels: Uint8Array | ArrayBuffer, options: IdxOptions = {}): Promise<Dataset & { rows: number; cols: number }> {
  const { images: imagesPath, labels: labelsPath } = options.sources ?? { images: "images", labels: "labels" };
  const imageFile = readIdx(imagesPath, await decompressed(imagesPath, bytesOf(images, "images")), 3, "images: count, rows, columns");
  const labelFile = readIdx(labelsPath, await decompressed(labelsPath, bytesOf(labels, "labels")), 1, "labels: count");
  const [count, rows, cols] = imageFile.dims as [number, number, number];
  if (count === 0 || rows === 0 || cols === 0) {
    throw new DatasetError("loadIdx", imagesPath, `holds ${count} images of ${rows} x ${cols} pixels: nothing to learn from; is this the right file?`);
  }
  if (labelFile.dims[0] !== count) {
    throw new DatasetError("loadIdx", labelsPath, `holds ${labelFile.dims[0]} labels but ${imagesPath} holds ${count} images; pass the labels file that belongs to those images`);
  }
  const x = allocate(options.dtype, imageFile.values.length);
  for (let i = 0; i < x.length; i++) x[i] = imageFile.values[i]! / 255;
  const y = allocate(options.dtype, count);
  y.set(labelFile.values);
  return { x: new Tensor(x, [count, rows * cols]), y: new Tensor(y, [count]), rows, cols };
}

function readIdx(file: string, bytes: Uint8Array, dimensions: number, meaning: string): { dims: number[]; values: Uint8Array } {
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

/** The argument as bytes: a Uint8Array (a Node Buffer is one) or an ArrayBuffer (what fetch's arrayBuffer() gives). */
function bytesOf(value: unknown, which: "images" | "labels"): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  const got = value === null ? "null" : typeof value === "string" ? `the string "${value}"` : typeof value;
  throw new DagradError("loadIdx", `expected the ${which} file's bytes (a Uint8Array or an ArrayBuffer), got ${got}; to read a file in Node, use loadIdxFile(imagesPath, labelsPath) from "dagrad/node"`);
}

/** gzip files start with 1f 8b; anything else is taken as raw IDX. */
async function decompressed(file: string, bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  if (typeof DecompressionStream === "undefined") {
    throw new DatasetError("loadIdx", file, "is gzip-compressed and this platform has no DecompressionStream to inflate it; decompress the file first (gunzip)");
  }
  try {
    // Read the stream itself: Response(stream).arrayBuffer() would turn the inflater's reason into Chromium's "Failed to fetch".
    // A browser's Blob takes no view of shared memory: slice() copies the (compressed, so small) bytes into a plain ArrayBuffer.
    const reader = new Blob([bytes.slice()]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
    const chunks: Uint8Array[] = [];
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  } catch (error) {
    throw new DatasetError("loadIdx", file, `starts like gzip (1f 8b) but cannot be decompressed: ${(error as Error).message}`);
  }
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}
