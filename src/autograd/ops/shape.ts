// Shape and data-movement ops. reshape shares its input's buffer (a view, with
// the same version counter); the others copy. Each backward is the inverse
// movement: expand's is a sum (done by the engine's un-broadcast), slice's is a
// zero-padded copy, indexSelect's is a scatter-add.
import { broadcastTo } from "../../kernels/elementwise.js";
import { copyRows, copyValues, gatherAxis, ownCopy, permuteCopy, scatterAddAxis } from "../../kernels/layout.js";
import { type Shape, broadcastShapes, sameShape, sizeOf } from "../../kernels/shape.js";
import { onTape } from "../../kernels/tape.js";
import { DTypeError, ShapeError, formatShape } from "../errors.js";
import { type Node, record } from "../graph.js";
import { type DType, Tensor, checkShape } from "../tensor.js";
import { type RecordedOp, type UnrecordedOp, emptyLike, expectTensor, normalizeAxis, promote, reducedAxes } from "./common.js";

/** A slice along `axis` of an input of `shape`: elements [start, end). */
interface Range { readonly shape: Shape; readonly axis: number; readonly start: number; readonly end: number }
/** An index selection along `axis` of an input of `shape`. */
interface Selection { readonly shape: Shape; readonly axis: number; readonly indices: Int32Array }
/** Where each concatenated input starts along `axis` of the output, how far it extends, and which were skipped (1-D empty). */
interface Parts { readonly axis: number; readonly starts: readonly number[]; readonly extents: readonly number[]; readonly skipped: readonly boolean[] }

