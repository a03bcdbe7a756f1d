// captureStep with nn: a captured training run is the eager one, bit for bit,
// for every loss, activation, dtype and optimizer tried, dropout and batch
// norm included (random numbers and running statistics on the tape); what a replay cannot
// repeat is refused while it records; a step that changes under the tape is
// caught on the second run; a replay still checks the values it is given.
import { describe, expect, it } from "vitest";
import "../../src/kernels/node-threads.js";
import * as dg from "../../src/index.js";
import type { DType, LossFn, Tensor } from "../../src/index.js";
import { setGemmThreads } from "../../src/kernels/gemm.js";

interface Setup {
  label: string;
  sizes: number[];
  activation: dg.ActivationName;
  outputActivation?: dg.ActivationName;
  loss: LossFn;
  /** Targets for `rows` samples of step s. */
  target: (rows: number, s: number) => Tensor;
  dtype?: DType;
  optimizer?: (params: Tensor[]) => { step(): void; zeroGrad(): void };
  rows?: number;
  dropout?: number;
  batchNorm?: boolean;
}

const labels = (classes: number) => (rows: number, s: number): Tensor => dg.tensor(Array.from({ length: rows }, (_, i) => (i * 7 + s) % classes));
const oneHot = (classes: number, dtype: DType = "float32") => (rows: number, s: number): Tensor =>
  dg.tensor(Array.from({ length: rows }, (_, i) => Array.from({ length: classes }, (_, c) => (c === (i * 5 + s) % classes ? 1 : 0))), { dtype });
const binary = (dtype: DType = "float32") => (rows: number, s: number): Tensor => dg.tensor(Array.from({ length: rows }, (_, i) => [(i + s) % 3 === 0 ? 1 : 0]), { dtype });
const values = (outputs: number, dtype: DType = "float32") => (rows: number, s: number): Tensor =>
  dg.tensor(Array.from({ length: rows }, (_, i) => Array.from({ length: outputs }, (_, c) => Math.sin(i + c + s))), { dtype });

const SETUPS: Setup[] = [
  { label: "crossEntropy on labels, relu", sizes: [4, 16, 8, 3], activation: "relu", loss: dg.crossEntropy, target: labels(3) },
  { label: "crossEntropy on one-hot rows, tanh, Adam", sizes: [4, 16, 3], activation: "tanh", loss: dg.crossEntropy, target: oneHot(3), optimizer: (p) => new dg.Adam(p, { lr: 0.01 }) },
  { label: "nllLoss on logSoftmax, leakyRelu", sizes: [4, 8, 3], activation: "leakyRelu", outputActivation: "identity", loss: (scores, y) => dg.nllLoss(scores.logSoftmax(1), y), target: labels(3) },
  { label: "bceLoss on a sigmoid output (the documents' formulation), tanh", sizes: [2, 16, 16, 1], activation: "tanh", outputActivation: "sigmoid", loss: dg.bceLoss, target: binary() },
  { label: "bceWithLogitsLoss, sigmoid hidden, SGD with momentum", sizes: [2, 8, 1], activation: "sigmoid", loss: dg.bceWithLogitsLoss, target: binary(), optimizer: (p) => new dg.SGD(p, { lr: 0.1, momentum: 0.9 }) },
  { label: "mseLoss, softplus, float64", sizes: [3, 8, 2], activation: "softplus", loss: dg.mseLoss, target: values(2, "float64"), dtype: "float64" },
  { label: "halfSquaredError, float64, the seeds' convention", sizes: [2, 5, 1], activation: "sigmoid", loss: dg.halfSquaredError, target: values(1, "float64"), dtype: "float64" },
  { label: "crossEntropy, products large enough for the WebAssembly GEMM", sizes: [64, 96, 10], activation: "relu", loss: dg.crossEntropy, target: labels(10), rows: 64 },
  { label: "dropout (a new mask every step) and batch norm (running statistics), Adam", sizes: [4, 16, 16, 3], activation: "relu", loss: dg.crossEntropy, target: labels(3), dropout: 0.3, batchNorm: true, optimizer: (p) => new dg.Adam(p, { lr: 0.01 }) },
  { label: "dropout and batch norm, float64, mseLoss", sizes: [3, 8, 2], activation: "tanh", loss: dg.mseLoss, target: values(2, "float64"), dtype: "float64", dropout: 0.5, batchNorm: true },
  { label: "dropout and batch norm on WebAssembly-sized products", sizes: [64, 96, 10], activation: "relu", loss: dg.crossEntropy, target: labels(10), rows: 64, dropout: 0.2, batchNorm: true },
];

