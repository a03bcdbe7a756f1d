// The four matrix products of batch backprop, written as plain loops so each
// reads like its formula. Samples are ROWS: a batch of m samples with n
// features is an [m, n] row-major matrix. These loops share no code with the
// autograd kernels on purpose: the reference must not inherit their bugs.
import { ShapeError } from "../../autograd/errors.js";
import { type FloatArray, allocate } from "../../kernels/shape.js";

export type Precision = "float32" | "float64";

/** A row-major [rows, cols] matrix over a typed array. */
export interface Matrix {
  readonly data: FloatArray;
  readonly rows: number;
  readonly cols: number;
}

export function zeroMatrix(rows: number, cols: number, dtype: Precision): Matrix {
  return { data: allocate(dtype, rows * cols), rows, cols };
}

export function precisionOf(data: FloatArray): Precision {
  return data instanceof Float64Array ? "float64" : "float32";
}

/** Wrap flat data as a matrix, checking that it has rows * cols elements. */
export function asMatrix(fn: string, what: string, data: FloatArray, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) {
    throw new ShapeError(fn, `${what} has ${data.length} elements but [${rows},${cols}] needs ${rows * cols}`, [[data.length], [rows, cols]]);
  }
  return { data, rows, cols };
}

/** Z = A Wᵀ + b: Z[i][o] = b[o] + Σ_k A[i][k] W[o][k], with W [out, in] as in PyTorch. */
export function linearForward(a: Matrix, weight: Matrix, bias: FloatArray | null): Matrix {
  const z = zeroMatrix(a.rows, weight.rows, precisionOf(weight.data));
  for (let i = 0; i < a.rows; i++) {
    for (let o = 0; o < weight.rows; o++) {
      let s = bias === null ? 0 : bias[o]!;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k]! * weight.data[o * weight.cols + k]!;
      z.data[i * z.cols + o] = s;
    }
  }
  return z;
}

/** dW = δᵀ A / m: dW[o][k] = (1/m) Σ_i δ[i][o] A[i][k]. */
export function weightGradient(delta: Matrix, a: Matrix): Matrix {
  const m = delta.rows;
  const dW = zeroMatrix(delta.cols, a.cols, precisionOf(delta.data));
  for (let o = 0; o < delta.cols; o++) {
    for (let k = 0; k < a.cols; k++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += delta.data[i * delta.cols + o]! * a.data[i * a.cols + k]!;
      dW.data[o * dW.cols + k] = s / m;
    }
  }
  return dW;
}

/** db = column sums of δ / m: the bias gradient sums over samples. */
export function biasGradient(delta: Matrix): FloatArray {
  const m = delta.rows;
  const db = allocate(precisionOf(delta.data), delta.cols);
  for (let o = 0; o < delta.cols; o++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += delta.data[i * delta.cols + o]!;
    db[o] = s / m;
  }
  return db;
}

/** dA = δ W: dA[i][k] = Σ_o δ[i][o] W[o][k] (forward through W, backward through Wᵀ). */
export function inputGradient(delta: Matrix, weight: Matrix): Matrix {
  const dA = zeroMatrix(delta.rows, weight.cols, precisionOf(delta.data));
  for (let i = 0; i < delta.rows; i++) {
    for (let k = 0; k < weight.cols; k++) {
      let s = 0;
      for (let o = 0; o < weight.rows; o++) s += delta.data[i * delta.cols + o]! * weight.data[o * weight.cols + k]!;
      dA.data[i * dA.cols + k] = s;
    }
  }
  return dA;
}