export const shapeOps = {
  reshape: {
    gradient: "g reshaped to the input's shape",
    // A view: the output shares the input's buffer and version counter.
    forward: (x: Tensor, shape: Shape): Tensor => x.withShape(shape),
    backward: (g: Tensor, _n: Node, inputShape: Shape) => [g.reshape(inputShape)],
  },
  expand: {
    gradient: "g summed over the expanded axes",
    forward: (x: Tensor, shape: Shape): Tensor => {
      const out = emptyLike("expand", x.dtype, shape);
      broadcastTo(x.data, x.shape, out.data, out.shape);
      return out;
    },
    // The engine sums a gradient over the axes its input was broadcast along.
    backward: (g: Tensor) => [g],
  },
  permute: {
    gradient: "g permuted by the inverse permutation",
    forward: (x: Tensor, order: readonly number[]): Tensor => {
      const out = emptyLike("permute", x.dtype, order.map((d) => x.shape[d]!));
      permuteCopy(x.data, x.shape, order, out.data);
      return out;
    },
    backward: (g: Tensor, _n: Node, order: readonly number[]) => {
      const inverse = new Array<number>(order.length);
      order.forEach((d, i) => { inverse[d] = i; });
      return [permute(g, inverse)];
    },
  },
  slice: {
    gradient: "g placed in the sliced range of zeros (padSlice)",
    forward: (x: Tensor, r: Range): Tensor => {
      const [outer, extent, inner] = around(r.shape, r.axis);
      const width = (r.end - r.start) * inner;
      const shape = [...r.shape];
      shape[r.axis] = r.end - r.start;
      const out = emptyLike("slice", x.dtype, shape);
      copyRows(x.data, r.start * inner, extent * inner, out.data, 0, width, outer, width);
      return out;
    },
    backward: (g: Tensor, _n: Node, r: Range) => [padSlice(g, r)],
  },
  padSlice: {
    gradient: "g sliced back to the range",
    // slice's gradient: g placed at [start, end) along axis of zeros shaped like slice's input.
    forward: (g: Tensor, r: Range): Tensor => {
      const [outer, extent, inner] = around(r.shape, r.axis);
      const width = (r.end - r.start) * inner;
      const out = emptyLike("padSlice", g.dtype, r.shape);
      copyRows(g.data, 0, width, out.data, r.start * inner, extent * inner, outer, width);
      return out;
    },
    backward: (gg: Tensor, _n: Node, r: Range) => [slice(gg, r.axis, r.start, r.end)],
  },
  concat: {
    gradient: "each input: its slice of g",
    forward: (tensors: readonly Tensor[], shape: Shape, dtype: DType, p: Parts): Tensor => {
      const out = emptyLike("concat", dtype, shape);
      const [outer, extent, inner] = around(shape, p.axis);
      tensors.forEach((t, i) => {
        if (p.skipped[i]) return;
        const width = p.extents[i]! * inner;
        copyRows(t.data, 0, width, out.data, p.starts[i]! * inner, extent * inner, outer, width);
      });
      return out;
    },
    backward: (g: Tensor, n: Node, p: Parts) =>
      p.starts.map((start, i) => (!n.needs(i) ? null : p.skipped[i] ? emptyLike("concat", g.dtype, [0]) : slice(g, p.axis, start, start + p.extents[i]!))),
  },
  indexSelect: {
    gradient: "g scatter-added into zeros at the indices (repeats accumulate)",
    forward: (x: Tensor, s: Selection): Tensor => {
      const [outer, extent, inner] = around(s.shape, s.axis);
      const shape = [...s.shape];
      shape[s.axis] = s.indices.length;
      const out = emptyLike("indexSelect", x.dtype, shape);
      gatherAxis(x.data, outer, extent, inner, s.indices, out.data);
      return out;
    },
    backward: (g: Tensor, _n: Node, s: Selection) => [indexAdd(g, s)],
  },
  indexAdd: {
    gradient: "source: g gathered at the indices",
    // indexSelect's gradient: zeros shaped like its input with g's slices added at the indices.
    forward: (g: Tensor, s: Selection): Tensor => {
      const [outer, extent, inner] = around(s.shape, s.axis);
      const out = emptyLike("indexAdd", g.dtype, s.shape);
      scatterAddAxis(g.data, outer, extent, inner, s.indices, out.data);
      return out;
    },
    backward: (gg: Tensor, _n: Node, s: Selection) => [indexSelect(gg, s.indices, s.axis)],
  },
  clone: {
    gradient: "g",
    forward: (x: Tensor): Tensor => new Tensor(ownCopy(x.data), x.shape),
    backward: (g: Tensor) => [g],
  },
  cast: {
    gradient: "g cast back to the input's dtype",
    forward: (x: Tensor, dtype: DType): Tensor => {
      const out = emptyLike("to", dtype, x.shape);
      copyValues(x.data, out.data);
      return out;
    },
    // The engine casts a gradient to its input's dtype.
    backward: (g: Tensor) => [g],
  },
  flatten: { gradient: "composite: reshape", forward: flatten },
  squeeze: { gradient: "composite: reshape", forward: squeeze },
  unsqueeze: { gradient: "composite: reshape", forward: unsqueeze },
  transpose: { gradient: "composite: permute", forward: transpose },
  mT: { gradient: "composite: permute (the last two axes swapped)", forward: matrixTranspose },
  T: { gradient: "composite: permute (every axis reversed)", forward: reversedAxes },
  stack: { gradient: "composite: unsqueeze + concat", forward: stack },
} satisfies Record<string, RecordedOp | UnrecordedOp>;

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor("reshape", x);
  const target = [...shape];
  const inferred = target.indexOf(-1);
  if (inferred !== -1) {
    if (target.indexOf(-1, inferred + 1) !== -1) throw new ShapeError("reshape", `only one dimension can be -1, got ${formatShape(shape)}`, [x.shape, shape]);
    const known = sizeOf(target.filter((_, i) => i !== inferred));
    if (known === 0) {
      // PyTorch's rule: with the others multiplying to 0, no size for -1 gives a nonempty tensor, and every size gives an empty one.
      const why = x.size === 0 ? "every size fits the -1: give that dimension explicitly" : `no size for the -1 holds ${x.size} elements`;
      throw new ShapeError("reshape", `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}: the other dimensions multiply to 0, so ${why}`, [x.shape, shape]);
    }
    if (x.size % known !== 0) {
      throw new ShapeError("reshape", `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}: ${x.size} is not a multiple of ${known}`, [x.shape, shape]);
    }
    target[inferred] = x.size / known;
  }
  checkShape("reshape", target);
  if (sizeOf(target) !== x.size) {
    throw new ShapeError("reshape", `cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(target)} (${sizeOf(target)} elements)`, [x.shape, target]);
  }
  return record("reshape", [x], shapeOps.reshape.forward(x, target), shapeOps.reshape.backward, x.shape);
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
  if (x.ndim === 0) {
    reducedAxes("squeeze", axis, x.shape);
    return reshape(x, []);
  }
  const d = normalizeAxis("squeeze", axis, x.shape);
  // An axis whose size is not 1 stays, as in torch.squeeze(x, dim).
  return reshape(x, x.shape.filter((size, i) => i !== d || size !== 1));
}

