// Zero-size dimensions work in every op, forward, backward and second
// backward, on both kernel backends, with PyTorch's results: a product over
// k = 0 is zeros, a sum over nothing 0, a mean NaN, a logsumexp -Infinity;
// errors only where PyTorch errors (max of nothing, an ambiguous -1).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as dg from "../../src/index.js";
import { ShapeError, type Tensor, setKernelBackend } from "../../src/index.js";
import { restoreBackendAfterAll } from "../kernels/helpers.js";
import { expectGradcheck, expectGradgradcheck, randomInput } from "./helpers.js";

restoreBackendAfterAll();

const empty = (shape: number[]): Tensor => dg.zeros(shape, { dtype: "float64", requiresGrad: true });

for (const backend of ["js", "wasm"] as const) {
  describe(`zero-size dimensions (${backend} kernels)`, () => {
    beforeAll(() => setKernelBackend(backend));
    afterAll(() => setKernelBackend("auto"));

    describe("linear and matmul", () => {
      it("linear with no in-features gives the bias in every row, and its gradients", () => {
        const x = empty([3, 0]), w = empty([2, 0]);
        const b = dg.tensor([1, 2], { dtype: "float64", requiresGrad: true });
        const y = dg.linear(x, w, b);
        expect(y.toArray()).toEqual([[1, 2], [1, 2], [1, 2]]);
        y.backward(dg.tensor([[1, 10], [1, 10], [1, 10]], { dtype: "float64" }));
        expect(x.grad!.shape).toEqual([3, 0]);
        expect(w.grad!.shape).toEqual([2, 0]);
        expect(b.grad!.toArray()).toEqual([3, 30]);
      });

      it("linear with no in-features: gradcheck and second derivatives through the bias", () => {
        const fn = (x: Tensor, w: Tensor, b: Tensor) => dg.linear(x, w, b).square();
        expectGradcheck(fn, [empty([3, 0]), empty([2, 0]), randomInput([2], 1)]);
        expectGradgradcheck(fn, [empty([3, 0]), empty([2, 0]), randomInput([2], 1)]);
      });

      it("linear with no rows, and with no out-features, in one and three dimensions", () => {
        expect(dg.linear(empty([0, 3]), randomInput([2, 3], 1), randomInput([2], 2)).shape).toEqual([0, 2]);
        expect(dg.linear(empty([2, 0, 3]), randomInput([2, 3], 1)).shape).toEqual([2, 0, 2]);
        const fn = (x: Tensor, w: Tensor) => dg.linear(x, w).sum();
        expectGradgradcheck((x: Tensor, w: Tensor) => dg.linear(x, w).square(), [randomInput([4, 3], 1), empty([0, 3])]);
        expectGradcheck(fn, [randomInput([4, 3], 1), empty([0, 3])]);
      });

      it("matmul over k = 0 is zeros (the GEMM's row loops, small and large)", () => {
        for (const [m, n] of [[2, 3], [70, 70], [5, 1]] as const) {
          const y = dg.matmul(dg.ones([m, 0]), dg.ones([0, n]));
          expect(y.shape).toEqual([m, n]);
          expect(Array.from(y.data).every((v) => v === 0)).toBe(true);
        }
        expect(dg.matmul(dg.zeros([0]), dg.zeros([0])).item()).toBe(0);
      });

      it("matmul with m, n or a batch of 0, and their gradients", () => {
        expect(dg.matmul(dg.ones([0, 4]), dg.ones([4, 3])).shape).toEqual([0, 3]);
        expect(dg.matmul(dg.ones([2, 4]), dg.ones([4, 0])).shape).toEqual([2, 0]);
        expect(dg.matmul(dg.ones([0, 2, 4]), dg.ones([4, 3])).shape).toEqual([0, 2, 3]);
        const fn = (a: Tensor, b: Tensor) => a.matmul(b).square();
        expectGradcheck(fn, [randomInput([3, 0], 1), randomInput([0, 2], 2)]);
        expectGradgradcheck(fn, [randomInput([0, 4], 1), randomInput([4, 3], 2)]);
        expectGradgradcheck(fn, [randomInput([2, 4], 1), randomInput([4, 0], 2)]);
      });
    });

    describe("reductions", () => {
      it("sum over an empty axis is 0, mean is NaN (as PyTorch), and both backpropagate", () => {
        expect(dg.zeros([3, 0]).sum(1).toArray()).toEqual([0, 0, 0]);
        expect(dg.zeros([0]).sum().item()).toBe(0);
        expect(dg.zeros([0]).mean().item()).toBeNaN();
        expect(dg.zeros([0, 2]).mean(0).toArray()).toEqual([NaN, NaN]);
        const x = empty([0, 2]);
        x.sum(0).sum().backward();
        expect(x.grad!.shape).toEqual([0, 2]);
        expectGradgradcheck((a: Tensor, b: Tensor) => a.sum(1).square().add(b.sum()), [empty([3, 0]), randomInput([2], 3)]);
      });

      it("logsumexp over an empty axis is -Infinity; softmax and logSoftmax are empty", () => {
        expect(dg.zeros([3, 0]).logsumexp(1).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
        expect(dg.zeros([3, 0]).softmax(1).shape).toEqual([3, 0]);
        expect(dg.zeros([3, 0]).logSoftmax(-1).shape).toEqual([3, 0]);
        expect(dg.zeros([0, 3]).softmax(1).shape).toEqual([0, 3]);
        const x = empty([2, 0]);
        x.softmax(1).sum().backward();
        expect(x.grad!.shape).toEqual([2, 0]);
        expectGradgradcheck((a: Tensor) => a.logSoftmax(1).square(), [empty([0, 3])]);
      });

      it("max over an empty axis is an error, as in PyTorch; over another axis it is empty", () => {
        expect(() => dg.zeros([3, 0]).max(1)).toThrow(ShapeError);
        expect(() => dg.zeros([3, 0]).max(1)).toThrow("max: cannot reduce over axis 1 of size 0 in [3,0]");
        expect(() => dg.zeros([0]).argmax()).toThrow(/argmax: cannot reduce over axis 0 of size 0/);
        expect(dg.zeros([0, 3]).max(1).shape).toEqual([0]);
        expect(dg.zeros([0, 3]).argmin(1, true).shape).toEqual([0, 1]);
      });
    });

    describe("movement ops", () => {
      it("reshape with -1 follows PyTorch: inferred where the others are nonzero, ambiguous otherwise", () => {
        expect(dg.zeros([0, 3]).reshape(-1, 3).shape).toEqual([0, 3]);
        expect(dg.zeros([0, 3]).reshape(2, -1, 3).shape).toEqual([2, 0, 3]);
        expect(() => dg.zeros([0, 3]).reshape(-1, 0)).toThrow(/the other dimensions multiply to 0, so every size fits the -1: give that dimension explicitly/);
        expect(() => dg.zeros([2, 3]).reshape(-1, 0)).toThrow(/no size for the -1 holds 6 elements/);
        expectGradgradcheck((a: Tensor) => a.reshape(-1, 2).square(), [empty([2, 0, 2])]);
      });

      it("expand, permute, slice and indexSelect with nothing to select", () => {
        expect(dg.zeros([1, 3]).expand(0, 3).shape).toEqual([0, 3]);
        expect(dg.zeros([3, 0, 2]).permute(2, 0, 1).shape).toEqual([2, 3, 0]);
        expect(dg.ones([3, 4]).slice(1, 2, 2).shape).toEqual([3, 0]);
        expect(dg.ones([3, 4]).indexSelect([], 1).shape).toEqual([3, 0]);
        const x = randomInput([3, 4], 1);
        const fn = (a: Tensor) => a.slice(1, 2, 2).sum().add(a.indexSelect([], 0).sum()).add(a.expand(0, 3, 4).sum()).add(a.sum());
        expectGradcheck(fn, [x]);
        const y = randomInput([1, 3], 2);
        y.expand(0, 3).sum().backward();
        expect(y.grad!.toArray()).toEqual([[0, 0, 0]]);
      });

      it("concat joins empty parts, and skips 1-D empty tensors (PyTorch's legacy rule)", () => {
        const a = randomInput([2, 3], 1), e = empty([0, 3]), legacy = empty([0]);
        const y = dg.concat([e, a, legacy, e], 0);
        expect(y.shape).toEqual([2, 3]);
        expect(y.toArray()).toEqual(a.toArray());
        y.sum().backward();
        expect(legacy.grad!.shape).toEqual([0]);
        expect(e.grad!.shape).toEqual([0, 3]);
        expect(dg.concat([dg.zeros([0]), dg.zeros([0])]).shape).toEqual([0]);
        expectGradgradcheck((p: Tensor, q: Tensor) => dg.concat([p, q, p], 1).square(), [randomInput([2, 2], 1), empty([2, 0])]);
      });

      it("broadcasting against 0: [3,1] + [0] is [3,0], and the gradient of [3,1] is zeros", () => {
        const a = randomInput([3, 1], 1);
        const y = a.add(empty([0]));
        expect(y.shape).toEqual([3, 0]);
        y.sum().backward();
        expect(a.grad!.toArray()).toEqual([[0], [0], [0]]);
        expect(() => dg.ones([2]).add(dg.ones([0]))).toThrow(/cannot broadcast \[2\] with \[0\]/);
        expectGradgradcheck((p: Tensor, q: Tensor) => p.mul(q).square().sum().add(p.sum()), [randomInput([3, 1], 1), empty([1, 0])]);
      });

      it("every other op runs forward, backward and second backward on empty tensors", () => {
        const unary: ((x: Tensor) => Tensor)[] = [
          (x) => x.log(), (x) => x.sqrt(), (x) => x.leakyRelu(0.1), (x) => x.clamp(-1, 1), (x) => x.mul(x.sign()),
          (x) => x.mul(x.gt(0)), (x) => x.clone(), (x) => x.to("float32").to("float64"), (x) => x.flatten(), (x) => x.unsqueeze(1).squeeze(1),
          (x) => x.transpose(0, 1), (x) => x.mT, (x) => x.T, (x) => dg.stack([x, x], 1), (x) => x.max(1), (x) => x.min(1),
          (x) => x.indexSelect([0, 0], 1), (x) => x.relu().tanh().sigmoid().softplus(), (x) => x.abs().exp().neg(),
        ];
        const binary: ((a: Tensor, b: Tensor) => Tensor)[] = [
          (a, b) => a.div(b), (a, b) => a.pow(b), (a, b) => a.maximum(b), (a, b) => a.minimum(b), (a, b) => dg.bceWithLogits(a, b), (a, b) => a.sub(b),
        ];
        for (const fn of unary) expectGradgradcheck((x) => fn(x).square(), [empty([0, 3])]);
        for (const fn of binary) expectGradgradcheck((a, b) => fn(a, b).square(), [empty([0, 3]), empty([1, 3])]);
      });

      it("elementwise ops and where on empty tensors of every kernel width", () => {
        for (const shape of [[0], [0, 100], [100, 0]]) {
          const x = empty(shape);
          for (const op of ["relu", "tanh", "sigmoid", "exp", "abs", "neg", "square", "softplus"] as const) expect(x[op]().shape, op).toEqual(shape);
          expect(x.mul(x).add(1).shape).toEqual(shape);
          expect(dg.where(x, x, 0).shape).toEqual(shape);
        }
      });
    });
  });
}