/** The same seeded model trained `steps` steps on changing batches, eagerly or through captureStep. */
function train(setup: Setup, captured: boolean, steps = 6): { losses: number[]; params: Tensor[]; state: dg.StateDict } {
  const rows = setup.rows ?? 12;
  const dtype = setup.dtype ?? "float32";
  const model = new dg.MLP({ sizes: setup.sizes, activation: setup.activation, outputActivation: setup.outputActivation, dtype, seed: 7, dropout: setup.dropout, batchNorm: setup.batchNorm });
  const optimizer = setup.optimizer?.(model.parameters()) ?? new dg.SGD(model.parameters(), { lr: 0.1 });
  const batch = (s: number): [Tensor, Tensor] => [dg.randn([rows, setup.sizes[0]!], { dtype, rng: dg.createRng(100 + s) }), setup.target(rows, s)];
  const losses: number[] = [];
  if (!captured) {
    for (let s = 0; s < steps; s++) {
      const [x, y] = batch(s);
      optimizer.zeroGrad();
      const loss = setup.loss(model.forward(x), y);
      loss.backward();
      optimizer.step();
      losses.push(loss.item());
    }
    return { losses, params: model.parameters(), state: model.stateDict() };
  }
  const [x, y] = batch(0);
  const step = dg.captureStep(() => setup.loss(model.forward(x), y));
  for (let s = 0; s < steps; s++) {
    const [nextX, nextY] = batch(s);
    x.data.set(nextX.data);
    y.data.set(nextY.data);
    const loss = step.run();
    optimizer.step();
    losses.push(loss.item());
  }
  return { losses, params: model.parameters(), state: model.stateDict() };
}

const bits = (t: Tensor): number[] => Array.from(t.data);

describe("captureStep trains exactly as the graph does", () => {
  for (const setup of SETUPS) {
    it(setup.label, () => {
      const eager = train(setup, false);
      const captured = train(setup, true);
      expect(captured.losses).toEqual(eager.losses);
      captured.params.forEach((p, i) => expect(bits(p)).toEqual(bits(eager.params[i]!)));
      // Every parameter and buffer (batch norm's running statistics among them).
      expect(Object.keys(captured.state)).toEqual(Object.keys(eager.state));
      for (const [name, t] of Object.entries(captured.state)) expect(bits(t), name).toEqual(bits(eager.state[name]!));
      expect(new Set(eager.losses).size).toBeGreaterThan(1); // the batches and the weights did change
    });
  }

  it("with the GEMM worker thread splitting the products", () => {
    setGemmThreads(2);
    try {
      const setup: Setup = { label: "", sizes: [784, 128, 64, 10], activation: "relu", loss: dg.crossEntropy, target: labels(10), rows: 128 };
      const eager = train(setup, false, 3);
      const captured = train(setup, true, 3);
      expect(captured.losses).toEqual(eager.losses);
      captured.params.forEach((p, i) => expect(bits(p)).toEqual(bits(eager.params[i]!)));
    } finally {
      setGemmThreads(1);
    }
  });

  it("each run sets .grad to that step's gradient (as zeroGrad() then backward()), the same tensors every replay", () => {
    const w = dg.tensor([1, 2], { requiresGrad: true });
    const x = dg.tensor([3, 4]);
    const step = dg.captureStep(() => dg.sum(dg.mul(w, x)));
    expect(step.recordedCalls).toBe(0);
    w.grad = dg.tensor([100, 100]);
    step.run();
    expect(bits(w.grad!)).toEqual([3, 4]);
    expect(step.recordedCalls).toBeGreaterThan(0);
    x.data.set([5, 6]);
    expect(step.run().item()).toBe(17); // checked against the graph
    expect(bits(w.grad!)).toEqual([5, 6]);
    const kept = w.grad;
    x.data.set([-1, 1]);
    expect(step.run().item()).toBe(1); // replayed
    expect(w.grad).toBe(kept);
    expect(bits(w.grad!)).toEqual([-1, 1]);
  });
});

