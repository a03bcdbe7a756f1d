// Activations and their derivatives, each derived and written by hand.
// Elementwise ones: dZ = dA ⊙ σ'(Z). Softmax mixes a row, so its backward is
// the Jacobian-vector product dZ_j = p_j (dA_j - Σ_k p_k dA_k).
import { DTypeError } from "../../autograd/errors.js";
import { type Matrix, precisionOf, zeroMatrix } from "./matrix.js";

export type ManualActivation = "identity" | "relu" | "leakyRelu" | "sigmoid" | "tanh" | "softplus" | "softmax";

export const MANUAL_ACTIVATIONS: readonly ManualActivation[] = ["identity", "relu", "leakyRelu", "sigmoid", "tanh", "softplus", "softmax"];

/** PyTorch's default negative slope for LeakyReLU. */
export const DEFAULT_LEAKY_SLOPE = 0.01;

/** σ(v) = 1 / (1 + e^-v), in the branch where exp cannot overflow. */
export function sigmoidOf(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** softplus(v) = log(1 + e^v) = max(v, 0) + log(1 + e^-|v|). */
function softplusOf(v: number): number {
  return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

/** Row-wise softmax with the row maximum subtracted first (same value, no overflow). */
export function softmaxRows(z: Matrix): Matrix {
  const p = zeroMatrix(z.rows, z.cols, precisionOf(z.data));
  for (let i = 0; i < z.rows; i++) {
    const row = i * z.cols;
    let max = -Infinity;
    for (let j = 0; j < z.cols; j++) max = Math.max(max, z.data[row + j]!);
    let total = 0;
    for (let j = 0; j < z.cols; j++) total += Math.exp(z.data[row + j]! - max);
    for (let j = 0; j < z.cols; j++) p.data[row + j] = Math.exp(z.data[row + j]! - max) / total;
  }
  return p;
}

function checkActivation(fn: string, name: string): asserts name is ManualActivation {
  if (!(MANUAL_ACTIVATIONS as readonly string[]).includes(name)) {
    throw new DTypeError(fn, `unknown activation "${name}"; expected one of ${MANUAL_ACTIVATIONS.join(", ")}`);
  }
}

/** A = σ(Z). */
export function activate(name: ManualActivation, z: Matrix, leakySlope = DEFAULT_LEAKY_SLOPE): Matrix {
  checkActivation("activate", name);
  if (name === "softmax") return softmaxRows(z);
  const a = zeroMatrix(z.rows, z.cols, precisionOf(z.data));
  for (let i = 0; i < z.data.length; i++) {
    const v = z.data[i]!;
    switch (name) {
      case "identity": a.data[i] = v; break;
      case "relu": a.data[i] = v > 0 ? v : 0; break;
      case "leakyRelu": a.data[i] = v > 0 ? v : leakySlope * v; break;
      case "sigmoid": a.data[i] = sigmoidOf(v); break;
      case "tanh": a.data[i] = Math.tanh(v); break;
      case "softplus": a.data[i] = softplusOf(v); break;
    }
  }
  return a;
}

/**
 * σ'(z) of an elementwise activation, given z and its output a = σ(z):
 * identity' = 1, relu' = [z > 0], leakyRelu' = z > 0 ? 1 : slope,
 * sigmoid' = s(1 - s), tanh' = 1 - tanh², softplus' = sigmoid(z).
 */
export function derivative(name: Exclude<ManualActivation, "softmax">, z: number, a: number, leakySlope = DEFAULT_LEAKY_SLOPE): number {
  switch (name) {
    case "identity": return 1;
    case "relu": return z > 0 ? 1 : 0;
    case "leakyRelu": return z > 0 ? 1 : leakySlope;
    case "sigmoid": return a * (1 - a);
    case "tanh": return 1 - a * a;
    case "softplus": return sigmoidOf(z);
  }
}

/** dZ from dA through A = σ(Z): dA ⊙ σ'(Z), or softmax's Jacobian-vector product. */
export function activationBackward(name: ManualActivation, z: Matrix, a: Matrix, dA: Matrix, leakySlope = DEFAULT_LEAKY_SLOPE): Matrix {
  checkActivation("activationBackward", name);
  const dZ = zeroMatrix(z.rows, z.cols, precisionOf(dA.data));
  if (name === "softmax") {
    for (let i = 0; i < z.rows; i++) {
      const row = i * z.cols;
      let dot = 0;
      for (let j = 0; j < z.cols; j++) dot += a.data[row + j]! * dA.data[row + j]!;
      for (let j = 0; j < z.cols; j++) dZ.data[row + j] = a.data[row + j]! * (dA.data[row + j]! - dot);
    }
    return dZ;
  }
  for (let i = 0; i < z.data.length; i++) dZ.data[i] = dA.data[i]! * derivative(name, z.data[i]!, a.data[i]!, leakySlope);
  return dZ;
}
