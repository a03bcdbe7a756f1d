// Each optimizer against updates computed by hand: a parameter w0 = [1, -2]
// receives the fixed gradients g1, g2, g3 below (set directly, so the expected
// numbers depend only on the update rule), and the expected weights are
// written out with plain arithmetic.
import { describe, expect, it } from "vitest";
import { DagradError, type Tensor, tensor } from "../../src/autograd/index.js";
import { Adam, AdamW, RMSprop, SGD } from "../../src/nn/index.js";

const grads = [[0.5, 0.1], [-0.2, 0.4], [0.3, -0.3]];

function param(values = [1, -2], dtype: "float32" | "float64" = "float64"): Tensor {
  return tensor(values, { dtype, requiresGrad: true });
}

/** The weights after each of three steps with the fixed gradients. */
function threeSteps(p: Tensor, step: () => void): number[][] {
  return grads.map((g) => {
    p.grad = tensor(g, { dtype: p.dtype });
    step();
    return Array.from(p.data);
  });
}

function expectClose(actual: number[][], expected: number[][], digits = 13): void {
  expected.forEach((row, i) => row.forEach((v, j) => expect(actual[i]![j], `step ${i + 1}, element ${j}`).toBeCloseTo(v, digits)));
}

describe("SGD", () => {
  it("plain: w -= lr g", () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1 });
    expectClose(threeSteps(p, () => opt.step()), [
      [1 - 0.1 * 0.5, -2 - 0.1 * 0.1], // [0.95, -2.01]
      [0.95 + 0.1 * 0.2, -2.01 - 0.1 * 0.4], // [0.97, -2.05]
      [0.97 - 0.1 * 0.3, -2.05 + 0.1 * 0.3], // [0.94, -2.02]
    ]);
  });

  it("momentum: b = g first, then 0.9 b + g; w -= lr b", () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    // element 0: b = 0.5, 0.45 - 0.2 = 0.25, 0.225 + 0.3 = 0.525
    // element 1: b = 0.1, 0.09 + 0.4 = 0.49, 0.441 - 0.3 = 0.141
    expectClose(threeSteps(p, () => opt.step()), [
      [1 - 0.05, -2 - 0.01],
      [0.95 - 0.025, -2.01 - 0.049],
      [0.925 - 0.0525, -2.059 - 0.0141],
    ]);
  });

  it("dampening scales the new gradient after the first step: b = 0.9 b + 0.5 g", () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
    // element 0: b = 0.5, 0.45 - 0.1 = 0.35, 0.315 + 0.15 = 0.465
    expect(threeSteps(p, () => opt.step()).map((w) => w[0])).toEqual([1 - 0.05, 0.95 - 0.035, 0.915 - 0.0465].map((v) => expect.closeTo(v, 13)));
  });

  it("nesterov: w -= lr (g + 0.9 b)", () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true });
    // element 0: b = 0.5 -> step 0.5 + 0.45 = 0.95; b = 0.25 -> step -0.2 + 0.225 = 0.025; b = 0.525 -> step 0.3 + 0.4725 = 0.7725
    expect(threeSteps(p, () => opt.step()).map((w) => w[0])).toEqual([1 - 0.095, 0.905 - 0.0025, 0.9025 - 0.07725].map((v) => expect.closeTo(v, 13)));
  });

  it("weight decay adds weightDecay * w to the gradient", () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1, weightDecay: 0.1 });
    // element 0: g = 0.5 + 0.1 * 1 = 0.6 -> 0.94; g = -0.2 + 0.094 = -0.106 -> 0.9506; g = 0.3 + 0.09506 -> 0.911094
    expect(threeSteps(p, () => opt.step()).map((w) => w[0])).toEqual([0.94, 0.9506, 0.911094].map((v) => expect.closeTo(v, 13)));
  });

  it("rejects nesterov without momentum, negative rates and bad parameter lists", () => {
    expect(() => new SGD([param()], { nesterov: true })).toThrow(/SGD: nesterov needs momentum > 0 and dampening 0/);
    expect(() => new SGD([param()], { lr: -1 })).toThrow(/SGD: lr of group 0 must be a finite number > 0, got -1/);
    expect(() => new SGD([])).toThrow(/SGD: got no parameters to optimize; pass model.parameters\(\), and if that is empty/);
    const p = param();
    expect(() => new SGD([p.mul(2)])).toThrow(/only leaf tensors can be optimized/);
    expect(() => new SGD([{ params: [p] }, { params: [p] }])).toThrow(/appears in more than one group/);
  });
});