/** Insert an axis of size 1 at position axis (in [-ndim-1, ndim]). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const d = normalizeAxis("unsqueeze", axis, x.shape, 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Broadcast x to `shape` (NumPy rules), copying. */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  expectTensor("expand", x);
  if (!Array.isArray(sizes)) checkShape("expand", sizes); // throws: not a list of sizes
  // -1 keeps the input's size in that position, as in torch.expand; a new leading axis needs a real size.
  const lead = sizes.length - x.ndim;
  const shape = sizes.map((size, i) => {
    if (size !== -1) return size;
    if (i < lead) throw new ShapeError("expand", `size -1 at position ${i} of ${formatShape(sizes)} is a new leading axis of ${formatShape(x.shape)}: -1 keeps an existing size, so give this one`, [x.shape, sizes]);
    return x.shape[i - lead]!;
  });
  checkShape("expand", shape);
  const target = broadcastShapes(x.shape, shape);
  if (target === null || !sameShape(target, shape)) {
    throw new ShapeError("expand", `cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}: each dimension must match or be 1, aligned from the right`, [x.shape, shape]);
  }
  return record("expand", [x], shapeOps.expand.forward(x, [...shape]), shapeOps.expand.backward);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  expectTensor("permute", x);
  if (dims.length !== x.ndim) throw new ShapeError("permute", `expected ${x.ndim} dims for ${formatShape(x.shape)}, got [${dims.join(",")}]`, [x.shape]);
  const order = dims.map((d) => normalizeAxis("permute", d, x.shape));
  if (new Set(order).size !== order.length) throw new ShapeError("permute", `[${dims.join(",")}] is not a permutation of the axes of ${formatShape(x.shape)}`, [x.shape]);
  return record("permute", [x], shapeOps.permute.forward(x, order), shapeOps.permute.backward, order);
}

/** Swap axes dim0 and dim1, as torch.transpose (both required; `.mT` swaps the last two). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  expectTensor("transpose", x);
  if (typeof dim0 !== "number" || typeof dim1 !== "number") {
    const given = [dim0, dim1].filter((d) => d !== undefined).join(", ");
    throw new ShapeError("transpose", `needs two axes, transpose(dim0, dim1) as in PyTorch, got transpose(${given}); for the matrix transpose use .mT (the last two axes) or .T (a 2-D tensor)`, [x.shape]);
  }
  // As in PyTorch, a 0-d tensor takes the axes of a 1-d one (0 or -1).
  const axes = x.ndim === 0 ? [1] : x.shape;
  const a = normalizeAxis("transpose", dim0, axes);
  const b = normalizeAxis("transpose", dim1, axes);
  if (a === b) return reshape(x, x.shape);
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/** The last two axes swapped (torch's `.mT`): a matrix, or a batch of them. */
export function matrixTranspose(x: Tensor): Tensor {
  expectTensor("mT", x);
  if (x.ndim < 2) throw new ShapeError("mT", `needs a matrix or a batch of matrices (at least 2 dimensions), got ${formatShape(x.shape)}`, [x.shape]);
  return transpose(x, -2, -1);
}

