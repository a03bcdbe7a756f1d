// Reductions. sum, max and min are primitives with their own backward; mean,
// logsumexp, softmax and logSoftmax are composed from primitives (as tinygrad
// does), so their gradients come for free and stay differentiable.
import { extremeAxes, markPositions, positionsAlongAxis, sumAxes, zeroNonFinite } from "../../kernels/reduce.js";
import { type Shape, stridesOf } from "../../kernels/shape.js";
import { type Node, record, willRecord } from "../graph.js";
import { ShapeError, formatShape } from "../errors.js";
import type { Axis, Tensor } from "../tensor.js";
import { where } from "./elementwise.js";
import { type RecordedOp, type UnrecordedOp, emptyLike, expectTensor, normalizeAxis, reducedAxes, reducedShape } from "./common.js";

/** A reduction of an input of `shape` over the axes d where `reduced[d]`. */
interface Reduction { readonly shape: Shape; readonly reduced: readonly boolean[]; readonly keepdim: boolean }
/** max/min also keep, per output element, the flat input index of the element selected (filled by forward). */
interface Selection extends Reduction { readonly argIndex: Int32Array }

export const reduceOps = {
  sum: {
    gradient: "g broadcast back over the reduced axes",
    forward: (x: Tensor, r: Reduction): Tensor => {
      const out = emptyLike("sum", x.dtype, reducedShape(x.shape, r.reduced, r.keepdim), willRecord(x));
      sumAxes(x.data, x.shape, r.reduced, out.data);
      return out;
    },
    backward: (g: Tensor, _n: Node, r: Reduction) => [expandBack(g, r)],
  },
  max: {
    gradient: "g routed to the selected element (the first maximal one, or the first NaN); 0 elsewhere",
    forward: (x: Tensor, s: Selection): Tensor => select(x, s, false),
    backward: (g: Tensor, _n: Node, s: Selection) => [routeToSelected("max", g, s)],
  },
  min: {
    gradient: "g routed to the selected element (the first minimal one, or the first NaN); 0 elsewhere",
    forward: (x: Tensor, s: Selection): Tensor => select(x, s, true),
    backward: (g: Tensor, _n: Node, s: Selection) => [routeToSelected("min", g, s)],
  },
  mean: { gradient: "composite: sum(x, axis) / count", forward: mean },
  logsumexp: { gradient: "composite: m + log(sum(exp(x - m))), m = max(x) held constant; gives g * softmax(x)", forward: logsumexp },
  softmax: { gradient: "composite: exp(x - logsumexp(x, axis))", forward: softmax },
  logSoftmax: { gradient: "composite: x - logsumexp(x, axis)", forward: logSoftmax },
  argmax: { gradient: "none (returns indices, not recorded)", forward: argmax },
  argmin: { gradient: "none (returns indices, not recorded)", forward: argmin },
} satisfies Record<string, RecordedOp | UnrecordedOp>;

/** Broadcast a reduction's gradient back to the input's shape. */
function expandBack(g: Tensor, r: Reduction): Tensor {
  return g.reshape(reducedShape(r.shape, r.reduced, true)).expand(r.shape);
}

/** g at the selected elements, exactly 0 elsewhere (even where g is infinite). */
function routeToSelected(op: "max" | "min", g: Tensor, s: Selection): Tensor {
  const mask = emptyLike(op, g.dtype, s.shape);
  markPositions(s.argIndex, mask.data);
  return where(mask, expandBack(g, s), 0);
}

function select(x: Tensor, s: Selection, takeMin: boolean): Tensor {
  const values = emptyLike(takeMin ? "min" : "max", x.dtype, reducedShape(x.shape, s.reduced, s.keepdim));
  extremeAxes(x.data, x.shape, s.reduced, values.data, s.argIndex, takeMin);
  return values;
}

export function sum(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  expectTensor("sum", x);
  const r: Reduction = { shape: x.shape, reduced: reducedAxes("sum", axis, x.shape), keepdim };
  return record("sum", [x], reduceOps.sum.forward(x, r), reduceOps.sum.backward, r);
}