describe("captureStep refuses what a replay cannot repeat, while it records", () => {
  const w = (): Tensor => dg.tensor([[0.5, -0.5], [0.25, 1]], { requiresGrad: true });
  const x = dg.tensor([[1, 2], [3, 4]]);
  const hooked = new dg.Linear(2, 2, { seed: 1 });
  hooked.registerForwardHook(() => undefined);
  const refusals: [string, () => Tensor, RegExp][] = [
    ["item() inside the step", () => { const l = dg.sum(dg.matmul(x, w())); l.item(); return l; }, /item: cannot be part of a captured step: .*read the loss that run\(\) returns/],
    ["a module's forward hook", () => dg.sum(hooked.forward(x)), /registerForwardHook: cannot be part of a captured step: a forward hook/],
    ["an in-place update", () => { const h = dg.matmul(x, w()); const c = dg.ones([2, 2]); c.mulInPlace(2); return dg.sum(dg.mul(h, c)); }, /mulInPlace: cannot be part of a captured step: an in-place update/],
    ["a gradient hook", () => { const h = dg.matmul(x, w()); h.registerHook(() => undefined); return dg.sum(h); }, /registerHook: cannot be part of a captured step: a hook/],
    ["retainGrad()", () => dg.sum(dg.matmul(x, w()).retainGrad()), /retainGrad: cannot be part of a captured step/],
    ["a non-scalar loss", () => dg.matmul(x, w()), /captureStep: the step function must return a scalar loss, got shape \[2,2\]/],
  ];
  for (const [what, fn, message] of refusals) {
    it(what, () => {
      const step = dg.captureStep(fn);
      expect(() => step.run()).toThrow(dg.CaptureError);
      expect(() => dg.captureStep(fn).run()).toThrow(message);
    });
  }

  it("Dropout and BatchNorm1d in eval mode are captured (they read no random numbers and update nothing)", () => {
    const model = new dg.Sequential(new dg.Linear(2, 4, { seed: 1 }), new dg.BatchNorm1d(4), new dg.Tanh(), new dg.Dropout(0.5), new dg.Linear(4, 1, { seed: 2 }));
    model.train();
    noCapture(() => dg.sum(model.forward(x))); // one training batch, so BatchNorm has running statistics
    model.eval();
    const step = dg.captureStep(() => dg.sum(model.forward(x)));
    const first = step.run().item();
    expect(step.run().item()).toBe(first);
    x.data.set([2, 1, 0, -1]);
    const replayed = step.run().item();
    expect(replayed).toBe(dg.sum(model.forward(x)).item());
    x.data.set([1, 2, 3, 4]);
  });

  it("a captured step run inside another step being recorded", () => {
    const inner = dg.captureStep(() => dg.sum(dg.matmul(x, w())));
    expect(() => dg.captureStep(() => inner.run()).run()).toThrow(/captureStep: a captured step cannot run inside another step being recorded/);
  });

  it("anomaly mode, and grad mode off when the step records", () => {
    const step = dg.captureStep(() => dg.sum(dg.matmul(x, w())));
    expect(() => dg.detectAnomaly(() => step.run())).toThrow(/anomaly mode checks every value in JavaScript/);
    expect(() => dg.noGrad(() => step.run())).toThrow(/grad mode is off/);
    expect(() => dg.captureStep(null as unknown as () => Tensor)).toThrow(/expected a function that returns the loss, got null/);
  });
});

function noCapture(fn: () => Tensor): void {
  fn().backward();
}

