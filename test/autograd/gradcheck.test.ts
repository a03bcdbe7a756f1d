// gradcheck itself: a check that can pass a wrong gradient is worse than none.
import { describe, expect, it } from "vitest";
import { type Tensor, gradcheck, gradientErrors, tensor } from "../../src/autograd/index.js";

/** x -> sum(x), with the gradient reaching x replaced in element `at` by `value` (a hook on the way). */
function sumWithBrokenGradient(at: number, value: number) {
  return (x: Tensor): Tensor => {
    const y = x.mul(1);
    // gradcheck also calls fn without a graph, for the central differences.
    if (y.requiresGrad) y.registerHook((g) => {
      const broken = g.clone().detach();
      broken.data[at] = value;
      return broken;
    });
    return y.sum();
  };
}

describe("gradcheck", () => {
  it("keeps the first NaN difference: a finite element after it does not hide it", () => {
    const errors = gradientErrors(Float64Array.of(NaN, 1), Float64Array.of(0, 1));
    expect(errors.maxAbsError).toBeNaN();
    expect(errors.worstIndex).toBe(0);
  });

  it.each([0, 1, 3])("fails a gradient with NaN at element %i, wherever it is", (at) => {
    const x = tensor([0.5, -1, 2, 3], { dtype: "float64", requiresGrad: true });
    const result = gradcheck(sumWithBrokenGradient(at, NaN), [x]);
    expect(result.passed).toBe(false);
    expect(result.inputs[0]!.worstIndex).toBe(at);
  });

  it("fails an infinite gradient", () => {
    const x = tensor([0.5, -1, 2], { dtype: "float64", requiresGrad: true });
    expect(gradcheck(sumWithBrokenGradient(0, Infinity), [x]).passed).toBe(false);
  });

  it("gives each input its own verdict: the broken one fails, the intact one passes", () => {
    const x = tensor([0.5, -1, 2], { dtype: "float64", requiresGrad: true });
    const w = tensor([1.5, 2], { dtype: "float64", requiresGrad: true });
    const result = gradcheck((a, b) => sumWithBrokenGradient(1, 7)(a).add(b.square().sum()), [x, w]);
    expect(result.passed).toBe(false);
    expect(result.inputs.map((r) => r!.passed)).toEqual([false, true]);
  });

  it("passes the same function with its gradient intact", () => {
    const x = tensor([0.5, -1, 2, 3], { dtype: "float64", requiresGrad: true });
    expect(gradcheck((t) => t.mul(1).sum(), [x]).passed).toBe(true);
  });
});
