// Every bad input gets its own typed error whose message names the op, the
// shapes and the rule broken.
import { describe, expect, it } from "vitest";
import { DTypeError, DagradError, GraphError, ShapeError, concat, linear, ones, stack, tensor, zeros } from "../../src/index.js";

function thrown(fn: () => unknown): DagradError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DagradError) return e;
    throw new Error(`expected a DagradError, got ${String(e)}`);
  }
  throw new Error("expected an error, none was thrown");
}

describe("errors name the op, the shapes and the rule", () => {
  it("matmul with mismatched inner dimensions", () => {
    const e = thrown(() => zeros([2, 3]).matmul(zeros([4, 5])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe("matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ");
    expect((e as ShapeError).shapes).toEqual([[2, 3], [4, 5]]);
  });

  it("matmul with incompatible batch dimensions", () => {
    expect(thrown(() => zeros([2, 3, 4]).matmul(zeros([3, 4, 5]))).message).toMatch(/^matmul: cannot broadcast the batch dimensions \[2\] of \[2,3,4\] with \[3\]/);
  });

  it("matmul of a 0-d tensor", () => {
    expect(thrown(() => zeros([]).matmul(zeros([2]))).message).toMatch(/^matmul: both operands need at least 1 dimension/);
  });

  it("linear with an input that does not match the weight's in-features", () => {
    expect(thrown(() => linear(zeros([4, 3]), zeros([2, 5]))).message).toBe("linear: input [4,3] does not end in the weight's in-features 5 (weight [2,5])");
    expect(thrown(() => linear(zeros([4, 3]), zeros([2, 3]), zeros([3]))).message).toBe("linear: bias must be [2] for weight [2,3], got [3]");
  });

  it("broadcasting failure", () => {
    const e = thrown(() => zeros([2, 3]).add(zeros([4])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^add: cannot broadcast \[2,3\] with \[4\]/);
  });

  it("ragged nested arrays", () => {
    const e = thrown(() => tensor([[1, 2], [3]]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^tensor: ragged nested array: element at \[1\] has length 1, expected length 2/);
  });

  it("a non-number element", () => {
    const e = thrown(() => tensor([[1, 2], [3, "4" as unknown as number]]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toBe("tensor: element at [1,1] is a string, expected a number");
  });

  it("data length that does not match the shape", () => {
    const e = thrown(() => tensor(new Float32Array(5), { shape: [2, 3] }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe("tensor: data has 5 elements but shape [2,3] needs 6");
  });

  it("negative or fractional dimensions", () => {
    expect(thrown(() => zeros([2, -1])).message).toBe("zeros: invalid shape [2,-1]: dimensions must be non-negative integers");
    expect(thrown(() => ones([1.5])).message).toBe("ones: invalid shape [1.5]: dimensions must be non-negative integers");
  });

  it("an unknown dtype", () => {
    expect(thrown(() => tensor([1], { dtype: "int8" as "float32" }))).toBeInstanceOf(DTypeError);
  });

  it("an out-of-range axis", () => {
    const e = thrown(() => zeros([2, 3]).sum(2));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe("sum: axis 2 is out of range for shape [2,3] (expected an integer in [-2, 1])");
    expect(thrown(() => zeros([2, 3]).softmax(-3)).message).toMatch(/^softmax: axis -3 is out of range/);
  });

  it("an out-of-range index", () => {
    const e = thrown(() => zeros([3, 2]).indexSelect([0, 3]));
    expect(e.message).toBe("indexSelect: index 3 (position 1) is out of range for axis 0 of size 3 in [3,2]");
    expect(thrown(() => zeros([3]).slice(0, 1, 5)).message).toBe("slice: range [1, 5) is out of bounds for axis 0 of size 3 in [3]");
  });

  it("reshape to a different number of elements", () => {
    expect(thrown(() => zeros([2, 3]).reshape(4, 2)).message).toBe("reshape: cannot reshape [2,3] (6 elements) to [4,2] (8 elements)");
    expect(thrown(() => zeros([2, 3]).reshape(-1, -1)).message).toMatch(/^reshape: only one dimension can be -1/);
  });

  it("concat and stack of mismatched shapes", () => {
    expect(thrown(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).message).toMatch(/^concat: cannot concatenate \[2,3\], \[2,4\] along axis 0/);
    expect(thrown(() => stack([zeros([2]), zeros([3])])).message).toMatch(/^stack: all tensors must have one shape/);
    expect(thrown(() => concat([]))).toBeInstanceOf(ShapeError);
  });

  it("backward from a non-scalar without a gradient", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const e = thrown(() => x.mul(2).backward());
    expect(e).toBeInstanceOf(GraphError);
    expect(e.message).toMatch(/^backward: a gradient can be created implicitly only for a scalar output, got shape \[2\]/);
  });

  it("backward with a gradient of the wrong shape", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(thrown(() => x.mul(2).backward([1, 2, 3])).message).toBe("backward: gradient has shape [3] but the output has shape [2]");
  });

  it("backward from a tensor that does not require grad", () => {
    expect(thrown(() => tensor([1]).sum().backward())).toBeInstanceOf(GraphError);
  });

  it("item() of a tensor with several elements", () => {
    expect(thrown(() => zeros([2]).item()).message).toMatch(/^item: only a tensor with one element/);
  });

  it("a non-tensor operand", () => {
    expect(thrown(() => zeros([2]).add("1" as unknown as number))).toBeInstanceOf(DTypeError);
  });
});
