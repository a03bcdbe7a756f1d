import { describe, expect, it } from "vitest";
import { DagradError, tensor } from "../../src/autograd/index.js";
import { CosineAnnealingLR, ExponentialLR, LinearWarmup, ReduceLROnPlateau, SGD, StepLR, clipGradNorm, clipGradValue } from "../../src/nn/index.js";

function optimizer(lr = 1, extraGroupLr?: number): SGD {
  const a = tensor([1], { requiresGrad: true });
  const b = tensor([1], { requiresGrad: true });
  return extraGroupLr === undefined ? new SGD([a], { lr }) : new SGD([{ params: [a] }, { params: [b], lr: extraGroupLr }], { lr });
}

/** lr of group 0 at epoch 0 (after construction) and after each of `steps` step() calls. */
function schedule(opt: SGD, step: () => void, steps: number): number[] {
  const lrs = [opt.paramGroups[0]!.lr];
  for (let i = 0; i < steps; i++) {
    step();
    lrs.push(opt.paramGroups[0]!.lr);
  }
  return lrs;
}

describe("clipGradNorm", () => {
  it("scales all gradients together to the max norm and returns the norm before clipping", () => {
    const a = tensor([0, 0], { dtype: "float64", requiresGrad: true });
    const b = tensor([0], { dtype: "float64", requiresGrad: true });
    a.grad = tensor([3, 4], { dtype: "float64" });
    b.grad = tensor([12], { dtype: "float64" });
    // sqrt(9 + 16 + 144) = 13; scale 6.5 / (13 + 1e-6)
    expect(clipGradNorm([a, b], 6.5)).toBe(13);
    const scale = 6.5 / (13 + 1e-6);
    expect(Array.from(a.grad.data)).toEqual([3 * scale, 4 * scale]);
    expect(b.grad.data[0]).toBe(12 * scale);
  });

  it("leaves gradients below the max alone, skips missing gradients, and supports the max norm", () => {
    const a = tensor([0, 0], { dtype: "float64", requiresGrad: true });
    const idle = tensor([0], { requiresGrad: true });
    a.grad = tensor([3, -4], { dtype: "float64" });
    expect(clipGradNorm([a, idle], 10)).toBe(5);
    expect(Array.from(a.grad.data)).toEqual([3, -4]);
    expect(clipGradNorm([a], 10, Infinity)).toBe(4);
    expect(() => clipGradNorm([a], -1)).toThrow(/clipGradNorm: maxNorm must be a non-negative number, got -1/);
  });
});

describe("clipGradValue", () => {
  it("clamps each element", () => {
    const a = tensor([0, 0, 0], { dtype: "float64", requiresGrad: true });
    a.grad = tensor([-3, 0.5, 2], { dtype: "float64" });
    clipGradValue([a], 1);
    expect(Array.from(a.grad.data)).toEqual([-1, 0.5, 1]);
  });
});

