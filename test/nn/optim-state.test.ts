// Optimizer and scheduler state dicts: a run stopped after N epochs, saved
// through JSON and restored into a fresh model, optimizer and scheduler, ends
// with the bits of the uninterrupted run; a state that does not fit loads nothing.
import { describe, expect, it } from "vitest";
import { type DType, type Tensor, createRng, randn, tensor } from "../../src/autograd/index.js";
import {
  Adam, AdamW, type BaseHyperparameters, type Batch, CosineAnnealingLR, ExponentialLR, LinearWarmup, type LrScheduler, MLP, type Optimizer,
  type OptimizerStateDict, RMSprop, ReduceLROnPlateau, SGD, type SchedulerStateDict, StateDictError, StepLR, fit,
} from "../../src/nn/index.js";

// Any optimizer, whatever its hyperparameters.
type AnyOptimizer = Optimizer<BaseHyperparameters, unknown>;

interface Setup {
  optimizer: (params: Tensor[]) => AnyOptimizer;
  scheduler?: (optimizer: AnyOptimizer) => LrScheduler;
}

const setups: Record<string, Setup> = {
  "SGD, momentum + nesterov + weight decay, StepLR": {
    optimizer: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    scheduler: (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 }),
  },
  "SGD, momentum + dampening, ExponentialLR": {
    optimizer: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.5, dampening: 0.3 }),
    scheduler: (o) => new ExponentialLR(o, { gamma: 0.9 }),
  },
  "SGD, plain": { optimizer: (ps) => new SGD(ps, { lr: 0.05 }) },
  "Adam, CosineAnnealingLR": {
    optimizer: (ps) => new Adam(ps, { lr: 0.01 }),
    scheduler: (o) => new CosineAnnealingLR(o, { tMax: 7, etaMin: 1e-4 }),
  },
  "Adam, AMSGrad + L2, LinearWarmup then StepLR": {
    optimizer: (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 1e-2 }),
    scheduler: (o) => {
      const then = new StepLR(o, { stepSize: 1, gamma: 0.7 });
      return new LinearWarmup(o, { warmupEpochs: 3, then });
    },
  },
  "AdamW, ReduceLROnPlateau": {
    optimizer: (ps) => new AdamW(ps, { lr: 0.02, weightDecay: 0.1 }),
    // A threshold no epoch meets, so the lr is cut on both sides of the save.
    scheduler: (o) => new ReduceLROnPlateau(o, { patience: 1, factor: 0.5, threshold: 0.9 }),
  },
  "RMSprop, centered + momentum, StepLR": {
    optimizer: (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5, weightDecay: 1e-3 }),
    scheduler: (o) => new StepLR(o, { stepSize: 3, gamma: 0.3 }),
  },
  "RMSprop, plain": { optimizer: (ps) => new RMSprop(ps, { lr: 0.005 }) },
};

/** Four fixed minibatches of a small regression, so an epoch is several steps. */
function batches(dtype: DType): Batch[] {
  const rng = createRng("optim-state-data");
  return Array.from({ length: 4 }, () => ({ x: randn([5, 3], { dtype, rng }), y: randn([5, 2], { dtype, rng }) }));
}

function model(dtype: DType, seed: number): MLP {
  return new MLP({ sizes: [3, 6, 2], activation: "tanh", dtype, seed });
}

/** The bytes of every parameter: equal bytes are equal bits. */
function bits(m: MLP): number[][] {
  return m.parameters().map((p) => Array.from(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength)));
}

interface Run {
  net: MLP;
  optimizer: AnyOptimizer;
  scheduler: LrScheduler | undefined;
}

function start(setup: Setup, dtype: DType, seed: number): Run {
  const net = model(dtype, seed);
  const optimizer = setup.optimizer(net.parameters());
  return { net, optimizer, scheduler: setup.scheduler?.(optimizer) };
}

function train(run: Run, data: Batch[], epochs: number): { loss: number; lr: number }[] {
  const history = fit(run.net, data, { loss: "mse", optimizer: run.optimizer, scheduler: run.scheduler, epochs });
  return history.epochs.map((e) => ({ loss: e.loss, lr: e.lr }));
}

