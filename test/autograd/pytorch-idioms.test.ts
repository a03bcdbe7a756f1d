// Calls a PyTorch user writes without thinking, which must mean here what they mean there.
import { describe, expect, it } from "vitest";
import { ShapeError, gradcheck, randn, createRng, tensor, zeros } from "../../src/autograd/index.js";

const f64 = { dtype: "float64" as const };

describe("a 0-d tensor takes axis 0 or -1, as in PyTorch", () => {
  const x = tensor(2.5, f64);
  it.each([0, -1])("in sum, mean, max, min, logsumexp, argmax and argmin (axis %i)", (axis) => {
    expect(x.sum(axis).toArray()).toBe(2.5);
    expect(x.mean(axis).toArray()).toBe(2.5);
    expect(x.max(axis).toArray()).toBe(2.5);
    expect(x.min(axis, true).toArray()).toBe(2.5);
    expect(x.logsumexp(axis).toArray()).toBe(2.5);
    expect(x.argmax(axis).toArray()).toBe(0);
    expect(x.argmin(axis).toArray()).toBe(0);
  });

  it("softmax of a scalar is 1 and logSoftmax 0 (the default axis -1 included)", () => {
    expect(x.softmax().toArray()).toBe(1);
    expect(x.logSoftmax(0).toArray()).toBe(0);
  });

  it("squeeze(0) returns it as it is", () => {
    expect(x.squeeze(0).shape).toEqual([]);
  });

  it("any other axis is an error naming the two that fit", () => {
    expect(() => x.sum(1)).toThrow(ShapeError);
    expect(() => x.sum(1)).toThrow(/sum: axis 1 is out of range for a 0-d tensor \(expected 0 or -1\)/);
    expect(() => x.softmax(2)).toThrow(/softmax: axis 2 is out of range for a 0-d tensor/);
    expect(() => x.sum([0, -1])).toThrow(/sum: axis 0 appears twice in \[0,-1\] for a 0-d tensor/);
  });

  it("differentiates through them", () => {
    const t = tensor(0.7, { ...f64, requiresGrad: true });
    expect(gradcheck((a) => a.sum(0).mul(a.logsumexp(-1)).add(a.softmax()), [t]).passed).toBe(true);
  });
});

describe("squeeze(dim) on an axis whose size is not 1 leaves the tensor as it is (torch.squeeze)", () => {
  it("keeps the shape and the values, and the gradient flows", () => {
    const x = randn([2, 3], { ...f64, rng: createRng(1), requiresGrad: true });
    const y = x.squeeze(1);
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
    expect(x.squeeze(-1).shape).toEqual([2, 3]);
    expect(zeros([2, 1, 3]).squeeze(1).shape).toEqual([2, 3]);
    expect(gradcheck((a) => a.squeeze(0).mul(a), [x]).passed).toBe(true);
  });
});

describe("expand takes -1 for a size it keeps (torch.expand)", () => {
  it("keeps that axis and broadcasts the others", () => {
    const x = tensor([[1], [2], [3]], f64);
    expect(x.expand(-1, 4).shape).toEqual([3, 4]);
    expect(x.expand(2, -1, 4).shape).toEqual([2, 3, 4]);
    expect(x.expand([-1, 2]).toArray()).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it("refuses -1 for a new leading axis, where there is no size to keep", () => {
    expect(() => tensor([1, 2]).expand(-1, 2)).toThrow(/expand: size -1 at position 0 of \[-1,2\] is a new leading axis of \[2\]/);
  });

  it("differentiates: the gradient sums over the expanded axes", () => {
    const x = randn([3, 1], { ...f64, rng: createRng(2), requiresGrad: true });
    expect(gradcheck((a) => a.expand(2, -1, 4), [x]).passed).toBe(true);
  });
});