/**
 * Adam with lr 0.1, betas (0.9, 0.999), eps 1e-8, in the textbook form
 * (bias-corrected moments), with L2 decay added to g or decoupled decay shrinking w.
 */
function expectedAdam(decay: { l2?: number; decoupled?: number } = {}): number[][] {
  const expected: number[][] = [[], [], []];
  for (const j of [0, 1]) {
    let w = j === 0 ? 1 : -2, m = 0, v = 0;
    grads.forEach((g, t) => {
      w = w * (1 - 0.1 * (decay.decoupled ?? 0));
      const gd = g[j]! + (decay.l2 ?? 0) * w;
      m = 0.9 * m + 0.1 * gd;
      v = 0.999 * v + 0.001 * gd * gd;
      const mHat = m / (1 - 0.9 ** (t + 1));
      const vHat = v / (1 - 0.999 ** (t + 1));
      w = w - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
      expected[t]![j] = w;
    });
  }
  return expected;
}

describe("Adam", () => {
  it("matches the bias-corrected textbook update for three steps", () => {
    const p = param();
    const opt = new Adam([p], { lr: 0.1 });
    const expected = expectedAdam();
    expectClose(threeSteps(p, () => opt.step()), expected, 12);
    // The first step moves each weight by almost exactly lr, whatever the gradient's size.
    expect(expected[0]![0]).toBeCloseTo(0.9, 7);
  });

  it("adds L2 weight decay to the gradient", () => {
    const p = param();
    const opt = new Adam([p], { lr: 0.1, weightDecay: 0.5 });
    const expected = expectedAdam({ l2: 0.5 });
    expectClose(threeSteps(p, () => opt.step()), expected, 12);
    // step 1, element 0: g = 0.5 + 0.5 * 1 = 1, so w = 1 - 0.1 * 1 / (1 + 1e-8)
    expect(expected[0]![0]).toBeCloseTo(1 - 0.1 / (1 + 1e-8), 15);
  });

  it("AMSGrad divides by the running maximum of v", () => {
    const p = param([1], "float64");
    const opt = new Adam([p], { lr: 0.1, amsgrad: true });
    const big = 1, small = 0.01;
    p.grad = tensor([big], { dtype: "float64" });
    opt.step();
    p.grad = tensor([small], { dtype: "float64" });
    opt.step();
    const m = 0.9 * (0.1 * big) + 0.1 * small;
    const vMax = 0.001 * big * big; // v after step 2 is 0.999 * 0.001 + 0.001 * 1e-4, smaller
    const w1 = 1 - 0.1 * (0.1 / 0.1) / (Math.sqrt(0.001 / 0.001) + 1e-8);
    expect(p.data[0]).toBeCloseTo(w1 - 0.1 * (m / (1 - 0.81)) / (Math.sqrt(vMax / (1 - 0.999 ** 2)) + 1e-8), 13);
  });
});

describe("AdamW", () => {
  it("shrinks w by (1 - lr weightDecay) before the Adam step, leaving the moments alone", () => {
    const p = param();
    const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.1 });
    expectClose(threeSteps(p, () => opt.step()), expectedAdam({ decoupled: 0.1 }), 12);
  });

  it("defaults to weightDecay 0.01 as PyTorch", () => {
    expect(new AdamW([param()]).paramGroups[0]!.weightDecay).toBe(0.01);
  });
});

