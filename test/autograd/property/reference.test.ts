// The property suite's float64 reference forward, checked by hand on small
// cases: it is the oracle every op's forward is compared with.
import { describe, expect, it } from "vitest";
import * as R from "./reference.js";

describe("the reference forward", () => {
  const r = R.ref;
  it("broadcasts [2,1] with [3] to [2,3]", () => {
    expect(R.zip(r([2, 1], [1, 2]), r([3], [10, 20, 30]), (x, y) => x + y)).toEqual(r([2, 3], [11, 21, 31, 12, 22, 32]));
  });
  it("multiplies as torch.matmul: a dot product, a vector-matrix product, broadcast batches", () => {
    expect(R.matmul(r([3], [1, 2, 3]), r([3], [4, 5, 6]))).toEqual(r([], [32]));
    expect(R.matmul(r([2], [1, 2]), r([2, 2], [1, 2, 3, 4]))).toEqual(r([2], [7, 10]));
    const batched = R.matmul(r([2, 1, 1, 2], [1, 2, 3, 4]), r([3, 2, 1], [1, 1, 2, 2, 3, 3]));
    expect(batched.shape).toEqual([2, 3, 1, 1]);
    expect(batched.data).toEqual([3, 6, 9, 7, 14, 21]);
    expect(R.matmul(r([2, 0], []), r([0, 3], []))).toEqual(r([2, 3], [0, 0, 0, 0, 0, 0]));
  });
  it("gives linear with zero in-features the bias in every row", () => {
    expect(R.linear(r([3, 0], []), r([2, 0], []), r([2], [1, -1]))).toEqual(r([3, 2], [1, -1, 1, -1, 1, -1]));
  });
  it("reduces empty lanes as PyTorch: sum 0, mean NaN, logsumexp -Infinity", () => {
    const empty = r([2, 0], []);
    expect(R.reduce(empty, 1, false, R.total)).toEqual(r([2], [0, 0]));
    expect(R.reduce(empty, [1], true, (l) => R.total(l) / l.length).data).toEqual([NaN, NaN]);
    expect(R.logsumexpOf([])).toBe(-Infinity);
    expect(R.reduce(r([2, 3], [1, 2, 3, 4, 5, 6]), [0, -1], true, R.total)).toEqual(r([1, 1], [21]));
  });
  it("picks the first of tied extremes, moves axes and gathers", () => {
    expect(R.argExtreme([1, 3, 3], false)).toBe(1);
    expect(R.argExtreme([2, 0, 0], true)).toBe(1);
    expect(R.permute(r([2, 3], [1, 2, 3, 4, 5, 6]), [1, 0])).toEqual(r([3, 2], [1, 4, 2, 5, 3, 6]));
    expect(R.gather(r([2, 3], [1, 2, 3, 4, 5, 6]), -1, [2, 2, 0])).toEqual(r([2, 3], [3, 3, 1, 6, 6, 4]));
    expect(R.concat([r([1, 2], [1, 2]), r([0, 2], []), r([2, 2], [3, 4, 5, 6])], 0)).toEqual(r([3, 2], [1, 2, 3, 4, 5, 6]));
    expect(R.mapLanes(r([2, 2], [1, 2, 3, 4]), 0, (l) => l.map((v) => v - l[0]!))).toEqual(r([2, 2], [0, 0, 2, 2]));
  });
});
