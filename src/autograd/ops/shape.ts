// Shape and data-movement ops. reshape shares its input's buffer (a view, with
// the same version counter); the others copy. Each backward is the inverse
// movement: expand's is a sum (done by the engine's un-broadcast), slice's is a
// zero-padded copy, indexSelect's is a scatter-add.
import { broadcastTo } from "../../kernels/elementwise.js";
import { copyRows, gatherAxis, permuteCopy, scatterAddAxis } from "../../kernels/layout.js";
import { type Shape, broadcastShapes, sameShape, sizeOf } from "../../kernels/shape.js";
import { DTypeError, ShapeError, formatShape } from "../errors.js";
import { record } from "../graph.js";
import { type DType, Tensor, checkShape } from "../tensor.js";
import { emptyLike, expectTensor, normalizeAxis, promote } from "./common.js";

export const shapeOps = {
  reshape: { gradient: "g reshaped to the input's shape" },
  expand: { gradient: "g summed over the expanded axes" },
  permute: { gradient: "g permuted by the inverse permutation" },
  slice: { gradient: "g placed in the sliced range of zeros (padSlice)" },
  padSlice: { gradient: "g sliced back to the range" },
  concat: { gradient: "each input: its slice of g" },
  indexSelect: { gradient: "g scatter-added into zeros at the indices (repeats accumulate)" },
  indexAdd: { gradient: "source: g gathered at the indices" },
  clone: { gradient: "g" },
  cast: { gradient: "g cast back to the input's dtype" },
  flatten: { gradient: "composite: reshape" },
  squeeze: { gradient: "composite: reshape" },
  unsqueeze: { gradient: "composite: reshape" },
  transpose: { gradient: "composite: permute" },
  stack: { gradient: "composite: unsqueeze + concat" },
} as const;

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor("reshape", x);
  const target = [...shape];
  const inferred = target.indexOf(-1);
  if (inferred !== -1) {
    if (target.indexOf(-1, inferred + 1) !== -1) throw new ShapeError("reshape", `only one dimension can be -1, got ${formatShape(shape)}`, [x.shape, shape]);
    const known = sizeOf(target.filter((_, i) => i !== inferred));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError("reshape", `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}: ${x.size} is not a multiple of ${known}`, [x.shape, shape]);
    }
    target[inferred] = x.size / known;
  }
  checkShape("reshape", target);
  if (sizeOf(target) !== x.size) {
    throw new ShapeError("reshape", `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(target)} (${sizeOf(target)} elements)`, [x.shape, target]);
  }
  const inputShape = x.shape;
  return record("reshape", [x], x.withShape(target), (g) => [g.reshape(inputShape)]);
}

export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis("flatten", startAxis, x.shape);
  const e = normalizeAxis("flatten", endAxis, x.shape);
  if (s > e) throw new ShapeError("flatten", `start axis ${startAxis} comes after end axis ${endAxis} in ${formatShape(x.shape)}`, [x.shape]);
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/** Remove axis (which must have size 1), or every axis of size 1. */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeAxis("squeeze", axis, x.shape);
  if (x.shape[d] !== 1) throw new ShapeError("squeeze", `axis ${axis} of ${formatShape(x.shape)} has size ${x.shape[d]}, expected 1`, [x.shape]);
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

/** Insert an axis of size 1 at position axis (in [-ndim-1, ndim]). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const d = normalizeAxis("unsqueeze", axis, x.shape, 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Broadcast x to `shape` (NumPy rules), copying. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor("expand", x);
  checkShape("expand", shape);
  const target = broadcastShapes(x.shape, shape);
  if (target === null || !sameShape(target, shape)) {
    throw new ShapeError("expand", `cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}: each dimension must match or be 1, aligned from the right`, [x.shape, shape]);
  }
  const out = emptyLike(x.dtype, [...shape]);
  broadcastTo(x.data, x.shape, out.data, out.shape);
  return record("expand", [x], out, (g) => [g]);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  expectTensor("permute", x);
  if (dims.length !== x.ndim) throw new ShapeError("permute", `expected ${x.ndim} dims for ${formatShape(x.shape)}, got [${dims.join(",")}]`, [x.shape]);
  const order = dims.map((d) => normalizeAxis("permute", d, x.shape));
  if (new Set(order).size !== order.length) throw new ShapeError("permute", `[${dims.join(",")}] is not a permutation of the axes of ${formatShape(x.shape)}`, [x.shape]);
  const out = emptyLike(x.dtype, order.map((d) => x.shape[d]!));
  permuteCopy(x.data, x.shape, order, out.data);
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => { inverse[d] = i; });
  return record("permute", [x], out, (g) => [permute(g, inverse)]);
}

/** Swap two axes (the last two by default: the matrix transpose). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  if (x.ndim < 2) throw new ShapeError("transpose", `needs at least 2 dimensions, got ${formatShape(x.shape)}`, [x.shape]);
  const a = normalizeAxis("transpose", axis0, x.shape);
  const b = normalizeAxis("transpose", axis1, x.shape);
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/** [outer, extent, inner] view of a shape around one axis. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** Elements start..end-1 along axis (negative positions count from the end). */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  expectTensor("slice", x);
  const d = normalizeAxis("slice", axis, x.shape);
  const extent = x.shape[d]!;
  const from = start < 0 ? start + extent : start;
  const to = end === undefined ? extent : end < 0 ? end + extent : end;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > extent || from > to) {
    throw new ShapeError("slice", `range [${start}, ${end ?? extent}) is out of bounds for axis ${axis} of size ${extent} in ${formatShape(x.shape)}`, [x.shape]);
  }
  const [outer, , inner] = around(x.shape, d);
  const shape = [...x.shape];
  shape[d] = to - from;
  const out = emptyLike(x.dtype, shape);
  copyRows(x.data, from * inner, extent * inner, out.data, 0, (to - from) * inner, outer, (to - from) * inner);
  const inputShape = x.shape;
  return record("slice", [x], out, (g) => [padSlice(g, inputShape, d, from)]);
}

