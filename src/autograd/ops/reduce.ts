// Reductions. sum, max and min are primitives with their own backward; mean,
// logsumexp, softmax and logSoftmax are composed from primitives (as tinygrad
// does), so their gradients come for free and stay differentiable.
import { extremeAxes, sumAxes } from "../../kernels/reduce.js";
import { type Shape, stridesOf } from "../../kernels/shape.js";
import { record } from "../graph.js";
import { ShapeError, formatShape } from "../errors.js";
import type { Axis, Tensor } from "../tensor.js";
import { emptyLike, expectTensor, normalizeAxis, reducedAxes, reducedShape } from "./common.js";

export const reduceOps = {
  sum: { gradient: "g broadcast back over the reduced axes" },
  max: { gradient: "g routed to the selected (first maximal) element; 0 elsewhere" },
  min: { gradient: "g routed to the selected (first minimal) element; 0 elsewhere" },
  mean: { gradient: "composite: sum(x, axis) / count" },
  logsumexp: { gradient: "composite: m + log(sum(exp(x - m))), m = max(x) held constant; gives g * softmax(x)" },
  softmax: { gradient: "composite: exp(x - logsumexp(x, axis))" },
  logSoftmax: { gradient: "composite: x - logsumexp(x, axis)" },
  argmax: { gradient: "none (returns indices, not recorded)" },
  argmin: { gradient: "none (returns indices, not recorded)" },
} as const;

/** Broadcast a reduction's gradient back to the input's shape. */
function expandBack(g: Tensor, inputShape: Shape, reduced: readonly boolean[]): Tensor {
  return g.reshape(reducedShape(inputShape, reduced, true)).expand(inputShape);
}

export function sum(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  expectTensor("sum", x);
  const reduced = reducedAxes("sum", axis, x.shape);
  const out = emptyLike(x.dtype, reducedShape(x.shape, reduced, keepdim));
  sumAxes(x.data, x.shape, reduced, out.data);
  const inputShape = x.shape;
  return record("sum", [x], out, (g) => [expandBack(g, inputShape, reduced)]);
}

function extreme(op: "max" | "min", x: Tensor, axis: Axis, keepdim: boolean): { values: Tensor; argIndex: Int32Array; reduced: boolean[] } {
  expectTensor(op, x);
  const reduced = reducedAxes(op, axis, x.shape);
  x.shape.forEach((d, i) => {
    if (reduced[i] && d === 0) throw new ShapeError(op, `cannot reduce over axis ${i} of size 0 in ${formatShape(x.shape)}: the ${op} of nothing is undefined`, [x.shape]);
  });
  const values = emptyLike(x.dtype, reducedShape(x.shape, reduced, keepdim));
  const argIndex = new Int32Array(values.size);
  extremeAxes(x.data, x.shape, reduced, values.data, argIndex, op === "min");
  return { values, argIndex, reduced };
}

function extremeWithGrad(op: "max" | "min", x: Tensor, axis: Axis, keepdim: boolean): Tensor {
  const { values, argIndex, reduced } = extreme(op, x, axis, keepdim);
  const inputShape = x.shape;
  return record(op, [x], values, (g) => {
    const mask = emptyLike(g.dtype, inputShape);
    for (let i = 0; i < argIndex.length; i++) mask.data[argIndex[i]!] = 1;
    return [expandBack(g, inputShape, reduced).mul(mask)];
  });
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
  const d = axis === undefined ? undefined : normalizeAxis(op, axis, x.shape);
  const { values, argIndex } = extreme(op === "argmax" ? "max" : "min", x, d, keepdim);
  const stride = d === undefined ? 1 : stridesOf(x.shape)[d]!;
  const extent = d === undefined ? x.size : x.shape[d]!;
  for (let i = 0; i < argIndex.length; i++) values.data[i] = Math.floor(argIndex[i]! / stride) % extent;
  return values;
}

export function mean(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  const reduced = reducedAxes("mean", axis, x.shape);
  let count = 1;
  x.shape.forEach((d, i) => { if (reduced[i]) count *= d; });
  return sum(x, axis, keepdim).div(count);
}

export function logsumexp(x: Tensor, axis?: Axis, keepdim = false): Tensor {
  const reduced = reducedAxes("logsumexp", axis, x.shape);
  // The shift m is a constant: d/dx of m + log(sum(exp(x - m))) is softmax(x) whatever m is.
  const m = extreme("max", x, axis, true).values;
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i]!)) m.data[i] = 0;
  const out = x.sub(m).exp().sum(axis, true).log().add(m);
  return keepdim ? out : out.reshape(reducedShape(x.shape, reduced, false));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  normalizeAxis("softmax", axis, x.shape);
  return x.sub(logsumexp(x, axis, true)).exp();
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  normalizeAxis("logSoftmax", axis, x.shape);
  return x.sub(logsumexp(x, axis, true));
}
