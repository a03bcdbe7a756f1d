import { describe, expect, it } from "vitest";
import { AnomalyError, ShapeError, type Tensor, createRng, detectAnomaly, isGradEnabled, randn, tensor } from "../../src/autograd/index.js";
import { DataLoader, StandardScaler, moons } from "../../src/datasets/index.js";
import {
  BatchNorm1d, Dropout, Linear, MLP, ReduceLROnPlateau, SGD, Sequential, StepLR, TrainingError, accuracy, evaluate, fit, init, mseLoss, predict,
} from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

/** y = 2x + 1 on 8 points. */
function line(): { x: Tensor; y: Tensor } {
  const xs = [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5];
  return { x: tensor(xs.map((v) => [v]), f64), y: tensor(xs.map((v) => [2 * v + 1]), f64) };
}

function norm(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return Math.sqrt(s);
}

describe("fit", () => {
  it("trains and returns the agreed history: loss, metrics, lr, gradient norms and update ratios per epoch", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 1 });
    const history = fit(model, line(), { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 200 });
    expect(history.epochs).toHaveLength(200);
    const first = history.epochs[0]!, last = history.epochs[199]!;
    expect(first.epoch).toBe(1);
    expect(last.epoch).toBe(200);
    expect(last.loss).toBeLessThan(1e-6);
    expect(last.loss).toBeLessThan(first.loss);
    expect(model.weight.data[0]).toBeCloseTo(2, 3);
    expect(model.bias!.data[0]).toBeCloseTo(1, 3);
    expect(last.lr).toBe(0.1);
    expect(Object.keys(last.gradNorms)).toEqual(["weight", "bias"]);
    expect(Object.keys(last.updateRatios)).toEqual(["weight", "bias"]);
    expect(last.metrics).toEqual({});
  });

  it("records the last step's gradient norm, and ||Δw|| / ||w|| = lr ||g|| / ||w before|| for plain SGD", () => {
    const model = new MLP({ sizes: [1, 3, 1], activation: "tanh", dtype: "float64", seed: 2 });
    const lr = 0.05;
    const record = fit(model, line(), { loss: "mse", optimizer: new SGD(model.parameters(), { lr }), epochs: 3 }).epochs[2]!;
    for (const [name, p] of model.namedParameters()) {
      const g = p.grad!.data;
      expect(record.gradNorms[name]).toBeCloseTo(norm(g), 14);
      const before = Array.from(p.data, (w, i) => w + lr * g[i]!);
      expect(record.updateRatios[name]).toBeCloseTo(lr * norm(g) / norm(before), 12);
    }
  });

  it("splits into minibatches of batchSize, reshuffled each epoch by a seeded generator", () => {
    const seen: number[][] = [];
    const recordingLoss = (yHat: Tensor, y: Tensor): Tensor => {
      seen.push(Array.from(y.data));
      return mseLoss(yHat, y);
    };
    const run = (seed: number): number[][] => {
      seen.length = 0;
      const model = new Linear(1, 1, { dtype: "float64", seed: 3 });
      fit(model, line(), { loss: recordingLoss, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 2, batchSize: 3, seed });
      return seen.map((b) => [...b]);
    };
    const a = run(7);
    expect(a.map((b) => b.length)).toEqual([3, 3, 2, 3, 3, 2]);
    expect(a.slice(0, 3).flat().sort((p, q) => p - q)).toEqual([-1, 0, 1, 2, 3, 4, 5, 6]);
    expect(a.slice(0, 3)).not.toEqual(a.slice(3));
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
  });

  it("keeps the row order without shuffle, and uses the data itself as a full batch", () => {
    const seen: Tensor[] = [];
    const data = line();
    const model = new Linear(1, 1, { dtype: "float64", seed: 3 });
    const loss = (yHat: Tensor, y: Tensor): Tensor => { seen.push(y); return mseLoss(yHat, y); };
    fit(model, data, { loss, optimizer: new SGD(model.parameters(), { lr: 0.01 }), batchSize: 4, shuffle: false });
    expect(seen.map((y) => Array.from(y.data))).toEqual([[-1, 0, 1, 2], [3, 4, 5, 6]]);
    seen.length = 0;
    fit(model, data, { loss, optimizer: new SGD(model.parameters(), { lr: 0.01 }) });
    expect(seen[0]).toBe(data.y);
  });

  it("takes an iterable of batches, asking it for a new pass every epoch", () => {
    const { x, y } = line();
    const passes: number[] = [];
    const batches = {
      *[Symbol.iterator](): Generator<{ x: Tensor; y: Tensor }> {
        passes.push(passes.length);
        yield { x: x.slice(0, 0, 4), y: y.slice(0, 0, 4) };
        yield { x: x.slice(0, 4), y: y.slice(0, 4) };
      },
    };
    const model = new Linear(1, 1, { dtype: "float64", seed: 4 });
    const history = fit(model, batches, { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.05 }), epochs: 100 });
    expect(passes).toHaveLength(100);
    expect(history.epochs).toHaveLength(100);
    expect(history.epochs[99]!.loss).toBeLessThan(1e-4);
  });

  it("a shuffling DataLoader gives a new order every epoch: epoch k's batches are loader.epoch(k)", () => {
    const data = { x: tensor(Array.from({ length: 12 }, (_, i) => [i / 12]), f64), y: tensor(Array.from({ length: 12 }, (_, i) => [i]), f64) };
    const seen: number[][] = [];
    const loss = (yHat: Tensor, y: Tensor): Tensor => { seen.push(Array.from(y.data)); return mseLoss(yHat, y); };
    const loader = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 5 });
    const model = new Linear(1, 1, { dtype: "float64", seed: 5 });
    fit(model, loader, { loss, optimizer: new SGD(model.parameters(), { lr: 1e-3 }), epochs: 3 });
    const twin = new DataLoader(data, { batchSize: 4, shuffle: true, seed: 5 });
    const expected = [0, 1, 2].map((k) => Array.from(twin.epoch(k), (b) => Array.from(b.y.data)));
    expect(seen).toEqual(expected.flat());
    expect(expected[1]).not.toEqual(expected[0]);
    expect(loader.nextEpoch).toBe(3);
  });

  it("refuses a generator object for more than one epoch (it can be read once), and says so when one comes back empty", () => {
    const { x, y } = line();
    function* batches(): Generator<{ x: Tensor; y: Tensor }> {
      yield { x, y };
    }
    const model = new Linear(1, 1, { dtype: "float64", seed: 4 });
    const optimizer = new SGD(model.parameters(), { lr: 0.05 });
    expect(() => fit(model, batches(), { loss: "mse", optimizer, epochs: 2 })).toThrow(
      /^fit: data is a one-shot iterator \(a generator object\): it can give one epoch, not 2\. Pass an array of batches, a DataLoader, or an iterable that starts over/,
    );
    const once = batches();
    expect(fit(model, once, { loss: "mse", optimizer, epochs: 1 }).epochs).toHaveLength(1);
    expect(() => fit(model, once, { loss: "mse", optimizer, epochs: 1 })).toThrow(/^fit: the data gave no batches$/);
  });

  it("counts the epochs a resumed fit runs, not the last epoch's number, when it takes a generator", () => {
    const { x, y } = line();
    function* batches(): Generator<{ x: Tensor; y: Tensor }> {
      yield { x, y };
    }
    const model = new Linear(1, 1, { dtype: "float64", seed: 4 });
    const optimizer = new SGD(model.parameters(), { lr: 0.05 });
    const history = fit(model, batches(), { loss: "mse", optimizer, epochs: 5, initialEpoch: 4 });
    expect(history.epochs.map((e) => e.epoch)).toEqual([5]);
    expect(() => fit(model, batches(), { loss: "mse", optimizer, epochs: 6, initialEpoch: 4 })).toThrow(/it can give one epoch, not 2\./);
  });

  it("records the last step's gradient norms and update ratios when the number of batches is not known in advance", () => {
    const { x, y } = line();
    const parts = [{ x: x.slice(0, 0, 3), y: y.slice(0, 0, 3) }, { x: x.slice(0, 3, 6), y: y.slice(0, 3, 6) }, { x: x.slice(0, 6), y: y.slice(0, 6) }];
    const unsized = { *[Symbol.iterator]() { yield* parts; } };
    const run = (data: Iterable<{ x: Tensor; y: Tensor }>) => {
      const model = new Linear(1, 1, { dtype: "float64", seed: 6 });
      return fit(model, data, { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.05 }), epochs: 3 }).epochs;
    };
    const known = run(parts);
    const unknown = run(unsized);
    expect(unknown).toEqual(known);
    expect(Object.keys(unknown[2]!.gradNorms)).toEqual(["weight", "bias"]);
    expect(unknown[2]!.gradNorms.weight).toBeGreaterThan(0);
    expect(unknown[2]!.updateRatios.weight).toBeGreaterThan(0);
    // The last step is the third batch: one more step on it from the same weights reproduces the norm.
    const model = new Linear(1, 1, { dtype: "float64", seed: 6 });
    const optimizer = new SGD(model.parameters(), { lr: 0.05 });
    fit(model, parts, { loss: "mse", optimizer, epochs: 2 });
    fit(model, parts.slice(0, 2), { loss: "mse", optimizer, epochs: 1 });
    model.zeroGrad();
    mseLoss(model.forward(parts[2]!.x), parts[2]!.y).backward();
    expect(unknown[2]!.gradNorms.weight).toBe(Math.abs(model.weight.grad!.data[0]!));
  });

  it("names the step without a total when the iterable's length is unknown, and refuses a batch with no rows", () => {
    const { x, y } = line();
    let calls = 0;
    const nanOnSecond = (yHat: Tensor, t: Tensor): Tensor => (++calls === 2 ? mseLoss(yHat, t).mul(NaN) : mseLoss(yHat, t));
    const unsized = { *[Symbol.iterator]() { yield { x: x.slice(0, 0, 4), y: y.slice(0, 0, 4) }; yield { x: x.slice(0, 4), y: y.slice(0, 4) }; } };
    const model = new Linear(1, 1, { dtype: "float64", seed: 7 });
    expect(() => fit(model, unsized, { loss: nanOnSecond, optimizer: new SGD(model.parameters(), { lr: 0.01 }) })).toThrow(/^fit: loss is NaN at epoch 1, step 2; training stopped/);
    const withEmpty = [{ x, y }, { x: x.slice(0, 0, 0), y: y.slice(0, 0, 0) }];
    expect(() => fit(model, withEmpty, { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.01 }) })).toThrow(/^fit: batch 1 of epoch 1 has no rows \(x \[0,1\]\); skip empty batches$/);
  });

  it("reports accuracy and validation metrics, thresholding logits at 0 for bceWithLogits", () => {
    // Separable: class 1 when x0 + x1 > 0.
    const rng = createRng(5);
    const x = randn([40, 2], { ...f64, rng });
    const y = tensor(Array.from({ length: 40 }, (_, i) => [x.data[2 * i]! + x.data[2 * i + 1]! > 0 ? 1 : 0]), f64);
    const model = new Linear(2, 1, { dtype: "float64", seed: 6 });
    const history = fit(model, { x, y }, {
      loss: "bceWithLogits", optimizer: new SGD(model.parameters(), { lr: 0.5 }), epochs: 300, metrics: ["accuracy"],
      validation: { x, y },
    });
    const last = history.epochs.at(-1)!;
    expect(last.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(last.valLoss).toBeLessThan(history.epochs[0]!.valLoss!);
    // Validation runs after the epoch's last step, on the final weights, with the logit threshold.
    const scores = predict(model, x);
    expect(last.valMetrics!.accuracy).toBe(accuracy(scores, y, { fromLogits: true }));
    expect(last.valMetrics!.accuracy).toBeGreaterThanOrEqual(0.95);
    // Thresholding these scores at 0.5 instead misreads the class-1 samples scored in (0, 0.5].
    const misread = Array.from(scores.data).filter((s, i) => s > 0 && s <= 0.5 && y.data[i] === 1).length;
    expect(misread).toBeGreaterThan(0);
    expect(accuracy(scores, y)).toBeLessThan(last.valMetrics!.accuracy);
  });

  it("multi-class with crossEntropy and class labels as floats", () => {
    const x = tensor([[2, 0], [0, 2], [-2, -2], [2.5, 0.2], [0.1, 2.2], [-1.8, -2.4]], f64);
    const y = tensor([0, 1, 2, 0, 1, 2], f64);
    const model = new MLP({ sizes: [2, 8, 3], activation: "tanh", dtype: "float64", seed: 7 });
    const history = fit(model, { x, y }, { loss: "crossEntropy", optimizer: new SGD(model.parameters(), { lr: 0.3 }), epochs: 100, metrics: ["accuracy"] });
    expect(history.epochs.at(-1)!.metrics.accuracy).toBe(1);
  });

  it("steps the scheduler once per epoch, giving ReduceLROnPlateau the validation loss", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 8 });
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const history = fit(model, line(), { loss: "mse", optimizer: opt, epochs: 5, scheduler: new StepLR(opt, { stepSize: 2, gamma: 0.5 }) });
    expect(history.epochs.map((e) => e.lr)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const plateauModel = new Linear(1, 1, { dtype: "float64", seed: 8 });
    const opt2 = new SGD(plateauModel.parameters(), { lr: 0.1 });
    // A validation set the model cannot fit better: its loss stops improving and the lr is cut.
    const stuck = { x: tensor([[0], [0]], f64), y: tensor([[5], [-5]], f64) };
    const lrs = fit(plateauModel, line(), { loss: "mse", optimizer: opt2, epochs: 30, validation: stuck, scheduler: new ReduceLROnPlateau(opt2, { patience: 2, factor: 0.5 }) }).epochs.map((e) => e.lr);
    expect(Math.min(...lrs)).toBeLessThan(0.1);
  });

  it("clips the global gradient norm before each step, while recording the unclipped norm", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 9 });
    const start = model.parameters().map((p) => Array.from(p.data));
    const record = fit(model, line(), { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 1 }), clipGradNorm: 0.01 }).epochs[0]!;
    const moved = Math.hypot(...model.parameters().flatMap((p, i) => Array.from(p.data, (w, j) => w - start[i]![j]!)));
    expect(moved).toBeLessThanOrEqual(0.01);
    expect(moved).toBeGreaterThan(0.0099);
    expect(Math.hypot(record.gradNorms.weight!, record.gradNorms.bias!)).toBeGreaterThan(1);
  });

  it("clips every gradient element into [-clipGradValue, clipGradValue] before each step", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 9 });
    const start = model.parameters().map((p) => Array.from(p.data));
    fit(model, line(), { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 1 }), clipGradValue: 0.003 });
    const steps = model.parameters().flatMap((p, i) => Array.from(p.data, (w, j) => Math.abs(w - start[i]![j]!)));
    // Both gradients are far above 0.003 here, so each step is exactly lr * 0.003.
    for (const step of steps) expect(step).toBeCloseTo(0.003, 12);
  });

  it("stops when onEpoch returns false, and logs every logEvery epochs", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 10 });
    const lines: string[] = [];
    const history = fit(model, line(), {
      loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 50, logEvery: 2, log: (l) => lines.push(l),
      onEpoch: (record) => record.epoch < 4,
    });
    expect(history.epochs).toHaveLength(4);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^epoch 2\/50 {2}loss \d+\.\d{6} {2}lr 0\.100$/);
  });

  it("stops on a NaN or infinite loss with a TrainingError naming the epoch and step", () => {
    // lr 1.5 on this line overshoots further every step until the loss overflows.
    const model = new Linear(1, 1, { dtype: "float64", seed: 11 });
    let error: unknown;
    try {
      fit(model, line(), { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 1.5 }), epochs: 2000, batchSize: 4, shuffle: false });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrainingError);
    const t = error as TrainingError;
    expect(t.epoch).toBeGreaterThan(1);
    expect([1, 2]).toContain(t.step);
    expect(Number.isFinite(t.loss)).toBe(false);
    expect(t.message).toMatch(new RegExp(`^fit: loss is (NaN|Infinity) at epoch ${t.epoch}, step ${t.step} of 2`));
    expect(t.reason).toBe("loss");
    expect(t.parameter).toBeUndefined();
  });

  it("continues a run with initialEpoch: records, errors and log lines count on from it, as in one call", () => {
    const diverging = () => {
      const model = new Linear(1, 1, { dtype: "float64", seed: 11 });
      return { model, optimizer: new SGD(model.parameters(), { lr: 1.5 }) };
    };
    const options = { loss: "mse" as const, batchSize: 4, shuffle: false };
    const whole = diverging();
    let once: TrainingError | undefined;
    try {
      fit(whole.model, line(), { ...options, optimizer: whole.optimizer, epochs: 2000 });
    } catch (e) {
      once = e as TrainingError;
    }
    expect(once!.epoch).toBeGreaterThan(3);
    const split = diverging();
    const first = fit(split.model, line(), { ...options, optimizer: split.optimizer, epochs: 3 });
    const lines: string[] = [];
    const records: number[] = [];
    let continued: TrainingError | undefined;
    try {
      fit(split.model, line(), { ...options, optimizer: split.optimizer, initialEpoch: 3, epochs: 2000, logEvery: 1, log: (l) => lines.push(l), onEpoch: (r) => { records.push(r.epoch); } });
    } catch (e) {
      continued = e as TrainingError;
    }
    expect(first.epochs.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(records[0]).toBe(4);
    expect(records.at(-1)).toBe(once!.epoch - 1);
    expect(lines[0]).toMatch(/^epoch 4\/2000 /);
    expect(continued!.epoch).toBe(once!.epoch);
    expect(continued!.message).toBe(once!.message);
    expect(() => fit(split.model, line(), { ...options, optimizer: split.optimizer, initialEpoch: -1 })).toThrow(/fit: initialEpoch must be an integer >= 0, got -1/);
  });

  it("stops on a non-finite gradient before applying it: the deep ReLU net with N(0, 1) weights of `experiment depth`", () => {
    // Ten hidden ReLU layers of 16 with N(0, 1) weights: the loss reaches ~1e20 and the
    // gradients overflow. Before, training went on with NaN weights and reported loss ln 2.
    const { x, y } = moons({ n: 240, noise: 0.2, seed: 42 });
    const data = { x: new StandardScaler().fitTransform(x), y: y.reshape(-1, 1) };
    const model = new MLP({ sizes: [2, ...new Array<number>(10).fill(16), 1], activation: "relu", seed: 42, init: (w, rng) => init.normal(w, 0, 1, { rng }) });
    let weights: number[][] = [];
    const losses: number[] = [];
    const run = () => fit(model, data, {
      loss: "bceWithLogits", optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 300,
      onEpoch: (record) => { losses.push(record.loss); weights = model.parameters().map((p) => Array.from(p.data)); },
    });
    const error = (() => { try { run(); } catch (e) { return e as TrainingError; } })()!;
    expect(error).toBeInstanceOf(TrainingError);
    // Today relu(NaN) is 0, so the NaN shows in the gradient first; where relu propagates
    // NaN (as PyTorch's), the same overflow makes the loss NaN one op later. Either stops here.
    expect(["gradient", "loss"]).toContain(error.reason);
    if (error.reason === "gradient") {
      expect(error.parameter).toMatch(/^layers\.\d+\.(weight|bias)$/);
      expect(error.message).toMatch(/^fit: the gradient of layers\.\d+\.(weight|bias) holds (NaN|-?Infinity) at \[\d+(,\d+)?\] at epoch \d+, step 1 of 1 \(loss [^)]+\); training stopped before applying it/);
    }
    expect(error.epoch).toBe(losses.length + 1);
    expect(Math.max(...losses)).toBeGreaterThan(1e10);
    // Nothing was applied from that gradient: the weights are those after the last completed epoch, all finite.
    expect(model.parameters().map((p) => Array.from(p.data))).toEqual(weights);
    expect(model.parameters().every((p) => p.data.every(Number.isFinite))).toBe(true);
  });

  it("stops when a step makes a weight infinite from finite gradients, naming the parameter and where", () => {
    // float32: w = 1 - lr * 4 = -4e38 does not fit (max 3.4e38).
    const model = new Linear(1, 1, { seed: 1 });
    model.weight.data[0] = 1;
    model.bias!.data[0] = 1;
    const run = () => fit(model, { x: tensor([[1]]), y: tensor([[0]]) }, { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 1e38 }), epochs: 3 });
    const error = (() => { try { run(); } catch (e) { return e as TrainingError; } })();
    expect(error).toBeInstanceOf(TrainingError);
    expect(error!.reason).toBe("weights");
    expect(error!.parameter).toBe("weight");
    expect([error!.epoch, error!.step, error!.loss]).toEqual([1, 1, 4]);
    expect(error!.message).toBe(
      "fit: the optimizer step at epoch 1, step 1 of 1 (loss 4) made weight -Infinity at [0,0] from finite gradients; training stopped. " +
        "The model now holds that weight: load saved weights before using it, and lower the learning rate or set clipGradNorm",
    );
  });

  it("checks the gradient of every parameter the optimizer steps, also one outside the model", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 2 });
    const extra = tensor([1], { ...f64, requiresGrad: true });
    const before = Array.from(extra.data);
    // sqrt at 0: a finite loss whose gradient is infinite.
    const loss = (yHat: Tensor, y: Tensor) => mseLoss(yHat, y).add(extra.sub(1).sqrt().sum());
    const run = () => fit(model, line(), { loss, optimizer: new SGD([...model.parameters(), extra], { lr: 0.1 }) });
    expect(run).toThrow(TrainingError);
    expect(run).toThrow(
      /^fit: the gradient of parameter 2 of the optimizer \(not in the model\) holds Infinity at \[0\] at epoch 1, step 1 of 1 \(loss [0-9.]+\); training stopped before applying it, so the weights are those of the step before\. With a loss this size, an op's derivative is likely undefined where it was taken \(sqrt or log at 0/,
    );
    expect(Array.from(extra.data)).toEqual(before);
  });

  it("in anomaly mode lets the AnomalyError naming the op through", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 12 });
    const data = { x: tensor([[1], [NaN]], f64), y: tensor([[1], [2]], f64) };
    const run = () => fit(model, data, { loss: "mse", optimizer: new SGD(model.parameters(), { lr: 0.1 }) });
    expect(run).toThrow(TrainingError);
    expect(() => detectAnomaly(run)).toThrow(AnomalyError);
    expect(() => detectAnomaly(run)).toThrow(/^linear: output \[2,1\] holds NaN/);
  });

  it("rejects mismatched rows, unknown losses, a missing optimizer and non-scalar losses, naming the problem", () => {
    const model = new Linear(1, 1);
    const optimizer = new SGD(model.parameters());
    expect(() => fit(model, { x: tensor([[1], [2]]), y: tensor([[1]]) }, { loss: "mse", optimizer })).toThrow(ShapeError);
    expect(() => fit(model, { x: tensor([[1], [2]]), y: tensor([[1]]) }, { loss: "mse", optimizer })).toThrow(/fit: data: x \[2,1\] and y \[1,1\] must have the same number of rows/);
    expect(() => fit(model, line(), { loss: "hinge" as "mse", optimizer })).toThrow(/fit: unknown loss "hinge"/);
    expect(() => fit(model, line(), { loss: "mse" } as Parameters<typeof fit>[2])).toThrow(/options\.optimizer is required/);
    expect(() => fit(model, line(), { loss: (a, b) => mseLoss(a, b, { reduction: "none" }), optimizer })).toThrow(/the loss must return a scalar tensor, got a tensor of shape \[8,1\]/);
  });
});

