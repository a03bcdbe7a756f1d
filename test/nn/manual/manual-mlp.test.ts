// ManualMLP's edges: clear errors for what does not fit, float32 support, and
// finite results where exp would overflow.
import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError } from "../../../src/autograd/index.js";
import { type ManualActivation, type ManualLoss, ManualMLP, gradientDifference, manualLayer } from "../../../src/nn/manual/index.js";
import { randomInputs, randomLayers, randomTargets } from "./fixtures.js";

describe("ManualMLP rejects what does not fit, naming it", () => {
  const layer = manualLayer([[1, 2], [3, 4]], [0, 0], "tanh");

  it("layers whose widths do not chain, or whose buffers have the wrong length", () => {
    expect(() => new ManualMLP([])).toThrow(ShapeError);
    expect(() => new ManualMLP([layer, manualLayer([[1, 2, 3]], null, "identity")])).toThrow(/layer 1 takes 3 features but layer 0 gives 2/);
    expect(() => new ManualMLP([{ ...layer, weight: new Float64Array(3) }])).toThrow(/weight has 3 elements, \[2,2\] needs 4/);
    expect(() => new ManualMLP([{ ...layer, bias: new Float64Array(3) }])).toThrow(/bias has 3 elements, expected 2/);
    expect(() => manualLayer([[1, 2], [3]], null, "relu")).toThrow(/weight row 1 has 1 entries/);
  });

  it("inputs that are not whole rows, targets of another batch size, mixed dtypes", () => {
    const net = new ManualMLP([layer]);
    expect(() => net.forward(Float64Array.of(1, 2, 3))).toThrow(/x has 3 values, not a whole number of rows of 2/);
    expect(() => net.backward(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 2), "mse")).toThrow(/x has 2 rows but y has 1/);
    expect(() => net.forward(Float32Array.of(1, 2))).toThrow(DTypeError);
    expect(() => new ManualMLP([layer, manualLayer([[1, 2]], null, "identity", "float32")])).toThrow(/mixes float32 with float64/);
  });

  it("unknown activation and loss names", () => {
    const bad = new ManualMLP([{ ...layer, activation: "gelu" as ManualActivation }]);
    expect(() => bad.forward(Float64Array.of(1, 2))).toThrow(/unknown activation "gelu"/);
    expect(() => new ManualMLP([layer]).backward(Float64Array.of(1, 2), Float64Array.of(0, 1), "hinge" as ManualLoss)).toThrow(/unknown loss "hinge"/);
  });
});

describe("ManualMLP in float32", () => {
  it("computes in float32 buffers, within float32 rounding of float64", () => {
    const layers64 = randomLayers([3, 6, 6, 2], ["tanh", "relu", "sigmoid"], 5);
    const layers32 = layers64.map((l) => ({ ...l, weight: Float32Array.from(l.weight), bias: Float32Array.from(l.bias!) }));
    const x = randomInputs(4, 3, 1);
    const y = randomTargets("bce", 4, 2, 2);
    const g64 = new ManualMLP(layers64).backward(x, y, "bce");
    const g32 = new ManualMLP(layers32).backward(Float32Array.from(x), Float32Array.from(y), "bce");
    expect(g32.weight[0]!.data).toBeInstanceOf(Float32Array);
    g64.weight.forEach((w, l) => expect(gradientDifference(w.data, g32.weight[l]!.data).maxRelDiff, `layer ${l}`).toBeLessThan(1e-5));
  });
});

describe("ManualMLP stays finite where exp overflows", () => {
  const big = (activation: ManualActivation) => new ManualMLP([manualLayer([[1000], [-1000]], [0, 0], activation)]);

  it("crossEntropy on logits of +-1000, through softmax or identity", () => {
    for (const activation of ["identity", "softmax"] as const) {
      const g = big(activation).backward(Float64Array.of(1), Float64Array.of(0, 1), "crossEntropy");
      expect(g.loss).toBeCloseTo(2000, 10);
      expect(Array.from(g.weight[0]!.data)).toEqual([1, -1]);
    }
  });

  it("bceWithLogits at +-1000 and a saturated sigmoid under bce (logs clamped at -100, as PyTorch)", () => {
    const logits = big("identity").backward(Float64Array.of(1), Float64Array.of(0, 1), "bceWithLogits");
    expect(logits.loss).toBeCloseTo(1000, 10);
    expect(Array.from(logits.weight[0]!.data)).toEqual([0.5, -0.5]);
    const saturated = big("sigmoid").backward(Float64Array.of(1), Float64Array.of(0, 1), "bce");
    expect(saturated.loss).toBe(100);
    expect(Array.from(saturated.weight[0]!.data)).toEqual([0.5, -0.5]);
  });
});