describe("RMSprop", () => {
  function expectedRms(options: { momentum?: number; centered?: boolean }): number[][] {
    const expected: number[][] = [[], [], []];
    for (const j of [0, 1]) {
      let w = j === 0 ? 1 : -2, v = 0, gAvg = 0, b = 0;
      grads.forEach((g, t) => {
        v = 0.99 * v + 0.01 * g[j]! * g[j]!;
        gAvg = 0.99 * gAvg + 0.01 * g[j]!;
        const denom = Math.sqrt(options.centered ? v - gAvg * gAvg : v) + 1e-8;
        if (options.momentum) {
          b = options.momentum * b + g[j]! / denom;
          w = w - 0.01 * b;
        } else {
          w = w - 0.01 * g[j]! / denom;
        }
        expected[t]![j] = w;
      });
    }
    return expected;
  }

  it("divides by the root of the running mean square", () => {
    const p = param();
    const opt = new RMSprop([p], { lr: 0.01 });
    expectClose(threeSteps(p, () => opt.step()), expectedRms({}), 12);
    // step 1, element 0: v = 0.01 * 0.25, so w = 1 - 0.01 * 0.5 / 0.05 = 0.9
    expect(expectedRms({})[0]![0]).toBeCloseTo(0.9, 7);
  });

  it("centered subtracts the squared running mean; momentum accumulates the scaled steps", () => {
    const centered = param();
    const a = new RMSprop([centered], { lr: 0.01, centered: true });
    expectClose(threeSteps(centered, () => a.step()), expectedRms({ centered: true }), 11);
    const withMomentum = param();
    const b = new RMSprop([withMomentum], { lr: 0.01, momentum: 0.5 });
    expectClose(threeSteps(withMomentum, () => b.step()), expectedRms({ momentum: 0.5 }), 12);
  });
});

describe("hyperparameters", () => {
  // Each of these was accepted before, and each makes the update meaningless:
  // no step (lr 0), an infinite or NaN step, a momentum that sums every
  // gradient forever, a division by eps = 0, a typo silently ignored.
  const refused: [string, () => unknown, RegExp][] = [
    ["lr 0", () => new SGD([param()], { lr: 0 }), /^SGD: lr of group 0 must be a finite number > 0, got 0$/],
    ["lr Infinity", () => new Adam([param()], { lr: Infinity }), /^Adam: lr of group 0 must be a finite number > 0, got Infinity$/],
    ["lr NaN", () => new RMSprop([param()], { lr: NaN }), /^RMSprop: lr of group 0 must be a finite number > 0, got NaN$/],
    ["lr as a string", () => new SGD([param()], { lr: "0.1" as unknown as number }), /^SGD: lr of group 0 must be a finite number > 0, got "0\.1"$/],
    ["lr of a group", () => new SGD([{ params: [param()], lr: -0.1 }], { lr: 0.1 }), /^SGD: lr of group 0 must be a finite number > 0, got -0\.1$/],
    ["weightDecay Infinity", () => new AdamW([param()], { weightDecay: Infinity }), /^AdamW: weightDecay of group 0 must be a finite number >= 0, got Infinity$/],
    ["SGD momentum 1", () => new SGD([param()], { lr: 0.1, momentum: 1 }), /^SGD: momentum of group 0 must be a finite number in \[0, 1\), got 1$/],
    ["SGD nesterov not a flag", () => new SGD([param()], { lr: 0.1, momentum: 0.9, nesterov: "yes" as unknown as boolean }), /^SGD: nesterov of group 0 must be true or false, got "yes"$/],
    ["Adam beta1 1", () => new Adam([param()], { betas: [1, 0.999] }), /^Adam: betas\[0\] of group 0 must be a finite number in \[0, 1\), got 1$/],
    ["Adam betas not a pair", () => new Adam([param()], { betas: [0.9] as unknown as [number, number] }), /^Adam: betas of group 0 must be two numbers \[beta1, beta2\], got \[0\.9\]$/],
    ["Adam eps 0", () => new Adam([param()], { eps: 0 }), /^Adam: eps of group 0 must be a finite number > 0, got 0$/],
    ["RMSprop alpha 1", () => new RMSprop([param()], { alpha: 1 }), /^RMSprop: alpha of group 0 must be a finite number in \[0, 1\), got 1$/],
    ["RMSprop momentum 2", () => new RMSprop([param()], { momentum: 2 }), /^RMSprop: momentum of group 0 must be a finite number in \[0, 1\), got 2$/],
    ["a misspelt option", () => new SGD([param()], { lr: 0.1, momentun: 0.9 } as never), /^SGD: unknown "momentun" in options; SGD takes lr, weightDecay, momentum, dampening, nesterov$/],
    ["a misspelt group option", () => new Adam([{ params: [param()], beta: [0.9, 0.99] } as never]), /^Adam: unknown "beta" in parameter group 0; Adam takes lr, betas, eps, weightDecay, amsgrad$/],
  ];
  for (const [what, make, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(make).toThrow(DagradError);
      expect(make).toThrow(message);
    });
  }

  it("accepts the edges that still mean something", () => {
    expect(() => new SGD([param()], { lr: 1e-12, momentum: 0.999, dampening: 1 })).not.toThrow();
    expect(() => new Adam([param()], { betas: [0, 0], eps: 1e-300, weightDecay: 0 })).not.toThrow();
    expect(() => new RMSprop([param()], { alpha: 0, momentum: 0 })).not.toThrow();
  });
});