/** slice's gradient: g placed at [start, start + g.shape[axis]) along axis of zeros shaped like the input. */
function padSlice(g: Tensor, shape: Shape, axis: number, start: number): Tensor {
  const [outer, extent, inner] = around(shape, axis);
  const width = g.shape[axis]! * inner;
  const out = emptyLike(g.dtype, shape);
  copyRows(g.data, 0, width, out.data, start * inner, extent * inner, outer, width);
  return record("padSlice", [g], out, (gg) => [slice(gg, axis, start, start + g.shape[axis]!)]);
}

/** Join tensors along an existing axis; all other dimensions must match. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!(tensors?.length > 0)) throw new ShapeError("concat", "expected a non-empty list of tensors");
  tensors.forEach((t, i) => expectTensor("concat", t, `element ${i}`));
  const first = tensors[0]!;
  const d = normalizeAxis("concat", axis, first.shape);
  let extent = 0;
  let dtype: DType = first.dtype;
  for (const t of tensors) {
    const fits = t.ndim === first.ndim && t.shape.every((v, i) => i === d || v === first.shape[i]);
    if (!fits) {
      throw new ShapeError("concat", `cannot concatenate ${tensors.map((x) => formatShape(x.shape)).join(", ")} along axis ${axis}: all dimensions except axis ${axis} must match`, tensors.map((x) => x.shape));
    }
    extent += t.shape[d]!;
    dtype = promote(dtype, t.dtype);
  }
  const shape = [...first.shape];
  shape[d] = extent;
  const out = emptyLike(dtype, shape);
  const [outer, , inner] = around(shape, d);
  const starts: number[] = [];
  let at = 0;
  for (const t of tensors) {
    starts.push(at);
    const width = t.shape[d]! * inner;
    copyRows(t.data, 0, width, out.data, at * inner, extent * inner, outer, width);
    at += t.shape[d]!;
  }
  return record("concat", tensors, out, (g, node) =>
    tensors.map((t, i) => (node.needs(i) ? slice(g, d, starts[i]!, starts[i]! + t.shape[d]!) : null)));
}

/** Join tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!(tensors?.length > 0)) throw new ShapeError("stack", "expected a non-empty list of tensors");
  const first = expectTensor("stack", tensors[0], "element 0");
  tensors.forEach((t, i) => {
    expectTensor("stack", t, `element ${i}`);
    if (!sameShape(t.shape, first.shape)) throw new ShapeError("stack", `all tensors must have one shape, got ${formatShape(first.shape)} and ${formatShape(t.shape)} (element ${i})`, [first.shape, t.shape]);
  });
  const d = normalizeAxis("stack", axis, first.shape, 1);
  return concat(tensors.map((t) => unsqueeze(t, d)), d);
}

function checkIndices(op: string, indices: ArrayLike<number>, extent: number, axis: number, shape: Shape): Int32Array {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= extent) {
      throw new ShapeError(op, `index ${v} (position ${i}) is out of range for axis ${axis} of size ${extent} in ${formatShape(shape)}`, [shape]);
    }
    out[i] = v;
  }
  return out;
}

/** Rows (slices along `axis`, default 0) of x at the given indices; repeats allowed. */
export function indexSelect(x: Tensor, indices: ArrayLike<number>, axis = 0): Tensor {
  expectTensor("indexSelect", x);
  const d = normalizeAxis("indexSelect", axis, x.shape);
  const [outer, extent, inner] = around(x.shape, d);
  const idx = checkIndices("indexSelect", indices, extent, axis, x.shape);
  const shape = [...x.shape];
  shape[d] = idx.length;
  const out = emptyLike(x.dtype, shape);
  gatherAxis(x.data, outer, extent, inner, idx, out.data);
  const inputShape = x.shape;
  return record("indexSelect", [x], out, (g) => [indexAdd(g, inputShape, d, idx)]);
}

/** indexSelect's gradient: zeros shaped like the input with g's slices added at the indices. */
function indexAdd(g: Tensor, shape: Shape, axis: number, idx: Int32Array): Tensor {
  const [outer, extent, inner] = around(shape, axis);
  const out = emptyLike(g.dtype, shape);
  scatterAddAxis(g.data, outer, extent, inner, idx, out.data);
  return record("indexAdd", [g], out, (gg) => [indexSelect(gg, idx, axis)]);
}

export function clone(x: Tensor): Tensor {
  expectTensor("clone", x);
  return record("clone", [x], new Tensor(x.data.slice(), x.shape), (g) => [g]);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor("to", x);
  if (dtype !== "float32" && dtype !== "float64") throw new DTypeError("to", `unknown dtype "${String(dtype)}", expected "float32" or "float64"`);
  if (x.dtype === dtype) return x;
  const out = emptyLike(dtype, x.shape);
  out.data.set(x.data);
  // The engine casts the gradient back to the input's dtype.
  return record("cast", [x], out, (g) => [g]);
}
