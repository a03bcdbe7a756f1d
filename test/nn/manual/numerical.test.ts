// The hand-derived gradients against central differences of the manual loss,
// for every hidden activation and every (loss, output activation) pair, with
// 001's relative error ||a - n|| / (||a|| + ||n||). Depths 1 to 4: deeper
// sigmoid-like nets shrink the first layers' gradients toward the rounding
// floor of a central difference (about 1e-16 |L| / eps), where its relative
// error means nothing; autograd covers depths up to 10 in compare.test.ts.
import { describe, expect, it } from "vitest";
import { MANUAL_ACTIVATIONS, ManualMLP, gradientDifference, numericalGradients } from "../../../src/nn/manual/index.js";
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
    expect(gradientDifference([0, 0], [0, 0])).toEqual({ maxAbsDiff: 0, maxRelDiff: 0, relativeError: 0 });
    expect(gradientDifference([1, NaN], [1, 2]).maxAbsDiff).toBeNaN();
  });
});
