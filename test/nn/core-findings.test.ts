// Behaviour of the autograd core found while building nn, kept as tests.
import { describe, expect, it } from "vitest";
import { type Tensor, createRng, gradcheck, randn } from "../../src/autograd/index.js";

describe("gradcheck on an input whose true gradient is exactly zero", () => {
  // A shift b added to every row and removed again with the column mean (what a
  // Linear bias before BatchNorm does): d/db = 0. The analytic gradient is ~1e-16,
  // central differences give rounding noise ~1e-10, and the relative error
  // ||a - n|| / (||a|| + ||n||) of two noises is ~1, so a correct gradient "fails".
  const x = randn([6, 3], { dtype: "float64", rng: createRng(1) });
  const shiftThenCenter = (b: Tensor) => {
    const shifted = x.add(b);
    return shifted.sub(shifted.mean(0, true)).mul(x);
  };

  it("the absolute error is at rounding level", () => {
    const b = randn([1, 3], { dtype: "float64", rng: createRng(2), requiresGrad: true });
    const result = gradcheck(shiftThenCenter, [b]);
    expect(result.inputs[0]!.maxAbsError).toBeLessThan(1e-8);
    for (const a of result.inputs[0]!.analytic) expect(Math.abs(a)).toBeLessThan(1e-12);
  });

  it("gradcheck passes it on the absolute error, as PyTorch's atol + rtol comparison does", () => {
    const b = randn([1, 3], { dtype: "float64", rng: createRng(2), requiresGrad: true });
    expect(gradcheck(shiftThenCenter, [b]).passed).toBe(true);
  });
});
