// The hand-derived gradients against central differences of the manual loss,
// for every hidden activation and every (loss, output activation) pair, with
// 001's relative error ||a - n|| / (||a|| + ||n||). Depths 1 to 4: deeper
// sigmoid-like nets shrink the first layers' gradients toward the rounding
// floor of a central difference (about 1e-16 |L| / eps), where its relative
// error means nothing; autograd covers depths up to 10 in compare.test.ts.
import { describe, expect, it } from "vitest";
import { tensor } from "../../../src/autograd/index.js";
import { MLP } from "../../../src/nn/index.js";
import { MANUAL_ACTIVATIONS, ManualMLP, centralDifferenceResolution, compareGradients, gradientDifference, gradientVerdict, numericalGradients } from "../../../src/nn/manual/index.js";
import { LOSS_OUTPUT_PAIRS, randomInputs, randomLayers, randomTargets } from "./fixtures.js";

describe("manual gradients agree with central differences", () => {
  for (const depth of [1, 2, 3, 4]) {
    for (const hidden of depth === 1 ? (["identity"] as const) : MANUAL_ACTIVATIONS) {
      it(`depth ${depth}, hidden ${hidden}: every loss and output activation`, () => {
        for (const [loss, output] of LOSS_OUTPUT_PAIRS) {
          const sizes = [3, ...Array<number>(depth - 1).fill(4), 3];
          const activations = [...Array(depth - 1).fill(hidden), output];
          const net = new ManualMLP(randomLayers(sizes, activations, 31 * depth + 7));
          const x = randomInputs(5, 3, 1);
          const y = randomTargets(loss, 5, 3, 2);
          const analytic = net.backward(x, y, loss);
          const numerical = numericalGradients(net, x, y, loss);
          net.layers.forEach((_, l) => {
            const where = `${output} + ${loss}, layer ${l}`;
            expect(gradientDifference(analytic.weight[l]!.data, numerical.weight[l]!).relativeError, `${where} weight`).toBeLessThan(1e-6);
            expect(gradientDifference(analytic.bias[l]!, numerical.bias[l]!).relativeError, `${where} bias`).toBeLessThan(1e-6);
          });
        }
      });
    }
  }
});

describe("gradientDifference", () => {
  it("measures the worst element, relative to the gradient's scale, and 001's norm ratio", () => {
    const d = gradientDifference([1, -2, 4], [1, -2.5, 4]);
    expect(d.maxAbsDiff).toBe(0.5);
    expect(d.maxRelDiff).toBe(0.125);
    expect(d.relativeError).toBeCloseTo(0.5 / (Math.sqrt(21) + Math.sqrt(23.25)), 15);
  });

  it("is 0 for two zero gradients and NaN-poisoned when either holds NaN", () => {
    expect(gradientDifference([0, 0], [0, 0])).toEqual({ maxAbsDiff: 0, maxRelDiff: 0, relativeError: 0, distance: 0, norm: 0 });
    expect(gradientDifference([1, NaN], [1, 2]).maxAbsDiff).toBeNaN();
  });
});

describe("gradientVerdict and centralDifferenceResolution", () => {
  const difference = (relativeError: number, distance: number) => ({ maxAbsDiff: distance, maxRelDiff: relativeError, relativeError, distance, norm: 1 });

  it("names which check autograd disagrees with, and calls a disagreement within the rounding noise a resolution limit", () => {
    const threshold = 1e-5, resolution = 1e-10;
    expect(gradientVerdict({ numerical: difference(1e-9, 1e-11), manual: difference(1e-16, 0), resolution, threshold })).toBe("pass");
    expect(gradientVerdict({ numerical: difference(1, 1e-11), manual: difference(1e-16, 0), resolution, threshold })).toBe("resolution");
    expect(gradientVerdict({ numerical: difference(1e-3, 1e-6), manual: difference(1e-16, 0), resolution, threshold })).toBe("differs from numerical");
    // The manual formulas are exact; central differences cannot clear autograd of a difference from them.
    expect(gradientVerdict({ numerical: difference(1e-9, 1e-11), manual: difference(1e-3, 1e-4), resolution, threshold })).toBe("differs from manual");
    expect(gradientVerdict({ numerical: difference(NaN, NaN), manual: difference(0, 0), resolution, threshold })).toBe("differs from numerical");
    expect(gradientVerdict({ numerical: difference(0, 0), manual: difference(NaN, NaN), resolution, threshold })).toBe("differs from manual");
  });

  it("bounds the central differences' error on a deep sigmoid net, where the first layers' gradients are far below it", () => {
    const mlp = new MLP({ sizes: [2, ...new Array<number>(20).fill(4), 1], activation: "sigmoid", outputActivation: "sigmoid", init: "xavier", dtype: "float64", seed: 0 });
    const x = tensor([[0.5, -1.2], [1.3, 0.4], [-0.7, 0.9], [0.1, 0.2]], { dtype: "float64" });
    const y = tensor([[1], [0], [1], [0]], { dtype: "float64" });
    const result = compareGradients(mlp, x, y, { loss: "bce", eps: 1e-5 });
    expect(centralDifferenceResolution(1, 1e-5, 16)).toBeCloseTo(4 * Number.EPSILON * 4 / 1e-5, 25);
    for (const p of result.parameters) {
      const resolution = centralDifferenceResolution(result.autogradLoss, 1e-5, p.shape.reduce((n, d) => n * d, 1));
      expect(p.numerical!.distance, p.name).toBeLessThan(resolution);
    }
    // The first layer's gradient is below the resolution: the relative error says nothing there.
    const first = result.parameters[0]!;
    expect(first.manual.norm).toBeLessThan(centralDifferenceResolution(result.autogradLoss, 1e-5, 8));
    expect(first.numerical!.relativeError).toBeGreaterThan(0.1);
  });
});