describe("random numbers and running statistics go on the tape", () => {
  const w = (): Tensor => dg.tensor([[0.5, -0.5], [0.25, 1]], { requiresGrad: true });
  const x = dg.tensor([[1, 2], [3, 4]]);

  /** Losses of `steps` runs of a step that draws from `rng` (or the global generator), eagerly or captured, and the generator's next draw after them. */
  const noisySteps = (captured: boolean, draw: "rand" | "randn", rng: dg.Rng | undefined, steps = 5): { losses: number[]; next: number } => {
    const weight = w();
    const fn = (): Tensor => dg.sum(dg.mul(dg.matmul(x, weight), dg[draw]([2, 2], rng === undefined ? {} : { rng })));
    const step = dg.captureStep(fn);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const loss = captured ? step.run() : fn();
      if (!captured) loss.backward();
      losses.push(loss.item());
      weight.grad = null;
    }
    return { losses, next: (rng ?? dg.defaultRng())() };
  };

  for (const draw of ["rand", "randn"] as const) {
    it(`${draw}: each replay draws afresh, the numbers the graph would draw, from a given generator or the global one`, () => {
      const eager = noisySteps(false, draw, dg.createRng(4));
      const captured = noisySteps(true, draw, dg.createRng(4));
      expect(captured).toEqual(eager);
      expect(new Set(eager.losses).size).toBe(5);
      dg.manualSeed(9);
      const eagerGlobal = noisySteps(false, draw, undefined);
      dg.manualSeed(9);
      expect(noisySteps(true, draw, undefined)).toEqual(eagerGlobal);
    });
  }

  it("a replay draws from the global generator in use then (manualSeed between runs is followed)", () => {
    const weight = w();
    const step = dg.captureStep(() => dg.sum(dg.mul(dg.matmul(x, weight), dg.rand([2, 2]))));
    step.run();
    step.run();
    dg.manualSeed(21);
    const replayed = step.run().item();
    dg.manualSeed(21);
    expect(replayed).toBe(dg.sum(dg.mul(dg.matmul(x, weight), dg.rand([2, 2]))).item());
  });

  it("a step that draws on one call and not on another is caught on the second run", () => {
    let calls = 0;
    const weight = w();
    const step = dg.captureStep(() => {
      calls++;
      const h = dg.matmul(x, weight);
      return dg.sum(calls === 1 ? dg.mul(h, dg.rand([2, 2], { rng: dg.createRng(1) })) : h);
    });
    step.run();
    expect(() => step.run()).toThrow(/captureStep: the replay drew 4 random numbers and the step run through the graph 0/);
  });

  it("the second run updates running statistics once, as one step through the graph does", () => {
    const norm = (): dg.BatchNorm1d => new dg.BatchNorm1d(2);
    const eager = norm(), captured = norm();
    const weight = w();
    const step = dg.captureStep(() => dg.sum(captured.forward(dg.matmul(x, weight).square())));
    for (let s = 0; s < 3; s++) {
      x.data.set([1 + s, 2, 3, 4 - s]);
      dg.sum(eager.forward(dg.matmul(x, weight).square())).backward();
      step.run();
      expect(bits(captured.runningMean!), `step ${s}`).toEqual(bits(eager.runningMean!));
      expect(bits(captured.runningVar!), `step ${s}`).toEqual(bits(eager.runningVar!));
    }
    x.data.set([1, 2, 3, 4]);
  });

  it("a module switched between training and evaluation after the capture is refused before the replay runs anything", () => {
    const dropout = new dg.Dropout(0.5, { seed: 2 });
    const model = new dg.Sequential(new dg.Linear(2, 4, { seed: 1 }), new dg.BatchNorm1d(4), new dg.Tanh(), dropout, new dg.Linear(4, 1, { seed: 3 }));
    const step = dg.captureStep(() => dg.sum(model.forward(x)));
    step.run();
    step.run();
    const runningMean = bits(model.stateDict()["1.runningMean"]!);
    model.eval();
    expect(() => step.run()).toThrow(/BatchNorm1d: the step was captured with this module in training mode and it is in evaluation mode now/);
    expect(bits(model.stateDict()["1.runningMean"]!)).toEqual(runningMean); // nothing ran
    dropout.train();
    expect(() => step.run()).toThrow(/BatchNorm1d: .* in evaluation mode now/);
    model.train();
    step.run(); // the recorded mode again: replays
    model.eval();
    const evalStep = dg.captureStep(() => dg.sum(model.forward(x)));
    evalStep.run();
    evalStep.run();
    model.train();
    expect(() => evalStep.run()).toThrow(/the step was captured with this module in evaluation mode and it is in training mode now/);
  });
});

