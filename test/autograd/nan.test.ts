// NaN propagates through every op as in PyTorch, on both kernel backends:
// forward values, the backward masks (threshold_backward, clamp_backward,
// maximum's tie rule, max's index routing), and anomaly mode, which can only
// see a NaN that an op lets through. Each check runs at 3 elements (the
// TypeScript loops) and at 99 (the WebAssembly kernels, where they exist).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dg from "../../src/index.js";
import { AnomalyError, type DType, type NestedArray, type Tensor, detectAnomaly, setKernelBackend } from "../../src/index.js";
import { restoreBackendAfterAll } from "../kernels/helpers.js";

restoreBackendAfterAll();

const COPIES = 33;
const repeat = (values: number[], copies: number): number[] => Array.from({ length: copies }, () => values).flat();
/** Run `check` on the pattern once and on 33 copies of it (99+ elements: the wasm kernels' size). */
function sizes(check: (copies: number) => void): void {
  check(1);
  check(COPIES);
}

for (const backend of ["js", "wasm"] as const) {
  for (const dtype of ["float32", "float64"] as DType[]) {
    describe(`NaN propagation (${backend} kernels, ${dtype})`, () => {
      beforeAll(() => setKernelBackend(backend));
      afterAll(() => setKernelBackend("auto"));
      const t = (values: number[], requiresGrad = false): Tensor => dg.tensor(values, { dtype, requiresGrad });
      const values = (x: Tensor): NestedArray => x.toArray();

      /** fn's output and x's gradient under an all-ones upstream gradient, for the pattern and its copies. */
      function expectOp(input: number[], fn: (x: Tensor) => Tensor, output: number[], gradient: number[]): void {
        sizes((copies) => {
          const x = t(repeat(input, copies), true);
          const y = fn(x);
          expect(values(y)).toEqual(repeat(output, copies));
          y.backward(dg.onesLike(y));
          expect(values(x.grad!)).toEqual(repeat(gradient, copies));
        });
      }

      it("relu(NaN) is NaN and its gradient passes (threshold_backward: 0 only where x <= 0)", () => {
        expectOp([NaN, -1, 2, 0], (x) => x.relu(), [NaN, 0, 2, 0], [1, 0, 1, 0]);
      });

      it("relu's fused backward keeps a NaN gradient where x > 0 and gives exactly 0 where x <= 0", () => {
        sizes((copies) => {
          const x = t(repeat([1, -1, 0, NaN], copies), true);
          x.relu().backward(t(repeat([NaN, NaN, Infinity, 3], copies)));
          expect(values(x.grad!)).toEqual(repeat([NaN, 0, 0, 3], copies));
        });
      });

      it("leakyRelu(NaN) is NaN, with the slope as its gradient (leaky_relu_backward)", () => {
        expectOp([NaN, -2, 2], (x) => x.leakyRelu(0.5), [NaN, -1, 2], [0.5, 0.5, 1]);
      });

      it("clamp(NaN) is NaN, with gradient exactly 0 there and outside the bounds (clamp_backward)", () => {
        expectOp([NaN, -5, 0.5, 5], (x) => x.clamp(-1, 1), [NaN, -1, 0.5, 1], [0, 0, 1, 0]);
        const x = t([NaN, -5, 0.5], true);
        x.clamp(-1, 1).backward(t([Infinity, Infinity, Infinity]));
        expect(values(x.grad!)).toEqual([0, 0, Infinity]);
      });

      it("maximum and minimum propagate NaN from either side; both sides get the gradient there", () => {
        sizes((copies) => {
          for (const op of ["maximum", "minimum"] as const) {
            const a = t(repeat([NaN, 1, 2, 3], copies), true);
            const b = t(repeat([1, NaN, 2, 0], copies), true);
            const y = a[op](b);
            expect(values(y)).toEqual(repeat([NaN, NaN, 2, op === "maximum" ? 3 : 0], copies));
            y.backward(dg.onesLike(y));
            expect(values(a.grad!)).toEqual(repeat([1, 1, 0.5, op === "maximum" ? 1 : 0], copies));
            expect(values(b.grad!)).toEqual(repeat([1, 1, 0.5, op === "maximum" ? 0 : 1], copies));
          }
        });
      });

      it("max and min of a row with NaN are NaN, argmax and argmin point at it, the gradient goes to it", () => {
        for (const op of ["max", "min"] as const) {
          const leaf = t([1, NaN, 3, NaN, 5, 6, -1, 0], true);
          const x = leaf.reshape(2, 4);
          const y = x[op](1);
          expect(values(y)).toEqual([NaN, op === "max" ? 6 : -1]);
          expect(values(x[op === "max" ? "argmax" : "argmin"](1))).toEqual([1, op === "max" ? 1 : 2]);
          y.backward(dg.onesLike(y));
          expect(values(leaf.grad!)).toEqual(op === "max" ? [0, 1, 0, 0, 0, 1, 0, 0] : [0, 1, 0, 0, 0, 0, 1, 0]);
          expect(Number.isNaN(t([2, NaN, 1])[op]().item())).toBe(true);
          expect(t([2, NaN, 1]).argmax().item()).toBe(1);
          expect(t([2, NaN, 1]).argmin().item()).toBe(1);
        }
      });

      it("max's gradient is exactly 0 off the selected element, even for an infinite upstream gradient", () => {
        const x = t([1, 3, 2], true);
        x.max().backward(t([Infinity]).reshape([]));
        expect(values(x.grad!)).toEqual([0, Infinity, 0]);
      });

      it("sign(NaN) is NaN (as NumPy; PyTorch gives 0)", () => {
        sizes((copies) => expect(values(t(repeat([NaN, -3, 0, 2], copies)).sign())).toEqual(repeat([NaN, -1, 0, 1], copies)));
        expect(Object.is(t([-0]).sign().item(), 0)).toBe(true); // PyTorch's sign(-0) is +0 too
      });

      it("smooth unary ops keep NaN: exp, log, sqrt, abs, square, neg, sigmoid, tanh, softplus", () => {
        sizes((copies) => {
          const x = t(repeat([NaN, 0.5], copies));
          for (const op of ["exp", "log", "sqrt", "abs", "square", "neg", "sigmoid", "tanh", "softplus"] as const) {
            const y = x[op]().toArray() as number[];
            expect(y.filter((_, i) => i % 2 === 0).every(Number.isNaN), op).toBe(true);
            expect(y.filter((_, i) => i % 2 === 1).some(Number.isNaN), op).toBe(false);
          }
        });
      });

      it("the fused tanh and sigmoid backward rules and bceWithLogits propagate NaN", () => {
        sizes((copies) => {
          for (const op of ["tanh", "sigmoid"] as const) {
            const x = t(repeat([NaN, 0.5], copies), true);
            const y = x[op]();
            y.backward(t(repeat([1, NaN], copies)));
            expect((x.grad!.toArray() as number[]).every(Number.isNaN), op).toBe(true);
          }
          const loss = dg.bceWithLogits(t(repeat([NaN, 0.5], copies)), t(repeat([1, NaN], copies)));
          expect((loss.toArray() as number[]).every(Number.isNaN)).toBe(true);
        });
      });

      it("logsumexp, softmax and logSoftmax: a NaN makes its own row NaN and leaves the others", () => {
        const x = t([1, NaN, 2, 1, 2, 3]).reshape(2, 3);
        const finite = [1, 2, 3].map((v) => Math.exp(v) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
        const softmax = x.softmax(1).toArray() as number[][];
        expect(softmax[0]!.every(Number.isNaN)).toBe(true);
        softmax[1]!.forEach((v, i) => expect(v).toBeCloseTo(finite[i]!, 6));
        expect(Number.isNaN((x.logsumexp(1).toArray() as number[])[0]!)).toBe(true);
        expect((x.logSoftmax(1).toArray() as number[][])[0]!.every(Number.isNaN)).toBe(true);
      });

      it("a NaN in a matrix product reaches its row and column of the output, 0 * NaN included", () => {
        sizes((copies) => {
          const n = 3 * copies;
          const a = dg.zeros([n, n], { dtype });
          a.data[1] = NaN; // row 0, column 1
          const y = dg.matmul(a, dg.ones([n, n], { dtype })).toArray() as number[][];
          expect(y[0]!.every(Number.isNaN)).toBe(true);
          expect(y[1]!.some(Number.isNaN)).toBe(false);
        });
      });

      it("sum and mean propagate NaN (columns too); pow follows C: 1^NaN and NaN^0 are 1", () => {
        sizes((copies) => {
          expect(Number.isNaN(t(repeat([1, NaN, 2], copies)).sum().item())).toBe(true);
          expect(values(t(repeat([1, NaN, 2], copies)).reshape(copies, 3).sum(0))).toEqual([copies, NaN, 2 * copies]);
          expect(values(t(repeat([1, NaN, 2], copies)).reshape(copies, 3).mean(0))).toEqual([1, NaN, 2]);
        });
        expect(values(t([1, NaN, 1, -1, 2]).pow(t([NaN, 0, Infinity, -Infinity, NaN])))).toEqual([1, 1, 1, 1, NaN]);
      });
    });
  }
}

describe("anomaly mode sees a NaN that enters relu", () => {
  it("relu's output holds the NaN, so relu is the op named", () => {
    const x = dg.tensor([NaN, -1, 2], { requiresGrad: true });
    let error: unknown;
    try {
      detectAnomaly(() => x.relu().sum());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnomalyError);
    expect((error as AnomalyError).op).toBe("relu");
    expect((error as AnomalyError).message).toMatch(/^relu: output \[3\] holds NaN at flat index 0/);
  });
});