describe("schedulers", () => {
  it("StepLR multiplies by gamma every stepSize epochs", () => {
    const opt = optimizer(1);
    const s = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    expect(schedule(opt, () => s.step(), 5)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it("ExponentialLR multiplies by gamma every epoch, in every group from its own base", () => {
    const opt = optimizer(1, 0.1);
    const s = new ExponentialLR(opt, { gamma: 0.9 });
    s.step();
    s.step();
    expect(s.lastLr()[0]).toBeCloseTo(0.81, 15);
    expect(s.lastLr()[1]).toBeCloseTo(0.081, 15);
  });

  it("CosineAnnealingLR follows half a cosine from base to etaMin over tMax epochs, then stays", () => {
    const opt = optimizer(1);
    const s = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.1 });
    const expected = [1, 0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2, 0.55, 0.1 + 0.9 * (1 + Math.cos(3 * Math.PI / 4)) / 2, 0.1, 0.1];
    schedule(opt, () => s.step(), 5).forEach((lr, i) => expect(lr).toBeCloseTo(expected[i]!, 14));
  });

  it("LinearWarmup ramps from startFactor * base to base, then hands over", () => {
    const opt = optimizer(1);
    const s = new LinearWarmup(opt, { warmupEpochs: 4, startFactor: 0.2 });
    schedule(opt, () => s.step(), 5).forEach((lr, i) => expect(lr).toBeCloseTo([0.2, 0.4, 0.6, 0.8, 1, 1][i]!, 15));
    const opt2 = optimizer(1);
    const then = new StepLR(opt2, { stepSize: 1, gamma: 0.5 });
    const warm = new LinearWarmup(opt2, { warmupEpochs: 2, then });
    // default startFactor 1/3: 1/3, 2/3, then StepLR from its epoch 0: 1, 0.5, 0.25
    schedule(opt2, () => warm.step(), 4).forEach((lr, i) => expect(lr).toBeCloseTo([1 / 3, 2 / 3, 1, 0.5, 0.25][i]!, 15));
  });

  it("ReduceLROnPlateau cuts the lr when the metric stops improving for more than patience epochs", () => {
    const opt = optimizer(1);
    const s = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
    const lrs = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98].map((loss) => {
      s.step(loss);
      return s.lastLr()[0];
    });
    // 1.0 best, 0.9 better, 0.95 bad (1), 0.96 bad (2 > 1: halve), 0.97 bad (1), 0.98 bad (2: halve)
    expect(lrs).toEqual([1, 1, 1, 0.5, 0.5, 0.25]);
    expect(() => s.step()).toThrow(/ReduceLROnPlateau: step\(metric\) needs the monitored metric/);
  });

  it("ReduceLROnPlateau in max mode, with cooldown and minLr", () => {
    const opt = optimizer(1);
    const s = new ReduceLROnPlateau(opt, { mode: "max", patience: 0, factor: 0.1, cooldown: 1, minLr: 0.05 });
    const lrs = [0.5, 0.4, 0.4, 0.4, 0.4].map((acc) => {
      s.step(acc);
      return s.lastLr()[0];
    });
    // 0.5 best; 0.4 bad -> 0.1, cooldown skips the next epoch; then 0.4 bad -> max(0.01, 0.05)
    expect(lrs).toEqual([1, 0.1, 0.1, 0.05, 0.05]);
  });

  // Each was accepted before and made every later lr NaN, infinite, 0 or ignored.
  const refused: [string, () => unknown, RegExp][] = [
    ["StepLR gamma NaN", () => new StepLR(optimizer(1), { stepSize: 2, gamma: NaN }), /^StepLR: gamma must be a finite number > 0, got NaN$/],
    ["ExponentialLR gamma Infinity", () => new ExponentialLR(optimizer(1), { gamma: Infinity }), /^ExponentialLR: gamma must be a finite number > 0, got Infinity$/],
    ["ExponentialLR gamma 0", () => new ExponentialLR(optimizer(1), { gamma: 0 }), /^ExponentialLR: gamma must be a finite number > 0, got 0$/],
    ["CosineAnnealingLR etaMin -1", () => new CosineAnnealingLR(optimizer(1), { tMax: 5, etaMin: -1 }), /^CosineAnnealingLR: etaMin must be a finite number >= 0, got -1$/],
    ["LinearWarmup startFactor 0", () => new LinearWarmup(optimizer(1), { warmupEpochs: 2, startFactor: 0 }), /^LinearWarmup: startFactor must be a finite number in \(0, 1\], got 0$/],
    ["ReduceLROnPlateau mode", () => new ReduceLROnPlateau(optimizer(1), { mode: "minimum" as "min" }), /^ReduceLROnPlateau: mode must be "min" or "max", got "minimum"$/],
    ["ReduceLROnPlateau factor 1", () => new ReduceLROnPlateau(optimizer(1), { factor: 1 }), /^ReduceLROnPlateau: factor must be a finite number in \[0, 1\), got 1$/],
    ["ReduceLROnPlateau patience 1.5", () => new ReduceLROnPlateau(optimizer(1), { patience: 1.5 }), /^ReduceLROnPlateau: patience must be an integer >= 0, got 1\.5$/],
    ["ReduceLROnPlateau threshold NaN", () => new ReduceLROnPlateau(optimizer(1), { threshold: NaN }), /^ReduceLROnPlateau: threshold must be a finite number >= 0, got NaN$/],
    ["ReduceLROnPlateau a misspelt option", () => new ReduceLROnPlateau(optimizer(1), { patients: 3 } as never), /^ReduceLROnPlateau: unknown option "patients"; it takes mode, factor, patience, threshold, thresholdMode, cooldown, minLr$/],
  ];
  for (const [what, make, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(make).toThrow(DagradError);
      expect(make).toThrow(message);
    });
  }
});
