import { describe, expect, it } from "vitest";
import { DagradError, ShapeError, createRng, manualSeed, zeros } from "../../src/autograd/index.js";
import { Linear, init } from "../../src/nn/index.js";

function stats(data: ArrayLike<number>): { mean: number; std: number; maxAbs: number } {
  let sum = 0, sq = 0, maxAbs = 0;
  for (let i = 0; i < data.length; i++) {
    sum += data[i]!;
    sq += data[i]! * data[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(data[i]!));
  }
  const mean = sum / data.length;
  return { mean, std: Math.sqrt(sq / data.length - mean * mean), maxAbs };
}

// 200 x 300 = 60,000 draws: the sample std is within about 0.3% of the true one,
// so a 3% band fails only if the scale is wrong.
const weight = () => zeros([200, 300], { dtype: "float64" });

describe("initialisers", () => {
  it("constant, zeros and ones fill and bump the version", () => {
    const w = zeros([2, 2]);
    const v = w.version;
    expect(Array.from(init.constant(w, 0.5).data)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(w.version).toBeGreaterThan(v);
    expect(Array.from(init.ones(w).data)).toEqual([1, 1, 1, 1]);
    expect(Array.from(init.zeros(w).data)).toEqual([0, 0, 0, 0]);
  });

  it("uniform and normal draw the requested range and moments", () => {
    const u = stats(init.uniform(weight(), -2, 4, { rng: createRng(1) }).data);
    expect(u.mean).toBeCloseTo(1, 1);
    expect(u.std / (6 / Math.sqrt(12))).toBeGreaterThan(0.97);
    expect(u.std / (6 / Math.sqrt(12))).toBeLessThan(1.03);
    const n = stats(init.normal(weight(), 3, 0.5, { rng: createRng(2) }).data);
    expect(n.mean).toBeCloseTo(3, 2);
    expect(n.std / 0.5).toBeGreaterThan(0.97);
    expect(n.std / 0.5).toBeLessThan(1.03);
  });

  it("xavier (Glorot) scales by fanIn + fanOut", () => {
    const bound = Math.sqrt(6 / (300 + 200));
    const u = stats(init.xavierUniform(weight(), { rng: createRng(3) }).data);
    expect(u.maxAbs).toBeLessThanOrEqual(bound);
    expect(u.std / (bound / Math.sqrt(3))).toBeGreaterThan(0.97);
    expect(u.std / (bound / Math.sqrt(3))).toBeLessThan(1.03);
    const n = stats(init.xavierNormal(weight(), { gain: 2, rng: createRng(4) }).data);
    expect(n.std / (2 * Math.sqrt(2 / 500))).toBeGreaterThan(0.97);
    expect(n.std / (2 * Math.sqrt(2 / 500))).toBeLessThan(1.03);
  });

  it("kaiming (He) scales by sqrt(2 / fan), fan in by default, fan out on request", () => {
    const n = stats(init.kaimingNormal(weight(), { rng: createRng(5) }).data);
    expect(n.std / Math.sqrt(2 / 300)).toBeGreaterThan(0.97);
    expect(n.std / Math.sqrt(2 / 300)).toBeLessThan(1.03);
    const out = stats(init.kaimingNormal(weight(), { mode: "fanOut", rng: createRng(6) }).data);
    expect(out.std / Math.sqrt(2 / 200)).toBeGreaterThan(0.97);
    expect(out.std / Math.sqrt(2 / 200)).toBeLessThan(1.03);
    const u = stats(init.kaimingUniform(weight(), { rng: createRng(7) }).data);
    expect(u.maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 300));
    expect(u.std / Math.sqrt(2 / 300)).toBeGreaterThan(0.97);
    expect(u.std / Math.sqrt(2 / 300)).toBeLessThan(1.03);
  });

  it("is reproducible from a seed, and from manualSeed through the global generator", () => {
    const a = init.xavierUniform(zeros([4, 3]), { rng: createRng(9) });
    const b = init.xavierUniform(zeros([4, 3]), { rng: createRng(9) });
    const c = init.xavierUniform(zeros([4, 3]), { rng: createRng(10) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.data)).not.toEqual(Array.from(c.data));
    manualSeed(11);
    const first = Array.from(new Linear(3, 4).weight.data);
    manualSeed(11);
    expect(Array.from(new Linear(3, 4).weight.data)).toEqual(first);
  });

  it("needs a weight of at least 2 dimensions for fans, and names it", () => {
    const bias = zeros([3]);
    bias.name = "layers.0.bias";
    expect(() => init.xavierUniform(bias)).toThrow(ShapeError);
    expect(() => init.xavierUniform(bias)).toThrow(/init: .* got \[3\] \(layers\.0\.bias\)/);
  });

  it("has PyTorch's gains", () => {
    expect(init.calculateGain("tanh")).toBeCloseTo(5 / 3, 15);
    expect(init.calculateGain("relu")).toBeCloseTo(Math.SQRT2, 15);
    expect(init.calculateGain("leakyRelu", 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 15);
    expect(init.calculateGain("sigmoid")).toBe(1);
  });

  it("refuses settings that would fill the weights with NaN or infinities, and a fan mode it does not know", () => {
    const w = () => zeros([3, 2]);
    const cases: [() => unknown, RegExp][] = [
      [() => init.normal(w(), 0, NaN), /^init\.normal: std must be a finite number >= 0, got NaN$/],
      [() => init.normal(w(), 0, -1), /^init\.normal: std must be a finite number >= 0, got -1$/],
      [() => init.uniform(w(), -Infinity, 1), /^init\.uniform: low must be a finite number, got -Infinity$/],
      [() => init.constant(w(), NaN), /^init\.constant: value must be a finite number, got NaN$/],
      [() => init.kaimingNormal(w(), { gain: NaN }), /^init\.kaiming: gain must be a finite number >= 0, got NaN$/],
      // PyTorch's spelling used to mean fanOut without a word.
      [() => init.kaimingNormal(w(), { mode: "fan_in" as "fanIn" }), /^init\.kaiming: mode must be "fanIn" or "fanOut", got "fan_in"$/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(DagradError);
      expect(call).toThrow(message);
    }
    // A weight with no elements has nothing to fill, whatever its fans.
    expect(init.kaimingNormal(zeros([3, 0])).size).toBe(0);
  });
});