describe("every optimizer", () => {
  const makers = {
    SGD: (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9 }),
    Adam: (ps: Tensor[]) => new Adam(ps, { lr: 0.1 }),
    AdamW: (ps: Tensor[]) => new AdamW(ps, { lr: 0.1 }),
    RMSprop: (ps: Tensor[]) => new RMSprop(ps, { lr: 0.1, momentum: 0.5, centered: true }),
  };

  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: updates in place, bumps the version, and reuses its state buffers after the first step`, () => {
      const p = param();
      const data = p.data;
      const opt = make([p]);
      const state = (opt as unknown as { state: Map<Tensor, Record<string, unknown>> }).state;
      p.grad = tensor([0.5, 0.1], { dtype: "float64" });
      const version = p.version;
      opt.step();
      expect(p.data).toBe(data);
      expect(p.version).toBe(version + 1);
      const buffers = Object.values(state.get(p)!).filter((v) => ArrayBuffer.isView(v));
      expect(buffers.length).toBeGreaterThan(0);
      opt.step();
      opt.step();
      expect(Object.values(state.get(p)!).filter((v) => ArrayBuffer.isView(v))).toEqual(buffers);
      Object.values(state.get(p)!).filter((v) => ArrayBuffer.isView(v)).forEach((b, i) => expect(b).toBe(buffers[i]));
    });

    it(`${name}: works on float32 parameters and skips parameters without a gradient`, () => {
      const p = param([1, -2], "float32");
      const idle = param([3], "float32");
      const opt = make([p, idle]);
      p.grad = tensor([0.5, 0.1]);
      opt.step();
      expect(p.data[0]).toBeLessThan(1);
      expect(Array.from(idle.data)).toEqual([3]);
    });
  }

  it("parameter groups keep their own lr and weight decay", () => {
    const a = param([1]), b = param([1]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5, weightDecay: 1 }], { lr: 0.1 });
    a.grad = tensor([1], { dtype: "float64" });
    b.grad = tensor([1], { dtype: "float64" });
    opt.step();
    expect(a.data[0]).toBeCloseTo(1 - 0.1 * 1, 15);
    expect(b.data[0]).toBeCloseTo(1 - 0.5 * (1 + 1 * 1), 15);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
  });

  it("zeroGrad sets gradients to null, or zeroes them in place", () => {
    const p = param();
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = tensor([1, 2], { dtype: "float64" });
    const g = p.grad;
    opt.zeroGrad(false);
    expect(p.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it("a graph recorded before a step refuses to backpropagate after it (the step bumped the version)", () => {
    const w = tensor([[0.5]], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    // square saves w for its backward (2 w g).
    const stale = w.square().sum();
    w.grad = tensor([[1]], { dtype: "float64" });
    opt.step();
    expect(() => stale.backward()).toThrow(/modified in place after it was saved for backward/);
  });

  it("trains through backward: one SGD step on L = 1/2 (w x - y)^2 moves w by -lr (w x - y) x", () => {
    const w = tensor([[0.5]], { dtype: "float64", requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    const loss = w.mul(2).sub(3).square().mul(0.5).sum();
    loss.backward();
    opt.step();
    expect(w.data[0]).toBeCloseTo(0.5 - 0.1 * (0.5 * 2 - 3) * 2, 15);
  });
});
