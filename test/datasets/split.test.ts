import { describe, expect, it } from "vitest";
import { DagradError, ShapeError, Tensor, tensor } from "../../src/autograd/index.js";
import { oneHot, trainTestSplit } from "../../src/datasets/index.js";
import { bytesOf, counts } from "./helpers.js";

/** x row i is [i, -i] and y[i] = i, so every output row says which sample it came from. */
function numbered(n: number): { x: Tensor; y: Tensor } {
  return {
    x: tensor(Array.from({ length: n }, (_, i) => [i, -i])),
    y: tensor(Array.from({ length: n }, (_, i) => i)),
  };
}

describe("trainTestSplit", () => {
  it("cuts 80/20 by default, rounding the test part up as scikit-learn does", () => {
    const { x, y } = numbered(101);
    const split = trainTestSplit(x, y, { seed: 1 });
    expect(split.xTest.shape).toEqual([21, 2]);
    expect(split.xTrain.shape).toEqual([80, 2]);
    expect(split.yTest.shape).toEqual([21]);
    expect(split.yTrain.shape).toEqual([80]);
  });

  it("uses every sample exactly once, keeps x and y rows together, and shuffles", () => {
    const { x, y } = numbered(50);
    const split = trainTestSplit(x, y, { testSize: 0.3, seed: 2 });
    const ids = [...split.yTrain.data, ...split.yTest.data];
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const [xs, ys] of [[split.xTrain, split.yTrain], [split.xTest, split.yTest]] as const) {
      ys.data.forEach((id, r) => expect([xs.data[2 * r], xs.data[2 * r + 1]]).toEqual([id, -id]));
    }
    expect(ids).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("a fraction that lands on a whole count is not rounded up by floating-point error", () => {
    const { x, y } = numbered(100);
    // 0.07 * 100 is 7.000000000000001 in floating point.
    expect(trainTestSplit(x, y, { testSize: 0.07, seed: 1 }).yTest.shape).toEqual([7]);
  });

  it("takes a count as testSize", () => {
    const { x, y } = numbered(10);
    expect(trainTestSplit(x, y, { testSize: 3, seed: 1 }).yTest.shape).toEqual([3]);
  });

  it("is deterministic from the seed", () => {
    const { x, y } = numbered(40);
    const a = trainTestSplit(x, y, { seed: 5 });
    const b = trainTestSplit(x, y, { seed: 5 });
    const c = trainTestSplit(x, y, { seed: 6 });
    expect(bytesOf(a.yTest).equals(bytesOf(b.yTest))).toBe(true);
    expect(bytesOf(a.yTest).equals(bytesOf(c.yTest))).toBe(false);
  });

  it("stratify keeps each class's share in both parts", () => {
    // 70 / 20 / 10 samples of classes 0 / 1 / 2: a 20% test part holds 14 / 4 / 2.
    const labels = [...Array(70).fill(0), ...Array(20).fill(1), ...Array(10).fill(2)];
    const x = tensor(labels.map((c, i) => [i, c]));
    const y = tensor(labels.map((c) => [c]));
    const split = trainTestSplit(x, y, { testSize: 0.2, seed: 3, stratify: true });
    expect(counts(split.yTest.data)).toEqual(new Map([[0, 14], [1, 4], [2, 2]]));
    expect(counts(split.yTrain.data)).toEqual(new Map([[0, 56], [1, 16], [2, 8]]));
    const ids = [...split.xTrain.data.filter((_, i) => i % 2 === 0), ...split.xTest.data.filter((_, i) => i % 2 === 0)];
    expect(new Set(ids).size).toBe(100);
    split.yTest.data.forEach((c, r) => expect(split.xTest.data[2 * r + 1]).toBe(c));
  });

  it("stratified shares round so the totals are exact", () => {
    // 3 classes of 7 samples, test 10: 10 * 7 / 21 = 3.33 each, so the shares are 4, 3, 3 (in some order).
    const labels = Array.from({ length: 21 }, (_, i) => i % 3);
    const split = trainTestSplit(tensor(labels.map((c) => [c])), tensor(labels), { testSize: 10, seed: 1, stratify: true });
    expect(split.yTest.shape).toEqual([10]);
    expect([...counts(split.yTest.data).values()].sort()).toEqual([3, 3, 4]);
  });

  it("stratify never puts a whole class in the test part: a class of one sample is trained on", () => {
    // Proportional shares would give the one class-0 sample 6/11 of a test place, the largest remainder.
    const labels = [0, ...Array(10).fill(1)];
    for (const seed of [1, 2, 3]) {
      const split = trainTestSplit(tensor(labels.map((c) => [c])), tensor(labels), { testSize: 6, seed, stratify: true });
      expect(counts(split.yTrain.data).get(0)).toBe(1);
      expect(counts(split.yTest.data)).toEqual(new Map([[1, 6]]));
    }
  });

  it("stratify refuses a test part that would leave some class without a training sample", () => {
    expect(() => trainTestSplit(tensor([[0], [1], [2]]), tensor([0, 1, 1]), { testSize: 2, seed: 1, stratify: true }))
      .toThrow("trainTestSplit: stratify cannot hold out 2 of 3 samples for testing and keep one of each of the 2 classes (sizes 1, 2) for training; lower testSize or add samples");
  });

  it("rejects sizes that leave a part empty, mismatched samples and one-hot labels for stratify", () => {
    const { x, y } = numbered(10);
    expect(() => trainTestSplit(x, y, { testSize: 0 })).toThrow(DagradError);
    expect(() => trainTestSplit(x, y, { testSize: 10 })).toThrow(/trainTestSplit: testSize 10 leaves 10 of 10 samples for testing/);
    expect(() => trainTestSplit(x, y, { testSize: 1.5 })).toThrow(DagradError);
    expect(() => trainTestSplit(x, tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => trainTestSplit(x, tensor([1, 2, 3]))).toThrow(/x \[10,2\] and y \[3\] must have the same number of samples/);
    expect(() => trainTestSplit(x, oneHot(y), { stratify: true })).toThrow(/labels must be shaped \[n\] or \[n,1\].*got \[10,10\]/);
    expect(() => trainTestSplit(x, tensor([0, 1, 0, 1, 0, 1, 0, 1, 0, Number.NaN]), { stratify: true })).toThrow(/label 9 is NaN/);
  });
});
