// transpose(dim0, dim1) swaps those axes, as torch.transpose; .mT swaps the
// last two (a batch of matrices) and .T reverses every axis (PyTorch's rules).
import { describe, expect, it } from "vitest";
import { ShapeError, type Tensor, arange, ones, tensor, transpose } from "../../src/index.js";

const cube = (): Tensor => arange(24).reshape(2, 3, 4);

describe("transpose(dim0, dim1)", () => {
  it("swaps the two axes it is given: [2,3,4].transpose(0, 1) is [3,2,4]", () => {
    expect(ones([2, 3, 4]).transpose(0, 1).shape).toEqual([3, 2, 4]);
    const t = cube().transpose(0, 1);
    // t[j][i][k] = x[i][j][k] = 12 i + 4 j + k
    expect(t.toArray()).toEqual([0, 1, 2].map((j) => [0, 1].map((i) => [0, 1, 2, 3].map((k) => 12 * i + 4 * j + k))));
  });

  it("takes negative axes, in either order, and the free function agrees", () => {
    expect(cube().transpose(-1, 0).shape).toEqual([4, 3, 2]);
    expect(transpose(cube(), 2, 0).toArray()).toEqual(cube().transpose(-1, -3).toArray());
  });

  it("the same axis twice gives the tensor unchanged", () => {
    expect(cube().transpose(1, 1).toArray()).toEqual(cube().toArray());
  });

  it("without its axes is an error that names .mT", () => {
    const call = (...dims: number[]) => (cube().transpose as (...d: number[]) => Tensor)(...dims);
    expect(() => call()).toThrow(ShapeError);
    expect(() => call()).toThrow(/transpose\(dim0, dim1\).*\.mT/);
    expect(() => call(1)).toThrow(/got transpose\(1\)/);
  });

  it("an axis out of range is an error naming the shape", () => {
    expect(() => ones([3]).transpose(0, 1)).toThrow(/axis 1 is out of range for shape \[3\]/);
  });
});

describe(".mT and .T", () => {
  it(".mT transposes each matrix of a batch", () => {
    const t = cube().mT;
    expect(t.shape).toEqual([2, 4, 3]);
    expect(t.toArray()).toEqual([0, 1].map((i) => [0, 1, 2, 3].map((k) => [0, 1, 2].map((j) => 12 * i + 4 * j + k))));
  });

  it(".mT needs at least 2 dimensions", () => {
    expect(() => ones([3]).mT).toThrow(ShapeError);
    expect(() => ones([3]).mT).toThrow(/mT: needs a matrix or a batch of matrices/);
  });

  it(".T is the transpose of a matrix and reverses the axes of more", () => {
    expect(tensor([[1, 2, 3], [4, 5, 6]]).T.toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(cube().T.shape).toEqual([4, 3, 2]);
    expect(cube().T.toArray()).toEqual(cube().permute(2, 1, 0).toArray());
  });

  it(".T leaves a 1-d or 0-d tensor as it is", () => {
    expect(tensor([1, 2, 3]).T.toArray()).toEqual([1, 2, 3]);
    expect(tensor(5).T.item()).toBe(5);
  });
});
