// Ways to make a leaf tensor. Every one validates what a user can get wrong:
// ragged nesting, non-numbers, data that does not fit the shape, bad dimensions.
import { type FloatArray, sizeOf } from "../kernels/shape.js";
import { draws, onTape } from "../kernels/tape.js";
import { DTypeError, ShapeError, formatShape } from "./errors.js";
import { type Rng, defaultRng, normalSample } from "./random.js";
import { allocateFor } from "./ops/common.js";
import { type DType, type NestedArray, Tensor, checkShape, dtypeOf } from "./tensor.js";

export interface TensorOptions {
  /** "float32" (default, as in PyTorch) or "float64". A Float64Array input defaults to float64. */
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface TensorDataOptions extends TensorOptions {
  /** Shape for flat data (a typed array or a flat list); defaults to [length]. */
  shape?: readonly number[];
}

export interface RandomOptions extends TensorOptions {
  /** Generator to draw from; defaults to the global one that manualSeed resets. */
  rng?: Rng;
}

type NumericArrayLike = ArrayLike<number>;

/** A tensor from nested arrays or a flat typed array / list (with `shape`). The data is copied. */
export function tensor(data: NestedArray | NumericArrayLike, options: TensorDataOptions = {}): Tensor {
  const isTyped = ArrayBuffer.isView(data);
  const dtype = dtypeOf(options.dtype, data instanceof Float64Array ? "float64" : "float32");
  let values: FloatArray;
  let shape: readonly number[];
  if (isTyped) {
    values = allocateFor("tensor", dtype, [(data as NumericArrayLike).length]);
    values.set(data as unknown as ArrayLike<number>);
    shape = options.shape ?? [values.length];
  } else {
    const inferred = inferShape(data as NestedArray);
    values = allocateFor("tensor", dtype, inferred);
    flattenInto(data as NestedArray, inferred, values);
    if (options.shape !== undefined) {
      if (inferred.length > 1) throw new ShapeError("tensor", `pass either nested arrays or flat data with a shape, not both (got nested ${formatShape(inferred)} and shape ${formatShape(options.shape)})`);
      shape = options.shape;
    } else {
      shape = inferred;
    }
  }
  checkShape("tensor", shape);
  if (sizeOf(shape) !== values.length) {
    throw new ShapeError("tensor", `data has ${values.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`, [shape]);
  }
  return new Tensor(values, [...shape], options.requiresGrad ?? false);
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0]!;
  }
  return shape;
}

/** Copy nested data into `out` in row-major order, checking every level has the inferred length. */
function flattenInto(data: NestedArray, shape: readonly number[], out: FloatArray): void {
  // Iterative walk: a stack of (array, depth, position) frames.
  let written = 0;
  const arrays: NestedArray[][] = [];
  const positions: number[] = [];
  const path = (): string => `[${positions.map((p) => p - 1).join(",")}]`;
  if (!Array.isArray(data)) {
    out[0] = checkNumber(data, "[]");
    return;
  }
  arrays.push(data);
  positions.push(0);
  while (arrays.length > 0) {
    const depth = arrays.length - 1;
    const arr = arrays[depth]!;
    const i = positions[depth]!;
    if (i >= arr.length) { arrays.pop(); positions.pop(); continue; }
    positions[depth] = i + 1;
    const item = arr[i]!;
    if (depth === shape.length - 1) {
      if (Array.isArray(item)) throw new ShapeError("tensor", `ragged nested array: element at ${path()} is an array, expected a number at depth ${shape.length}`, [shape]);
      out[written++] = checkNumber(item, path());
    } else {
      if (!Array.isArray(item) || item.length !== shape[depth + 1]) {
        const got = Array.isArray(item) ? `length ${item.length}` : `a ${typeof item}`;
        throw new ShapeError("tensor", `ragged nested array: element at ${path()} has ${got}, expected length ${shape[depth + 1]} (shape ${formatShape(shape)} from the first elements)`, [shape]);
      }
      arrays.push(item);
      positions.push(0);
    }
  }
}

function checkNumber(value: unknown, where: string): number {
  if (typeof value !== "number") throw new DTypeError("tensor", `element at ${where} is ${value === null ? "null" : `a ${typeof value}`}, expected a number`);
  return value;
}

function filled(op: string, shape: readonly number[], value: number, options: TensorOptions): Tensor {
  checkShape(op, shape);
  const data = allocateFor(op, dtypeOf(options.dtype, "float32"), shape);
  if (value !== 0) data.fill(value);
  return new Tensor(data, [...shape], options.requiresGrad ?? false);
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled("zeros", shape, 0, options);
}

export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return filled("ones", shape, 1, options);
}

export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled("full", shape, value, options);
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

/** Identity matrix of n rows and m (default n) columns. */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  const t = filled("eye", [n, m], 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** start, start + step, ... up to but excluding end (arange(n) counts 0..n-1). */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new ShapeError("arange", `step must be a non-zero finite number, got ${step}`);
  const count = Math.max(0, Math.ceil((to - from) / step));
  const t = filled("arange", [count], 0, options);
  for (let i = 0; i < count; i++) t.data[i] = from + i * step;
  return t;
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ShapeError("linspace", `steps must be a non-negative integer, got ${steps}`);
  const t = filled("linspace", [steps], 0, options);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) t.data[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = filled("rand", shape, 0, options);
  // On a captured step's tape: each replay draws afresh from the generator rand would use then.
  onTape(() => {
    const draw = draws(options.rng ?? defaultRng());
    const d = t.data;
    for (let i = 0; i < d.length; i++) d[i] = draw();
  }, t.data);
  return t;
}

/** Standard normal samples. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = filled("randn", shape, 0, options);
  onTape(() => {
    const draw = draws(options.rng ?? defaultRng());
    const d = t.data;
    for (let i = 0; i < d.length; i++) d[i] = normalSample(draw);
  }, t.data);
  return t;
}