/** The checked selection of max/min over `axis`, with room for the selected indices. */
function selection(op: "max" | "min" | "argmax" | "argmin", x: Tensor, axis: Axis, keepdim: boolean): Selection {
  expectTensor(op, x);
  const reduced = reducedAxes(op, axis, x.shape);
  x.shape.forEach((d, i) => {
    if (reduced[i] && d === 0) throw new ShapeError(op, `cannot reduce over axis ${i} of size 0 in ${formatShape(x.shape)}: the ${op} of nothing is undefined`, [x.shape]);
  });
  return { shape: x.shape, reduced, keepdim, argIndex: new Int32Array(sizeOfReduced(x.shape, reduced)) };
}

function sizeOfReduced(shape: Shape, reduced: readonly boolean[]): number {
  return shape.reduce((size, d, i) => (reduced[i] ? size : size * d), 1);
}

function extremeWithGrad(op: "max" | "min", x: Tensor, axis: Axis, keepdim: boolean): Tensor {
  const s = selection(op, x, axis, keepdim);
  return record(op, [x], reduceOps[op].forward(x, s), reduceOps[op].backward, s);
}

export const max = (x: Tensor, axis?: Axis, keepdim = false): Tensor => extremeWithGrad("max", x, axis, keepdim);
export const min = (x: Tensor, axis?: Axis, keepdim = false): Tensor => extremeWithGrad("min", x, axis, keepdim);

/** Index of the maximum along `axis` (of the flattened tensor when axis is undefined), as a float tensor. */
export function argmax(x: Tensor, axis?: number, keepdim = false): Tensor {
  return argExtreme("argmax", x, axis, keepdim);
}

export function argmin(x: Tensor, axis?: number, keepdim = false): Tensor {
  return argExtreme("argmin", x, axis, keepdim);
}

function argExtreme(op: "argmax" | "argmin", x: Tensor, axis: number | undefined, keepdim: boolean): Tensor {
  // A 0-d tensor's axis 0 (or -1) is the whole tensor, as in PyTorch.
  if (axis !== undefined && x.ndim === 0) reducedAxes(op, axis, x.shape);
  const d = axis === undefined || x.ndim === 0 ? undefined : normalizeAxis(op, axis, x.shape);
  const s = selection(op, x, d, keepdim);
  const values = select(x, s, op === "argmin");
  const stride = d === undefined ? 1 : stridesOf(x.shape)[d]!;
  const extent = d === undefined ? x.size : x.shape[d]!;
  positionsAlongAxis(s.argIndex, stride, extent, values.data);
  return values;
}

export function mean(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  const reduced = reducedAxes("mean", axis, x.shape);
  let count = 1;
  x.shape.forEach((d, i) => { if (reduced[i]) count *= d; });
  return sum(x, axis, keepdim).div(count);
}

export function logsumexp(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  expectTensor("logsumexp", x);
  const reduced = reducedAxes("logsumexp", axis, x.shape);
  // The shift m is a constant: d/dx of m + log(sum(exp(x - m))) is softmax(x) whatever m is.
  // An empty axis has no max, and needs none: its sum is 0, and log 0 = -Infinity (as in PyTorch).
  const empty = x.shape.some((d, i) => reduced[i] && d === 0);
  const m = empty ? emptyLike("logsumexp", x.dtype, reducedShape(x.shape, reduced, true)) : select(x, selection("max", x, axis, true), false);
  zeroNonFinite(m.data);
  const out = x.sub(m).exp().sum(axis, true).log().add(m);
  return keepdim ? out : out.reshape(reducedShape(x.shape, reduced, false));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  reducedAxes("softmax", axis, x.shape);
  return x.sub(logsumexp(x, axis, true)).exp();
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  reducedAxes("logSoftmax", axis, x.shape);
  return x.sub(logsumexp(x, axis, true));
}