/** Through JSON text, as a checkpoint file would carry it. */
function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe("optimizer and scheduler state dicts resume training bit for bit", () => {
  const N = 4, M = 3;
  for (const [name, setup] of Object.entries(setups)) {
    for (const dtype of ["float32", "float64"] as const) {
      it(`${name} (${dtype}): ${N} epochs, save, restore into fresh objects, ${M} more = ${N + M} uninterrupted`, () => {
        const data = batches(dtype);
        const whole = start(setup, dtype, 1);
        const wholeHistory = train(whole, data, N + M);

        const first = start(setup, dtype, 1);
        const firstHistory = train(first, data, N);
        const saved = {
          model: first.net.stateDict(),
          optimizer: viaJson(first.optimizer.stateDict()),
          scheduler: first.scheduler === undefined ? undefined : viaJson(first.scheduler.stateDict()),
        };

        // Another seed: everything that matters must come from the saved state.
        const resumed = start(setup, dtype, 2);
        resumed.net.loadStateDict(saved.model);
        resumed.optimizer.loadStateDict(saved.optimizer);
        if (saved.scheduler !== undefined) resumed.scheduler!.loadStateDict(saved.scheduler);
        const restHistory = train(resumed, data, M);

        expect(bits(resumed.net)).toEqual(bits(whole.net));
        expect([...firstHistory, ...restHistory]).toEqual(wholeHistory);
        expect(resumed.optimizer.stateDict()).toEqual(whole.optimizer.stateDict());
        expect(resumed.scheduler?.stateDict()).toEqual(whole.scheduler?.stateDict());

        // Plain SGD keeps nothing per parameter; for the others the same continuation
        // without the optimizer's state is a different run, so the check above can fail.
        const kept = Object.values(saved.optimizer.state).some((entry) => Object.keys(entry).length > 0);
        expect(kept).toBe(name !== "SGD, plain");
        if (!kept) return;
        const forgetful = start(setup, dtype, 2);
        forgetful.net.loadStateDict(saved.model);
        if (saved.scheduler !== undefined) forgetful.scheduler!.loadStateDict(saved.scheduler);
        train(forgetful, data, M);
        expect(bits(forgetful.net)).not.toEqual(bits(whole.net));
      });
    }
  }
});

