// Calls that used to give a plausible but wrong result without a word, each
// now a DagradError that names the mistake.
import { describe, expect, it } from "vitest";
import { DagradError, tensor } from "../../src/autograd/index.js";
import { DataLoader } from "../../src/datasets/index.js";
import { BatchNorm1d, Linear, MLP, SGD, accuracy, evaluate, fit, predict } from "../../src/nn/index.js";

const data = { x: tensor([[0], [1], [2], [3]]), y: tensor([[1], [3], [5], [7]]) };

function refuses(call: () => unknown, message: RegExp): void {
  expect(call).toThrow(DagradError);
  expect(call).toThrow(message);
}

describe("misspelt options are refused, not replaced by the default", () => {
  const model = new Linear(1, 1, { seed: 1 });
  const optimizer = new SGD(model.parameters(), { lr: 0.01 });
  const cases: [string, () => unknown, RegExp][] = [
    ["fit", () => fit(model, data, { loss: "mse", optimizer, epoch: 100 } as never), /^fit: unknown option "epoch"; the options are loss, metrics, fromLogits, batchSize, optimizer, epochs, /],
    ["fit (case)", () => fit(model, data, { loss: "mse", optimizer, batchsize: 2 } as never), /^fit: unknown option "batchsize" \(did you mean "batchSize"\?\)/],
    ["evaluate", () => evaluate(model, data, { loss: "mse", metric: ["accuracy"] } as never), /^evaluate: unknown option "metric"; the options are loss, metrics, fromLogits, batchSize$/],
    ["predict", () => predict(model, data.x, { batch: 2 } as never), /^predict: unknown option "batch"; the options are batchSize$/],
    ["MLP", () => new MLP({ sizes: [1, 4, 1], activaton: "tanh" } as never), /^MLP: unknown option "activaton"; the options are sizes, activation, /],
    ["Linear", () => new Linear(1, 1, { bais: false } as never), /^Linear: unknown option "bais"; the options are bias, init, biasInit, dtype, rng, seed$/],
    ["BatchNorm1d", () => new BatchNorm1d(3, { momentun: 0.5 } as never), /^BatchNorm1d: unknown option "momentun"/],
    ["DataLoader", () => new DataLoader(data, { shufle: true } as never), /^DataLoader: unknown option "shufle"; the options are batchSize, shuffle, seed, dropLast$/],
    ["DataLoader flag", () => new DataLoader(data, { shuffle: "yes" } as never), /^DataLoader: shuffle must be true or false, got "yes"$/],
  ];
  for (const [what, call, message] of cases) it(what, () => refuses(call, message));
});

describe("fit", () => {
  it("refuses an optimizer made for another model: nothing would train", () => {
    const model = new Linear(1, 1, { seed: 1 });
    const other = new Linear(1, 1, { seed: 2 });
    refuses(() => fit(model, data, { loss: "mse", optimizer: new SGD(other.parameters(), { lr: 0.01 }) }),
      /^fit: the optimizer updates none of the model's 2 parameters, so nothing would train; make it with this model/);
  });

  it("refuses logEvery 0, which never logged", () => {
    const model = new Linear(1, 1, { seed: 1 });
    refuses(() => fit(model, data, { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.01 }), logEvery: 0 }), /^fit: logEvery must be an integer >= 1, got 0$/);
  });

  it("refuses a batch size that is not a whole number of rows, and epochs below 0, in the library's one wording", () => {
    const model = new Linear(1, 1, { seed: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    refuses(() => fit(model, data, { loss: "mse", optimizer, batchSize: 2.5 }), /^fit: batchSize \(0: the full batch\) must be an integer >= 0, got 2\.5$/);
    refuses(() => fit(model, data, { loss: "mse", optimizer, epochs: -1 }), /^fit: epochs must be an integer >= 0, got -1$/);
  });

  it("takes any whole number of epochs, past 2^53 too: training until onEpoch says stop (as the playground does)", () => {
    const model = new Linear(1, 1, { seed: 1 });
    const history = fit(model, data, { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: Number.MAX_SAFE_INTEGER + 3, onEpoch: (r) => r.epoch < 2 });
    expect(history.epochs.map((r) => r.epoch)).toEqual([1, 2]);
  });
});

describe("BatchNorm1d", () => {
  it("refuses eps 0 (a constant feature would divide by 0) and a momentum outside [0, 1]", () => {
    refuses(() => new BatchNorm1d(3, { eps: 0 }), /^BatchNorm1d: eps must be a finite number > 0, got 0$/);
    refuses(() => new BatchNorm1d(3, { momentum: 2 }), /^BatchNorm1d: momentum must be a finite number in \[0, 1\], got 2$/);
  });
});

describe("accuracy", () => {
  it("is NaN when a prediction is NaN (it used to count as class 0, or as below the threshold)", () => {
    expect(accuracy(tensor([[NaN, 1], [0, 1]]), tensor([0, 1]))).toBeNaN();
    expect(accuracy(tensor([[NaN], [0.9]]), tensor([[0], [1]]))).toBeNaN();
  });

  it("refuses a label that is not a class index (it never matched, lowering the accuracy)", () => {
    refuses(() => accuracy(tensor([[0, 1], [1, 0]]), tensor([1, 2.5])), /^accuracy: label 2\.5 of sample 1 is not a class index in \[0, 1\] \(predictions \[2,2\]\)$/);
  });
});
