// What every dataset function shares: the { x, y } pair, seed checks, seeded
// generators, shuffling and gathering rows straight from typed arrays.
import { type DType, type Rng, DagradError, DTypeError, ShapeError, Tensor, createRng, defaultRng, formatShape } from "../autograd/index.js";

/** Samples are rows: x is [n, ...features]; y is [n, 1] (binary) or [n] (class indices), as floats. */
export interface Dataset {
  x: Tensor;
  y: Tensor;
}

export type FloatArray = Float32Array | Float64Array;

/** A seed: the same one gives the same numbers on every machine and run. */
export type Seed = number | string;

export function allocate(dtype: DType | undefined, length: number): FloatArray {
  if (dtype === undefined || dtype === "float32") return new Float32Array(length);
  if (dtype === "float64") return new Float64Array(length);
  throw new DTypeError("datasets", `unknown dtype "${String(dtype)}", expected "float32" or "float64"`);
}

/** A generator from the seed, or the global one (reset by manualSeed) when no seed is given. */
export function rngFor(op: string, seed: Seed | undefined): Rng {
  if (seed === undefined) return defaultRng();
  // NaN or Infinity is a computed seed gone wrong; it would still seed a generator, silently.
  if (!(typeof seed === "string" || (typeof seed === "number" && Number.isFinite(seed)))) {
    throw new DagradError(op, `seed must be a finite number or a string, got ${typeof seed === "number" ? seed : typeof seed}`);
  }
  return createRng(seed);
}

/** The samples in a random order (Fisher-Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, rng);
  return order;
}

export function shuffleInPlace(values: Int32Array, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const held = values[i]!;
    values[i] = values[j]!;
    values[j] = held;
  }
}

/** Number of samples (first axis); x and y must agree on it. */
export function sampleCount(op: string, x: Tensor, y: Tensor): number {
  if (x.ndim < 1 || y.ndim < 1 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(op, `x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same number of samples (first axis)`, [x.shape, y.shape]);
  }
  return x.shape[0]!;
}

/** A new tensor holding the given rows (first-axis entries) of t, in that order: only those rows are copied. */
export function gatherRows(t: Tensor, rows: ArrayLike<number>): Tensor {
  const rowSize = t.shape[0] === 0 ? 0 : t.size / t.shape[0]!;
  const out = t.dtype === "float64" ? new Float64Array(rows.length * rowSize) : new Float32Array(rows.length * rowSize);
  if (rowSize === 1) {
    for (let i = 0; i < rows.length; i++) out[i] = t.data[rows[i]!]!;
  } else {
    for (let i = 0; i < rows.length; i++) {
      const from = rows[i]! * rowSize;
      out.set(t.data.subarray(from, from + rowSize), i * rowSize);
    }
  }
  return new Tensor(out, [rows.length, ...t.shape.slice(1)]);
}

/** Class labels from y shaped [n] or [n, 1]; anything else cannot name one class per sample. */
export function labelValues(op: string, y: Tensor): FloatArray {
  if (!(y.ndim === 1 || (y.ndim === 2 && y.shape[1] === 1))) {
    throw new ShapeError(op, `labels must be shaped [n] or [n,1] (one class per sample), got ${formatShape(y.shape)}; pass class indices, not one-hot rows`, [y.shape]);
  }
  const bad = y.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new DTypeError(op, `label ${bad} is ${y.data[bad]}, expected a finite class value`);
  return y.data;
}