describe("optimizer stateDict", () => {
  it("has PyTorch's layout: state by parameter number, groups with their hyperparameters and parameter numbers", () => {
    const a = tensor([1, 2], { dtype: "float64", requiresGrad: true });
    const b = tensor([[3]], { requiresGrad: true });
    const idle = tensor([0], { requiresGrad: true });
    const opt = new Adam([{ params: [a] }, { params: [b, idle], lr: 0.5 }], { lr: 0.1 });
    a.grad = tensor([0.5, -1], { dtype: "float64" });
    b.grad = tensor([[2]]);
    opt.step();
    opt.step();
    const dict = opt.stateDict();
    expect(dict.optimizer).toBe("Adam");
    expect(dict.paramGroups).toEqual([
      { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [0] },
      { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, params: [1, 2] },
    ]);
    // Parameter 2 has never had a gradient: no entry (as PyTorch).
    expect(Object.keys(dict.state)).toEqual(["0", "1"]);
    expect(dict.state["0"]!.step).toBe(2);
    // m = beta1 m + (1 - beta1) g, twice from 0, with g = [0.5, -1].
    const m = (g: number) => 0.9 * ((1 - 0.9) * g) + (1 - 0.9) * g;
    expect(dict.state["0"]!.expAvg).toEqual({ dtype: "float64", shape: [2], data: [m(0.5), m(-1)] });
    expect(dict.state["1"]!.expAvgSq).toMatchObject({ dtype: "float32", shape: [1, 1] });
    expect(dict.state["1"]).not.toHaveProperty("maxExpAvgSq");
  });

  it("loads lr 0, where a cosine schedule to etaMin 0 ends (a new optimizer refuses lr 0)", () => {
    const p = tensor([1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    const schedule = new CosineAnnealingLR(opt, { tMax: 2 });
    schedule.step();
    schedule.step();
    expect(opt.paramGroups[0]!.lr).toBe(0);
    const fresh = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    fresh.loadStateDict(viaJson(opt.stateDict()));
    expect(fresh.paramGroups[0]!.lr).toBe(0);
    expect(() => new SGD([p], { lr: 0 })).toThrow(/lr of group 0 must be a finite number > 0, got 0/);
  });

  it("is a copy: later steps do not change it", () => {
    const p = tensor([1], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1], { dtype: "float64" });
    opt.step();
    const dict = opt.stateDict();
    opt.step();
    expect(dict.state["0"]!.momentumBuffer).toEqual({ dtype: "float64", shape: [1], data: [1] });
  });

  it("keeps -0, NaN and the infinities through JSON, in buffers and hyperparameters", () => {
    const p = tensor([1, 2, 3, 4, 5], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = tensor([1, 1, 1, 1, 1], { dtype: "float64" });
    opt.step();
    const dict = opt.stateDict();
    (dict.state["0"]!.momentumBuffer as { data: unknown[] }).data = ["-0", "NaN", "Infinity", "-Infinity", 2.5e-300];
    dict.paramGroups[0]!.dampening = "-0";
    const text = JSON.stringify(dict);
    opt.loadStateDict(JSON.parse(text) as OptimizerStateDict);
    expect(Object.is(opt.paramGroups[0]!.dampening, -0)).toBe(true);
    // Written back from the loaded buffer: "-0" again only if the buffer holds -0 itself.
    expect(JSON.stringify(opt.stateDict())).toBe(text);
  });
});

describe("optimizer loadStateDict refuses a state that does not fit, and changes nothing", () => {
  function trained(sizes: number[], make: (ps: Tensor[]) => AnyOptimizer): { net: MLP; opt: AnyOptimizer } {
    const net = new MLP({ sizes, seed: 1 });
    const opt = make(net.parameters());
    fit(net, { x: randn([4, sizes[0]!], { rng: createRng(1) }), y: randn([4, sizes.at(-1)!], { rng: createRng(2) }) }, { loss: "mse", optimizer: opt, epochs: 2 });
    return { net, opt };
  }
  const adam = (ps: Tensor[]) => new Adam(ps, { lr: 0.01 });
  const source = trained([2, 4, 1], adam).opt.stateDict();

  const cases: [string, () => { opt: AnyOptimizer; dict: unknown }, RegExp][] = [
    ["another optimizer kind", () => ({ opt: trained([2, 4, 1], (ps) => new AdamW(ps, { lr: 0.01 })).opt, dict: source }),
      /AdamW\.loadStateDict: the state was saved by "Adam", this optimizer is AdamW/],
    ["other parameter shapes", () => ({ opt: trained([2, 5, 1], adam).opt, dict: source }),
      /the state of parameter 0 \(layers\.0\.weight\): expAvg has shape \[4,2\], the parameter \[5,2\]; nothing was loaded/],
    ["another parameter count", () => ({ opt: trained([2, 4, 4, 1], adam).opt, dict: source }),
      /parameter group 0 has 4 parameters in the state, 6 here: pass the same model\.parameters\(\) as when it was saved/],
    ["another group count", () => {
      const net = new MLP({ sizes: [2, 4, 1], seed: 1 });
      const [w1, b1, w2, b2] = net.parameters();
      return { opt: new Adam([{ params: [w1!, b1!] }, { params: [w2!, b2!] }]), dict: source };
    }, /the state has 1 parameter groups, this optimizer 2/],
    ["a hyperparameter of the wrong kind", () => ({ opt: trained([2, 4, 1], adam).opt, dict: { ...source, paramGroups: [{ ...source.paramGroups[0]!, amsgrad: 1 }] } }),
      /amsgrad of parameter group 0 is 1, expected a boolean/],
    ["a hyperparameter out of range", () => ({ opt: trained([2, 4, 1], adam).opt, dict: { ...source, paramGroups: [{ ...source.paramGroups[0]!, betas: [0.9, 1.5] }] } }),
      /betas\[1\] of group 0 must be a finite number in \[0, 1\), got 1\.5; nothing was loaded/],
    ["a hyperparameter this optimizer does not have", () => ({ opt: trained([2, 4, 1], adam).opt, dict: { ...source, paramGroups: [{ ...source.paramGroups[0]!, momentum: 0.9 }] } }),
      /parameter group 0 has "momentum", which this optimizer does not have/],
    ["a state field this optimizer does not keep", () => ({ opt: trained([2, 4, 1], adam).opt, dict: { ...source, state: { ...source.state, 3: { ...source.state["3"]!, momentumBuffer: source.state["3"]!.expAvg! } } } }),
      /the state of parameter 3 \(layers\.2\.bias\) has "momentumBuffer", which Adam does not keep \(it keeps step, expAvg, expAvgSq, maxExpAvgSq\)/],
    ["a step count that is not a count", () => ({ opt: trained([2, 4, 1], adam).opt, dict: { ...source, state: { ...source.state, 1: { ...source.state["1"]!, step: 1.5 } } } }),
      /the state of parameter 1 \(layers\.0\.bias\): step is 1\.5, expected a non-negative integer/],
    ["a buffer with a value that is not a number", () => ({ opt: trained([2, 4, 1], adam).opt, dict: { ...source, state: { ...source.state, 2: { ...source.state["2"]!, expAvg: { dtype: "float32", shape: [1, 4], data: [0, 0, "x", 0] } } } } }),
      /the state of parameter 2 \(layers\.2\.weight\): expAvg has "x" at position 2, expected a number/],
    ["state for a parameter no group lists", () => ({ opt: trained([2, 4, 1], adam).opt, dict: { ...source, state: { ...source.state, 7: source.state["0"]! } } }),
      /the state has an entry for parameter "7", which no group lists/],
    ["not a state dict", () => ({ opt: trained([2, 4, 1], adam).opt, dict: [1, 2] }),
      /expected \{ optimizer, state, paramGroups \} as returned by stateDict\(\)/],
  ];
  for (const [what, make, message] of cases) {
    it(what, () => {
      const { opt, dict } = make();
      const before = JSON.stringify(opt.stateDict());
      expect(() => opt.loadStateDict(dict as OptimizerStateDict)).toThrow(StateDictError);
      expect(() => opt.loadStateDict(dict as OptimizerStateDict)).toThrow(message);
      expect(JSON.stringify(opt.stateDict())).toBe(before);
    });
  }
});

describe("scheduler state dicts", () => {
  const param = () => tensor([1], { requiresGrad: true });

  it("hold the settings and the progress as JSON values", () => {
    const opt = new SGD([param()], { lr: 1 });
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    s.step();
    s.step();
    expect(s.stateDict()).toEqual({ scheduler: "StepLR", settings: { stepSize: 2, gamma: 0.5 }, progress: { epoch: 2, baseLrs: [1] } });
    const plateau = new ReduceLROnPlateau(new SGD([param()], { lr: 1 }), { mode: "max" });
    expect(viaJson(plateau.stateDict()).progress).toEqual({ best: "-Infinity", badEpochs: 0, cooldownLeft: 0 });
  });

  it("loading sets the groups' lr for the saved epoch, whatever the optimizer's lr was", () => {
    const a = new SGD([param()], { lr: 1 });
    const s = new CosineAnnealingLR(a, { tMax: 10 });
    for (let i = 0; i < 3; i++) s.step();
    const b = new SGD([param()], { lr: 1 });
    const t = new CosineAnnealingLR(b, { tMax: 10 });
    t.loadStateDict(viaJson(s.stateDict()));
    expect(t.epoch).toBe(3);
    expect(b.paramGroups[0]!.lr).toBe(a.paramGroups[0]!.lr);
    s.step();
    t.step();
    expect(b.paramGroups[0]!.lr).toBe(a.paramGroups[0]!.lr);
  });

  it("a plateau scheduler continues its count: one more bad epoch after loading cuts the lr", () => {
    const a = new SGD([param()], { lr: 1 });
    const s = new ReduceLROnPlateau(a, { patience: 1, factor: 0.5 });
    s.step(1);
    s.step(2);
    const b = new SGD([param()], { lr: 1 });
    const t = new ReduceLROnPlateau(b, { patience: 1, factor: 0.5 });
    t.loadStateDict(viaJson(s.stateDict()));
    t.step(2);
    expect(b.paramGroups[0]!.lr).toBe(0.5);
  });

  const cases: [string, () => { s: LrScheduler; dict: unknown }, RegExp][] = [
    ["another scheduler", () => ({ s: new ExponentialLR(new SGD([param()], { lr: 1 }), { gamma: 0.5 }), dict: new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 2 }).stateDict() }),
      /ExponentialLR\.loadStateDict: the state was saved by "StepLR", this scheduler is ExponentialLR/],
    ["other settings", () => ({ s: new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 3 }), dict: new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 2 }).stateDict() }),
      /the state was saved with stepSize = 2, this StepLR has 3: make it with the same options; nothing was loaded/],
    ["another schedule after the warmup", () => ({
      s: new LinearWarmup(new SGD([param()], { lr: 1 }), { warmupEpochs: 2 }),
      dict: (() => {
        const o = new SGD([param()], { lr: 1 });
        return new LinearWarmup(o, { warmupEpochs: 2, then: new StepLR(o, { stepSize: 1 }) }).stateDict();
      })(),
    }), /the state was saved with then = \{"scheduler":"StepLR".*\}, this LinearWarmup has null/],
    ["another group count", () => ({
      s: new StepLR(new SGD([{ params: [param()] }, { params: [param()] }], { lr: 1 }), { stepSize: 2 }),
      dict: new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 2 }).stateDict(),
    }), /baseLrs is \[1\], expected one lr for each of the optimizer's 2 parameter groups/],
    ["an epoch that is not a count", () => ({
      s: new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 2 }),
      dict: { scheduler: "StepLR", settings: { stepSize: 2, gamma: 0.1 }, progress: { epoch: -1, baseLrs: [1] } },
    }), /epoch is -1, expected a non-negative integer/],
    ["a plateau best that is NaN", () => ({
      s: new ReduceLROnPlateau(new SGD([param()], { lr: 1 })),
      dict: { ...new ReduceLROnPlateau(new SGD([param()], { lr: 1 })).stateDict(), progress: { best: "NaN", badEpochs: 0, cooldownLeft: 0 } },
    }), /best is "NaN", expected a number/],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what} and changes nothing`, () => {
      const { s, dict } = make();
      const before = JSON.stringify(s.stateDict());
      const lrs = s.lastLr();
      expect(() => s.loadStateDict(dict as SchedulerStateDict)).toThrow(StateDictError);
      expect(() => s.loadStateDict(dict as SchedulerStateDict)).toThrow(message);
      expect(JSON.stringify(s.stateDict())).toBe(before);
      expect(s.lastLr()).toEqual(lrs);
    });
  }
});