/** torch's `.T`: every axis reversed (the transpose of a 2-D tensor; a 0-d or 1-d tensor as it is). */
export function reversedAxes(x: Tensor): Tensor {
  expectTensor("T", x);
  if (x.ndim < 2) return reshape(x, x.shape);
  return permute(x, x.shape.map((_, i) => x.ndim - 1 - i));
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
  const r: Range = { shape: x.shape, axis: d, start: from, end: to };
  return record("slice", [x], shapeOps.slice.forward(x, r), shapeOps.slice.backward, r);
}

function padSlice(g: Tensor, r: Range): Tensor {
  return record("padSlice", [g], shapeOps.padSlice.forward(g, r), shapeOps.padSlice.backward, r);
}

/**
 * Join tensors along an existing axis; all other dimensions must match. As in
 * PyTorch, a 1-D empty tensor (shape [0]) joins anything: it is skipped.
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!(tensors?.length > 0)) throw new ShapeError("concat", "expected a non-empty list of tensors");
  tensors.forEach((t, i) => expectTensor("concat", t, `element ${i}`));
  const skipped = tensors.map((t) => t.ndim === 1 && t.shape[0] === 0);
  const first = tensors.find((_, i) => !skipped[i]) ?? tensors[0]!;
  const d = normalizeAxis("concat", axis, first.shape);
  let dtype: DType = first.dtype;
  const starts: number[] = [];
  const extents: number[] = [];
  let extent = 0;
  tensors.forEach((t, i) => {
    const fits = skipped[i] || (t.ndim === first.ndim && t.shape.every((v, j) => j === d || v === first.shape[j]));
    if (!fits) {
      throw new ShapeError("concat", `cannot concatenate ${tensors.map((x) => formatShape(x.shape)).join(", ")} along axis ${axis}: all dimensions except axis ${axis} must match`, tensors.map((x) => x.shape));
    }
    starts.push(extent);
    extents.push(skipped[i] ? 0 : t.shape[d]!);
    extent += extents[i]!;
    dtype = promote(dtype, t.dtype);
  });
  const shape = [...first.shape];
  shape[d] = extent;
  const p: Parts = { axis: d, starts, extents, skipped };
  return record("concat", tensors, shapeOps.concat.forward(tensors, shape, dtype, p), shapeOps.concat.backward, p);
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
  // On a captured step's tape: every replay reads (and checks) the indices as they are then.
  onTape(() => {
    for (let i = 0; i < out.length; i++) {
      const v = indices[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= extent) {
        throw new ShapeError(op, `index ${v} (position ${i}) is out of range for axis ${axis} of size ${extent} in ${formatShape(shape)}`, [shape]);
      }
      out[i] = v;
    }
  });
  return out;
}

/** Rows (slices along `axis`, default 0) of x at the given indices; repeats allowed. */
export function indexSelect(x: Tensor, indices: ArrayLike<number>, axis = 0): Tensor {
  expectTensor("indexSelect", x);
  const d = normalizeAxis("indexSelect", axis, x.shape);
  const s: Selection = { shape: x.shape, axis: d, indices: checkIndices("indexSelect", indices, x.shape[d]!, axis, x.shape) };
  return record("indexSelect", [x], shapeOps.indexSelect.forward(x, s), shapeOps.indexSelect.backward, s);
}

function indexAdd(g: Tensor, s: Selection): Tensor {
  return record("indexAdd", [g], shapeOps.indexAdd.forward(g, s), shapeOps.indexAdd.backward, s);
}

export function clone(x: Tensor): Tensor {
  expectTensor("clone", x);
  return record("clone", [x], shapeOps.clone.forward(x), shapeOps.clone.backward);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor("to", x);
  if (dtype !== "float32" && dtype !== "float64") throw new DTypeError("to", `unknown dtype "${String(dtype)}", expected "float32" or "float64"`);
  if (x.dtype === dtype) return x;
  return record("cast", [x], shapeOps.cast.forward(x, dtype), shapeOps.cast.backward);
}
