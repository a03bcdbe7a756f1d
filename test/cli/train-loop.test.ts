// fitInSlices runs fit in ~100 ms slices so Ctrl-C can be seen between them:
// the slices, and a run stopped and resumed from its generator state, must be
// the same run as one fit call, down to the epoch a divergence names.
import { describe, expect, it } from "vitest";
import { type Tensor, createRng, tensor } from "../../src/autograd/index.js";
import { Linear, SGD, TrainingError, fit } from "../../src/nn/index.js";
import { fitInSlices } from "../../src/cli/train-loop.js";

/** y = 2x + 1 on 8 points. */
function line(): { x: Tensor; y: Tensor } {
  const xs = [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5];
  return { x: tensor(xs.map((v) => [v]), { dtype: "float64" }), y: tensor(xs.map((v) => [2 * v + 1]), { dtype: "float64" }) };
}

const busy = (ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until);
};

function model(lr: number) {
  const m = new Linear(1, 1, { dtype: "float64", seed: 11 });
  return { m, optimizer: new SGD(m.parameters(), { lr, momentum: 0.5 }) };
}

describe("fitInSlices", () => {
  it("names the epoch of a divergence in a later slice as one fit call does", async () => {
    // lr 0.9 with momentum overshoots slowly: the loss overflows only after a few hundred epochs.
    const once = model(0.9);
    let expected: TrainingError | undefined;
    try {
      fit(once.m, line(), { loss: "mse", optimizer: once.optimizer, epochs: 100000, batchSize: 4, rng: createRng(5) });
    } catch (e) {
      expected = e as TrainingError;
    }
    expect(expected).toBeInstanceOf(TrainingError);
    // 2 ms an epoch makes slices of at most ~50 epochs, so the divergence comes three or more slices in.
    expect(expected!.epoch).toBeGreaterThan(150);
    const sliced = model(0.9);
    const result = await fitInSlices(sliced.m, line(), {
      loss: "mse", optimizer: sliced.optimizer, epochs: 100000, batchSize: 4, seed: 5,
      onEpoch: () => busy(2),
    });
    expect(result.diverged?.epoch).toBe(expected!.epoch);
    expect(result.diverged?.message).toBe(expected!.message);
    expect(result.records.map((r) => r.epoch)).toEqual(Array.from({ length: expected!.epoch - 1 }, (_, i) => i + 1));
  });

  it("resumed from its records and the generator's state, goes on as if never stopped", async () => {
    const options = { loss: "mse" as const, epochs: 40, batchSize: 3, seed: 9 };
    const whole = model(0.01);
    const all = await fitInSlices(whole.m, line(), { ...options, optimizer: whole.optimizer });

    const split = model(0.01);
    let saved: { records: typeof all.records; rngState: typeof all.rngState; weights: ReturnType<Linear["stateDict"]>; optimizer: ReturnType<SGD["stateDict"]> } | undefined;
    const first = await fitInSlices(split.m, line(), {
      ...options, optimizer: split.optimizer,
      onEpoch: (r, run) => {
        if (r.epoch === 17) saved = { records: [...run.records], rngState: run.rngState(), weights: split.m.stateDict(), optimizer: split.optimizer.stateDict() };
      },
      shouldStop: () => saved !== undefined,
    });
    expect(first.records).toHaveLength(17);
    const again = model(0.01);
    again.m.loadStateDict(saved!.weights);
    again.optimizer.loadStateDict(JSON.parse(JSON.stringify(saved!.optimizer)));
    const rest = await fitInSlices(again.m, line(), { ...options, optimizer: again.optimizer, resume: { records: saved!.records, rngState: JSON.parse(JSON.stringify(saved!.rngState)) } });
    expect(rest.records).toEqual(all.records);
    expect(Array.from(again.m.weight.data)).toEqual(Array.from(whole.m.weight.data));
    expect(rest.rngState).toEqual(all.rngState);
  });
});
