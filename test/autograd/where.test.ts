// where(condition, input, other) as torch.where: broadcasting of all three,
// a constant condition, and masks that hold 0 exactly where a product would not.
import { describe, expect, it } from "vitest";
import { ShapeError, tensor, where, zeros } from "../../src/index.js";

describe("where", () => {
  it("picks input where the condition is nonzero (NaN counts as true), other elsewhere", () => {
    const c = tensor([1, 0, NaN, -2]);
    expect(where(c, tensor([1, 2, 3, 4]), tensor([10, 20, 30, 40])).toArray()).toEqual([1, 20, 3, 4]);
  });

  it("broadcasts condition, input and other together", () => {
    const out = where(tensor([[1], [0]]), tensor([1, 2, 3]), 9);
    expect(out.shape).toEqual([2, 3]);
    expect(out.toArray()).toEqual([[1, 2, 3], [9, 9, 9]]);
  });

  it("takes numbers for both values (float32) and promotes tensors' dtypes", () => {
    expect(where(tensor([0, 1]), 1, 2).dtype).toBe("float32");
    expect(where(tensor([0, 1]), tensor([1, 2], { dtype: "float64" }), tensor([3, 4])).dtype).toBe("float64");
    expect(tensor([5, 6]).where(tensor([1, 0]), 0).toArray()).toEqual([5, 0]);
  });

  it("routes the gradient to the chosen side only, 0 elsewhere even when the gradient is infinite", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([4, 5, 6], { requiresGrad: true });
    where(tensor([1, 0, 1]), a, b).backward(tensor([Infinity, 2, 3]));
    expect(a.grad!.toArray()).toEqual([Infinity, 0, 3]);
    expect(b.grad!.toArray()).toEqual([0, 2, 0]);
  });

  it("gives no gradient to the condition", () => {
    const c = tensor([1, 0], { requiresGrad: true });
    const a = tensor([1, 2], { requiresGrad: true });
    where(c, a, 0).sum().backward();
    expect(c.grad).toBeNull();
    expect(a.grad!.toArray()).toEqual([1, 0]);
  });

  it("an impossible broadcast is an error naming the three shapes", () => {
    expect(() => where(zeros([3]), zeros([2]), 0)).toThrow(ShapeError);
    expect(() => where(zeros([3]), zeros([2]), 0)).toThrow("where: cannot broadcast condition [3], input [2] and other []");
  });
});
