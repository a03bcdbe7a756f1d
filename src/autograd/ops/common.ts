// Helpers every op file uses: turning plain numbers into tensors, dtype
// promotion, axis normalisation, and fresh output tensors.
import { type FloatArray, type Shape, allocate, sizeOf } from "../../kernels/shape.js";
import { zeroOnReplay } from "../../kernels/tape.js";
import { DTypeError, ShapeError, formatShape } from "../errors.js";
import type { BackwardFn } from "../graph.js";
import { type DType, Tensor } from "../tensor.js";

/**
 * One recorded op: its gradient formula as text (docs/autograd.md's op table is
 * generated from it), its forward (checked arguments in, output out) and its
 * backward rule written with differentiable ops, side by side. `saved` is what
 * the forward's caller keeps for the backward (axes, flags, shapes).
 */
export interface RecordedOp {
  readonly gradient: string;
  readonly forward: (...args: never[]) => Tensor;
  readonly backward: BackwardFn<never>;
}

/** An op that records nothing itself: a composite of recorded ops, or a constant (gradient zero). */
export interface UnrecordedOp {
  readonly gradient: string;
  readonly forward: (...args: never[]) => Tensor;
}

/** A 0-d tensor holding `value` in the given dtype (a plain number never promotes the dtype). */
export function scalar(value: number, dtype: DType): Tensor {
  return new Tensor(dtype === "float64" ? new Float64Array([value]) : new Float32Array([value]), []);
}

export function promote(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}

/** The two operands of a binary op as tensors; at least one must already be a tensor. */
export function operands(op: string, a: Tensor | number, b: Tensor | number): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, scalar(numberOperand(op, b), a.dtype)];
  if (b instanceof Tensor) return [scalar(numberOperand(op, a), b.dtype), b];
  throw new DTypeError(op, "expected at least one tensor operand, got two numbers");
}

function numberOperand(op: string, v: unknown): number {
  if (typeof v !== "number") throw new DTypeError(op, `expected a tensor or a number, got ${v === null ? "null" : typeof v}`);
  return v;
}

export function expectTensor(op: string, v: unknown, what = "input"): Tensor {
  if (!(v instanceof Tensor)) throw new DTypeError(op, `${what} must be a Tensor, got ${v === null ? "null" : typeof v}`);
  return v;
}

/**
 * A zeroed tensor that `op` makes (its output, or a mask); checked by
 * allocateFor. `recorded`: it is the output of an op a graph records (see
 * willRecord), which usually dies with the training step: its buffer is cut
 * from a shared slab (kernels/shape.ts allocate).
 */
export function emptyLike(op: string, dtype: DType, shape: Shape, recorded = false): Tensor {
  const buffer = allocateFor(op, dtype, shape, recorded);
  zeroOnReplay(buffer);
  return new Tensor(buffer, shape);
}

/** The most elements a typed array holds in V8 (Node 20 and later, Chromium); more fail with a bare RangeError. */
const MAX_ELEMENTS = 2 ** 32;

/**
 * A zeroed buffer for a tensor of `shape`. More elements than a typed array can
 * hold, or more bytes than the machine can give, is a ShapeError naming the op,
 * the shape, the count and the limit, not a RangeError from deep inside.
 */
export function allocateFor(op: string, dtype: DType, shape: Shape, shortLived = false): FloatArray {
  const count = sizeOf(shape);
  if (count > MAX_ELEMENTS) {
    throw new ShapeError(op, `${sizeText(shape, count, dtype)}, more than the ${MAX_ELEMENTS} a tensor can hold (the largest typed array); use a smaller shape`, [shape]);
  }
  try {
    return allocate(dtype, count, shortLived);
  } catch (e) {
    if (e instanceof RangeError) throw new ShapeError(op, `${sizeText(shape, count, dtype)}: the memory for it cannot be allocated (${e.message})`, [shape]);
    throw e;
  }
}

function sizeText(shape: Shape, count: number, dtype: DType): string {
  const gib = (count * (dtype === "float64" ? 8 : 4)) / 2 ** 30;
  return `shape ${formatShape(shape)} has ${count} elements (${gib >= 100 ? Math.round(gib) : gib.toPrecision(3)} GiB of ${dtype})`;
}

/** A negative axis counts from the end; anything outside [-ndim, ndim) is an error naming the op. */
export function normalizeAxis(op: string, axis: number, shape: Shape, extra = 0): number {
  const ndim = shape.length + extra;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ShapeError(op, `axis ${axis} is out of range for shape ${formatShape(shape)} (expected an integer in [${-ndim}, ${ndim - 1}])`, [shape]);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Which axes a reduction reduces: `reduced[d]` for each axis d of `shape`. */
export function reducedAxes(op: string, axis: number | readonly number[] | undefined, shape: Shape): boolean[] {
  const reduced = new Array<boolean>(shape.length).fill(axis === undefined);
  if (axis === undefined) return reduced;
  const list = typeof axis === "number" ? [axis] : axis;
  if (shape.length === 0) {
    // As in PyTorch, a 0-d tensor takes axis 0 or -1: its one implicit axis, of size 1, reduces to itself.
    for (const a of list) {
      if (a !== 0 && a !== -1) throw new ShapeError(op, `axis ${a} is out of range for a 0-d tensor (expected 0 or -1)`, [shape]);
    }
    if (list.length > 1) throw new ShapeError(op, `axis 0 appears twice in [${list.join(",")}] for a 0-d tensor`, [shape]);
    return reduced;
  }
  for (const a of list) {
    const d = normalizeAxis(op, a, shape);
    if (reduced[d]) throw new ShapeError(op, `axis ${a} appears twice in [${list.join(",")}]`, [shape]);
    reduced[d] = true;
  }
  return reduced;
}

/** Output shape of a reduction: reduced axes dropped, or kept as 1 with keepdim. */
export function reducedShape(shape: Shape, reduced: readonly boolean[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (!reduced[d]) out.push(shape[d]!);
    else if (keepdim) out.push(1);
  }
  return out;
}
