import { describe, expect, it } from "vitest";
import { DagradError, ShapeError, manualSeed, tensor } from "../../src/autograd/index.js";
import { DataLoader, oneHot } from "../../src/datasets/index.js";
import { bytesOf } from "./helpers.js";

/** 10 samples: x row i is [i, 10 i], y[i] = i. */
const data = {
  x: tensor(Array.from({ length: 10 }, (_, i) => [i, 10 * i])),
  y: tensor(Array.from({ length: 10 }, (_, i) => i)),
};

const ids = (loader: Iterable<{ y: { data: ArrayLike<number> } }>) => Array.from(loader, (batch) => Array.from(batch.y.data));

describe("DataLoader", () => {
  it("without shuffle, yields the samples in order in batches of batchSize, the last one smaller", () => {
    const loader = new DataLoader(data, { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(ids(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const first = loader.epoch(0).next().value!;
    expect(first.x.shape).toEqual([4, 2]);
    expect(first.y.shape).toEqual([4]);
    expect(first.x.toArray()).toEqual([[0, 0], [1, 10], [2, 20], [3, 30]]);
  });

  it("dropLast skips the short last batch", () => {
    const loader = new DataLoader(data, { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(ids(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it("with shuffle, every epoch visits each sample once, in a new order, x and y rows together", () => {
    const loader = new DataLoader(data, { batchSize: 3, shuffle: true, seed: 7 });
    const epochs = [ids(loader), ids(loader), ids(loader)];
    for (const epoch of epochs) expect(epoch.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(epochs[1]).not.toEqual(epochs[2]);
    for (const batch of loader) batch.y.data.forEach((id, r) => expect([batch.x.data[2 * r], batch.x.data[2 * r + 1]]).toEqual([id, 10 * id]));
  });

  it("epoch k's order comes from (seed, k): replayable, the same across loaders, different for another seed", () => {
    const loader = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 3 });
    const firstTwo = [ids(loader), ids(loader)];
    expect(ids(loader.epoch(1))).toEqual(firstTwo[1]);
    expect(ids(loader.epoch(0))).toEqual(firstTwo[0]);
    const twin = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 3 });
    expect(ids(twin)).toEqual(firstTwo[0]);
    const other = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 4 });
    expect(ids(other)).not.toEqual(firstTwo[0]);
  });

  it("without a seed, draws one from the global generator, so manualSeed makes it repeatable", () => {
    manualSeed(21);
    const a = new DataLoader(data, { batchSize: 10, shuffle: true });
    manualSeed(21);
    const b = new DataLoader(data, { batchSize: 10, shuffle: true });
    expect(a.seed).toBe(b.seed);
    expect(bytesOf([...a][0]!.y).equals(bytesOf([...b][0]!.y))).toBe(true);
  });

  it("batches copy only their rows: changing a batch leaves the dataset alone", () => {
    const batch = new DataLoader(data, { batchSize: 2 }).epoch(0).next().value!;
    batch.x.data[0] = 99;
    expect(data.x.data[0]).toBe(0);
    expect(batch.x.data.length).toBe(4);
  });

  it("works with one-hot labels and float64 data", () => {
    const x = tensor([[1], [2], [3]], { dtype: "float64" });
    const batch = new DataLoader({ x, y: oneHot(tensor([0, 2, 1])) }, { batchSize: 2 }).epoch(0).next().value!;
    expect(batch.x.dtype).toBe("float64");
    expect(batch.y.toArray()).toEqual([[1, 0, 0], [0, 0, 1]]);
  });

  it("rejects a bad batch size, mismatched x and y, and a bad epoch", () => {
    expect(() => new DataLoader(data, { batchSize: 0 })).toThrow(/DataLoader: batchSize must be an integer >= 1, got 0/);
    expect(() => new DataLoader({ x: data.x, y: tensor([1, 2]) })).toThrow(ShapeError);
    expect(() => new DataLoader(data).epoch(-1).next()).toThrow(DagradError);
  });

  it("names a misspelt option, and the one meant, instead of leaving its default in place", () => {
    expect(() => new DataLoader(data, { dropLAST: true } as never)).toThrow(
      'DataLoader: unknown option "dropLAST" (did you mean "dropLast"?); the options are batchSize, shuffle, seed, dropLast',
    );
  });
});

describe("oneHot", () => {
  it("turns class indices [n] or [n, 1] into rows [n, classes]", () => {
    expect(oneHot(tensor([0, 2, 1]), 4).toArray()).toEqual([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]);
    expect(oneHot(tensor([[1], [0]])).toArray()).toEqual([[0, 1], [1, 0]]);
    expect(oneHot(tensor([1, 0], { dtype: "float64" })).dtype).toBe("float64");
    expect(oneHot(tensor([1, 0]), 2, { dtype: "float64" }).dtype).toBe("float64");
  });

  it("rejects labels that are not class indices in range", () => {
    expect(() => oneHot(tensor([0, 3]), 3)).toThrow(/oneHot: label 1 is 3, expected an integer class index in \[0, 2\]/);
    expect(() => oneHot(tensor([0.5]))).toThrow(/label 0 is 0.5/);
    expect(() => oneHot(tensor([-1, 0]))).toThrow(/label 0 is -1/);
    expect(() => oneHot(tensor([[0, 1]]))).toThrow(ShapeError);
    expect(() => oneHot(tensor([0]), 0)).toThrow(/classes must be an integer >= 1, got 0/);
  });
});
