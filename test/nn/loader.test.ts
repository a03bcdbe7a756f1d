// DataLoader at the edges of training: resuming at an epoch, and loaders that can give no batch.
import { describe, expect, it } from "vitest";
import { DagradError, tensor } from "../../src/autograd/index.js";
import { DataLoader } from "../../src/datasets/index.js";

const data = { x: tensor(Array.from({ length: 10 }, (_, i) => [i])), y: tensor(Array.from({ length: 10 }, (_, i) => i)) };
const ids = (batches: Iterable<{ y: { data: ArrayLike<number> } }>) => Array.from(batches, (b) => Array.from(b.y.data));

describe("DataLoader", () => {
  it("nextEpoch says which epoch the next pass gives, and setting it continues a stopped run with the same orders", () => {
    const loader = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 11 });
    expect(loader.nextEpoch).toBe(0);
    const orders = [ids(loader), ids(loader), ids(loader)];
    expect(loader.nextEpoch).toBe(3);
    const resumed = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 11 });
    resumed.nextEpoch = 2;
    expect(ids(resumed)).toEqual(orders[2]);
    expect(() => { resumed.nextEpoch = -1; }).toThrow(/DataLoader\.nextEpoch: nextEpoch must be an integer >= 0, got -1/);
  });

  it("refuses settings that make no batch at all, instead of epochs that train on nothing", () => {
    const call = () => new DataLoader(data, { batchSize: 16, dropLast: true });
    expect(call).toThrow(DagradError);
    expect(call).toThrow(/^DataLoader: 10 samples in batches of 16 with dropLast make no batch; lower batchSize or leave dropLast off$/);
  });
});