describe("evaluate and predict", () => {
  function netWithBatchNorm(): Sequential {
    return new Sequential(new Linear(2, 3, { dtype: "float64", seed: 13 }), new BatchNorm1d(3, { dtype: "float64" }), new Dropout(0.5, { seed: 1 }), new Linear(3, 1, { dtype: "float64", seed: 14 }));
  }

  it("run without a graph, in eval mode, and restore the previous mode", () => {
    const net = netWithBatchNorm();
    const x = randn([6, 2], { ...f64, rng: createRng(15) });
    net.forward(x);
    const out = predict(net, x);
    expect(out.requiresGrad).toBe(false);
    expect(net.training).toBe(true);
    // Eval mode: dropout off and running statistics, so two calls agree.
    expect(Array.from(predict(net, x).data)).toEqual(Array.from(out.data));
    net.eval();
    expect(Array.from(net.forward(x).data)).toEqual(Array.from(out.data));
    expect(net.training).toBe(false);
    predict(net, x);
    expect(net.training).toBe(false);
    expect(isGradEnabled()).toBe(true);
  });

  it("predict in batches gives the same rows, and refuses a batch size that is not a count", () => {
    const net = new MLP({ sizes: [2, 4, 2], dtype: "float64", seed: 16 });
    const x = randn([7, 2], { ...f64, rng: createRng(17) });
    expect(Array.from(predict(net, x, { batchSize: 3 }).data)).toEqual(Array.from(predict(net, x).data));
    for (const bad of [NaN, 1.5, -1]) expect(() => predict(net, x, { batchSize: bad })).toThrow(/^predict: batchSize \(0: all rows at once\) must be an integer >= 0, got /);
    expect(predict(net, x.slice(0, 0, 0)).shape).toEqual([0, 2]);
  });

  it("evaluate averages the loss over samples across batches and computes metrics", () => {
    const model = new Linear(1, 1, { dtype: "float64", seed: 18 });
    const data = line();
    const full = evaluate(model, data, { loss: "mse" });
    const batched = evaluate(model, data, { loss: "mse", batchSize: 3 });
    expect(batched.loss).toBeCloseTo(full.loss, 13);
    expect(full.loss).toBeCloseTo(mseLoss(predict(model, data.x), data.y).item(), 15);
    const cls = evaluate(model, { x: data.x, y: tensor([[0], [0], [0], [0], [1], [1], [1], [1]], f64) }, { metrics: ["accuracy"] });
    expect(cls.metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(cls.loss)).toBe(true);
  });
});