describe("captureStep checks the second run against the graph", () => {
  it("a step that makes its input tensor anew each call is caught, and .grad is left as the graph computed it", () => {
    const weight = dg.tensor([1, -1], { requiresGrad: true, dtype: "float64" });
    let batch = 0;
    const step = dg.captureStep(() => dg.sum(dg.mul(weight, dg.tensor([++batch, 2], { dtype: "float64" }))));
    step.run();
    expect(() => step.run()).toThrow(/the replayed loss differs from the step run through the graph \(element 0 is 0 through the graph and -1 replayed\): .*makes a new input tensor each call/);
    expect(Array.from(weight.grad!.data)).toEqual([2, 2]);
  });

  it("a step that reaches other parameters on its second run is caught", () => {
    const a = dg.tensor([1], { requiresGrad: true });
    const b = dg.tensor([2], { requiresGrad: true });
    let use = a;
    const step = dg.captureStep(() => dg.sum(dg.mul(use, 3)));
    step.run();
    use = b;
    expect(() => step.run()).toThrow(/the second run reached other tensors that require grad than the first/);
  });
});

describe("a replay checks what changed since the capture", () => {
  it("a weight frozen or unfrozen after the capture is refused, naming it (its gradient would be wrong, or missing)", () => {
    const model = new dg.MLP({ sizes: [2, 3, 1], seed: 1 });
    const x = dg.tensor([[1, 2], [3, 4]]);
    const step = dg.captureStep(() => dg.sum(model.forward(x)));
    step.run();
    step.run();
    const [weight0] = model.parameters();
    weight0!.requiresGrad = false;
    expect(() => step.run()).toThrow(/layers\.0\.weight \[3,2\] no longer requires grad but did when the step was recorded: capture the step again/);
    weight0!.requiresGrad = true;
    step.run();
    const frozen = dg.tensor([[0.5], [0.5], [0.5]]);
    const withFrozen = dg.captureStep(() => dg.sum(dg.matmul(model.forward(x), dg.tensor([[2]])).add(dg.matmul(dg.tanh(model.linears[0]!.forward(x)), frozen))));
    withFrozen.run();
    frozen.requiresGrad = true;
    expect(() => withFrozen.run()).toThrow(/a tensor \[3,1\] requires grad now but did not when the step was recorded/);
  });
});

describe("a replay checks the values it is given", () => {
  it("bceLoss: a target outside [0, 1] refilled before a replay throws as the graph would", () => {
    const w = dg.tensor([[0.3], [-0.2]], { requiresGrad: true });
    const x = dg.tensor([[1, 2], [3, 4]]);
    const y = dg.tensor([[1], [0]]);
    const step = dg.captureStep(() => dg.bceLoss(dg.sigmoid(dg.matmul(x, w)), y));
    step.run();
    step.run();
    y.data.set([2, 0]);
    expect(() => step.run()).toThrow(/bceLoss: target must hold probabilities in \[0, 1\], got 2 at \[0,0\] of \[2,1\]/);
    expect(w.grad).toBeNull(); // not half of one step's gradient and half of the last's
    y.data.set([0, 1]);
    expect(step.run().item()).toBe(dg.bceLoss(dg.sigmoid(dg.matmul(x, w)), y).item());
    expect(w.grad).not.toBeNull();
  });

  it("crossEntropy: a label out of range refilled before a replay throws, and new labels are read", () => {
    const w = dg.tensor([[0.3, 0.1, -0.4], [-0.2, 0.5, 0.6]], { requiresGrad: true, dtype: "float64" });
    const x = dg.tensor([[1, 2], [3, 4]], { dtype: "float64" });
    const y = dg.tensor([0, 2], { dtype: "float64" });
    const step = dg.captureStep(() => dg.crossEntropy(dg.matmul(x, w), y));
    step.run();
    step.run();
    y.data.set([1, 1]);
    expect(step.run().item()).toBe(dg.crossEntropy(dg.matmul(x, w), dg.tensor([1, 1], { dtype: "float64" })).item());
    y.data.set([0, 3]);
    expect(() => step.run()).toThrow(/crossEntropy: label 3 of sample 1 is not a class index in \[0, 2\]/);
  });
});

