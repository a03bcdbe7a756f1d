import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DagradError } from "../../src/autograd/index.js";
import { DatasetError } from "../../src/datasets/index.js";
import { MNIST_PIXELS, mnist, mnistDigits } from "../../src/node/index.js";
import { readDigits } from "../../src/node/mnist.js";
import { bytesOf, counts } from "../datasets/helpers.js";

// The package's files, read here with plain JSON.parse as an independent oracle.
const digitsDir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
const fileData = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(digitsDir, `${d}.json`), "utf8")) as { data: number[] }).data);
const perClass = fileData.map((data) => data.length / MNIST_PIXELS);

/** Pixel sum of every row, sorted: equal lists mean the same digits, each used once. */
function sortedRowSums(...images: Float32Array[]): number[] {
  const sums: number[] = [];
  for (const data of images) {
    for (let r = 0; r < data.length / MNIST_PIXELS; r++) {
      let s = 0;
      for (let p = 0; p < MNIST_PIXELS; p++) s += data[r * MNIST_PIXELS + p]!;
      sums.push(s);
    }
  }
  return sums.sort((a, b) => a - b);
}

describe("mnistDigits: the 10,000 digits of the mnist package", () => {
  const digits = mnistDigits();

  it("holds 10,000 digits of 784 pixels in [0, 1], every label 0-9, as many per class as the files hold", () => {
    expect(digits.count).toBe(10_000);
    expect(digits.images.length).toBe(10_000 * 784);
    expect(counts(digits.labels)).toEqual(new Map(perClass.map((n, d) => [d, n])));
    let low = Infinity;
    let high = -Infinity;
    for (const v of digits.images) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    expect([low, high]).toEqual([0, 1]);
  });

  it("holds exactly the files' pixels, in file order", () => {
    let at = 0;
    fileData.forEach((data) => {
      const loaded = digits.images.subarray(at, at + data.length);
      const expected = Float32Array.from(data);
      // Byte comparison: toEqual over 800k elements takes tens of seconds.
      expect(Buffer.from(loaded.buffer, loaded.byteOffset, loaded.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
      at += data.length;
    });
  });

  it("a known digit: the first 7's pixel sum matches the sum computed from 7.json", () => {
    const expected = fileData[7]!.slice(0, MNIST_PIXELS).reduce((a, b) => a + b, 0);
    const row = perClass.slice(0, 7).reduce((a, b) => a + b, 0);
    expect(digits.labels[row]).toBe(7);
    const loaded = digits.images.subarray(row * MNIST_PIXELS, (row + 1) * MNIST_PIXELS).reduce((a, b) => a + b, 0);
    // Each pixel is rounded to float32 (relative error < 6e-8), so 784 of them move the sum by < 1e-4.
    expect(Math.abs(loaded - expected)).toBeLessThan(1e-4);
    expect(expected).toBeGreaterThan(10);
  });

  it("loads the files once per process", () => {
    expect(mnistDigits()).toBe(digits);
  });
});

describe("mnist: seeded stratified train/test split", () => {
  const { train, test } = mnist({ seed: 1 });

  it("defaults to 8000 training and 2000 test digits, x [n, 784] float32, y [n] class indices", () => {
    expect(train.x.shape).toEqual([8000, 784]);
    expect(train.y.shape).toEqual([8000]);
    expect(test.x.shape).toEqual([2000, 784]);
    expect(test.y.shape).toEqual([2000]);
    expect(train.x.dtype).toBe("float32");
  });

  it("uses each digit once: train and test together are the whole set", () => {
    expect(sortedRowSums(train.x.data as Float32Array, test.x.data as Float32Array)).toEqual(sortedRowSums(mnistDigits().images));
  });

  it("each class keeps its share: within one digit of 20% of the class in the test part", () => {
    const testCounts = counts(test.y.data);
    perClass.forEach((n, d) => {
      expect(Math.abs(testCounts.get(d)! - 0.2 * n)).toBeLessThan(1);
      expect(counts(train.y.data).get(d)).toBe(n - testCounts.get(d)!);
    });
  });

  it("each part is shuffled, not sorted by class", () => {
    const labels = Array.from(train.y.data.subarray(0, 100));
    expect(new Set(labels).size).toBe(10);
  });

  it("is deterministic from the seed", () => {
    const again = mnist({ seed: 1 });
    const other = mnist({ seed: 2 });
    expect(bytesOf(again.test.x).equals(bytesOf(test.x))).toBe(true);
    expect(bytesOf(again.train.y).equals(bytesOf(train.y))).toBe(true);
    expect(bytesOf(other.test.y).equals(bytesOf(test.y))).toBe(false);
  });

  it("takes smaller stratified subsets and a dtype", () => {
    const small = mnist({ train: 100, test: 50, seed: 3, dtype: "float64" });
    expect(small.train.x.shape).toEqual([100, 784]);
    expect(small.test.x.shape).toEqual([50, 784]);
    expect(small.train.x.dtype).toBe("float64");
    expect(counts(small.train.y.data).size).toBe(10);
    expect(counts(small.test.y.data).size).toBe(10);
  });

  it("rejects sizes beyond the 10,000 digits", () => {
    expect(() => mnist({ train: 9000, test: 2000 })).toThrow(/mnist: train \+ test must be between 1 and 10000 digits, got 9000 \+ 2000/);
    expect(() => mnist({ train: -1 })).toThrow(DagradError);
    expect(() => mnist({ train: 0, test: 0 })).toThrow(DagradError);
  });
});

describe("reading a digits directory: errors name the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "dagrad-mnist-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const blank = Array(MNIST_PIXELS).fill(0);

  function writeDigits(broken: Record<number, string>): void {
    for (let d = 0; d < 10; d++) writeFileSync(join(dir, `${d}.json`), broken[d] ?? JSON.stringify({ data: [...blank, ...blank] }));
  }

  it("a valid directory gives two digits per class", () => {
    writeDigits({});
    const digits = readDigits(dir);
    expect(digits.count).toBe(20);
    expect(Array.from(digits.labels.subarray(0, 4))).toEqual([0, 0, 1, 1]);
  });

  it("bad JSON, a missing data array, a length that is not a multiple of 784, and bad pixels", () => {
    const file3 = join(dir, "3.json");
    writeDigits({ 3: "{ \"data\": [0, " });
    expect(() => readDigits(dir)).toThrow(DatasetError);
    expect(() => readDigits(dir)).toThrow(`mnist: ${file3}: cannot read the digits: `);
    writeDigits({ 3: "{ \"pixels\": [] }" });
    expect(() => readDigits(dir)).toThrow(`${file3}: expected { "data": [...] } with a multiple of 784 pixels, found no data array`);
    writeDigits({ 3: JSON.stringify({ data: [...blank, 0.5] }) });
    expect(() => readDigits(dir)).toThrow("found 785 values");
    writeDigits({ 3: JSON.stringify({ data: [...blank.slice(1), 2] }) });
    expect(() => readDigits(dir)).toThrow(`${file3}: pixel 783 is 2, expected a number in [0, 1]`);
    writeDigits({ 3: JSON.stringify({ data: [null, ...blank.slice(1)] }) });
    expect(() => readDigits(dir)).toThrow("pixel 0 is null, expected a number in [0, 1]");
  });

  it("a missing file is named", () => {
    writeDigits({});
    rmSync(join(dir, "9.json"));
    expect(() => readDigits(dir)).toThrow(new RegExp(`mnist: ${join(dir, "9.json")}: cannot read the digits: ENOENT`));
  });
});