describe("fit({ capture: true })", () => {
  const data = (): { x: Tensor; y: Tensor } => {
    const x = dg.randn([70, 3], { rng: dg.createRng(11) });
    return { x, y: dg.tensor(Array.from({ length: 70 }, (_, i) => (x.data[3 * i]! + x.data[3 * i + 2]! > 0 ? 1 : i % 3 === 0 ? 2 : 0))) };
  };
  const run = (capture: boolean, extra: Partial<dg.FitOptions> = {}): { history: dg.History; params: Tensor[] } => {
    const model = new dg.MLP({ sizes: [3, 12, 12, 3], activation: "relu", seed: 5 });
    const optimizer = new dg.Adam(model.parameters(), { lr: 0.02 });
    const history = fit(model, data(), {
      loss: "crossEntropy", optimizer, epochs: 4, batchSize: 16, seed: 3, metrics: ["accuracy"], clipGradNorm: 1,
      validation: data(), scheduler: new dg.StepLR(optimizer, { stepSize: 2 }), capture, ...extra,
    });
    return { history, params: model.parameters() };
  };
  const fit = dg.fit;

  it("trains to the same history and weights as fit through the graph: shuffled batches, a smaller last batch, metrics, clipping, a scheduler", () => {
    const eager = run(false);
    const captured = run(true);
    expect(captured.history).toEqual(eager.history);
    captured.params.forEach((p, i) => expect(bits(p)).toEqual(bits(eager.params[i]!)));
    expect(eager.history.epochs[3]!.metrics["accuracy"]).toBeGreaterThan(0.5);
  });

  it("with dropout and batch norm: the same history, weights and running statistics", () => {
    const withBoth = (capture: boolean): { history: dg.History; state: dg.StateDict } => {
      const model = new dg.MLP({ sizes: [3, 12, 12, 3], activation: "relu", seed: 5, dropout: 0.25, batchNorm: true });
      const history = fit(model, data(), { loss: "crossEntropy", optimizer: new dg.SGD(model.parameters(), { lr: 0.1 }), epochs: 3, batchSize: 16, seed: 3, validation: data(), capture });
      return { history, state: model.stateDict() };
    };
    const eager = withBoth(false);
    const captured = withBoth(true);
    expect(captured.history).toEqual(eager.history);
    for (const [name, t] of Object.entries(captured.state)) expect(bits(t), name).toEqual(bits(eager.state[name]!));
  });

  it("a model whose step cannot be captured is refused, naming why", () => {
    const model = new dg.MLP({ sizes: [3, 8, 3], activation: "relu", seed: 5 });
    model.registerForwardHook(() => undefined);
    expect(() => fit(model, data(), { loss: "crossEntropy", optimizer: new dg.SGD(model.parameters(), { lr: 0.1 }), capture: true })).toThrow(/registerForwardHook: cannot be part of a captured step/);
  });

  it("a non-finite loss still stops training before the step that would apply it", () => {
    const model = new dg.MLP({ sizes: [3, 8, 3], activation: "relu", seed: 5 });
    const d = data();
    d.x.data[5] = NaN;
    expect(() => fit(model, d, { loss: "crossEntropy", optimizer: new dg.SGD(model.parameters(), { lr: 0.1 }), batchSize: 16, shuffle: false, capture: true })).toThrow(/loss is NaN at epoch 1, step 1 of 5/);
  });
});
