// Losses and the output error δ_L = ∂ℓ/∂Z_L, derived by hand.
//
// Every loss is a mean over the m samples of a per-sample loss ℓ_i, so
// L = (1/m) Σ_i ℓ_i, and δ_L holds ∂ℓ_i/∂Z_L row by row; the 1/m is applied
// once, in dW = δᵀA/m and db = Σ_i δ_i / m. With k outputs per sample
// (a = A_L, y = target, z = Z_L, p = softmax of the logits):
//
//   loss              ℓ_i                                         ∂ℓ_i/∂a
//   mse               (1/k) Σ_j (a - y)²                          2 (a - y) / k
//   halfSquaredError  ½ Σ_j (a - y)²   (001's 1/(2m) ||Ŷ - Y||²)  a - y
//   bce               -(1/k) Σ_j [y log a + (1 - y) log(1 - a)]   (a - y) / (a (1 - a)) / k
//   bceWithLogits     (1/k) Σ_j [max(a,0) - a y + log(1 + e^-|a|)] (σ(a) - y) / k
//   crossEntropy      -Σ_j y log p,  p = softmax(logits)          ∂ℓ/∂logits = p Σ_j y - y
//
// Then δ_L = ∂ℓ/∂a ⊙ σ'(z) for any output activation (softmax: its
// Jacobian-vector product). With the identity output σ' = 1, so δ = ∂ℓ/∂a:
// a - y for halfSquaredError (001), 2 (a - y) / k for mse, (σ(z) - y) / k for
// bceWithLogits, p Σ_j y - y for crossEntropy on logits. Two pairs simplify:
//   sigmoid + bce:          σ'(z) = a (1 - a) cancels the denominator: δ = (a - y) / k
//   softmax + crossEntropy: the softmax is the loss's own, so the logits are Z_L
//                           and δ = p Σ_j y - y = A_L - Y for one-hot targets.
// For crossEntropy after any other activation, A_L are the logits (PyTorch's
// semantics). bce clamps its logs at -100 as PyTorch does; a clamped term has
// zero gradient, except through the simplified sigmoid + bce rule, which is the
// gradient of the unclamped loss (they differ only where a log is clamped: in
// float64, z > 36.7 where σ(z) rounds to 1, or z < -100).
import { DTypeError, ShapeError } from "../../autograd/errors.js";
import { type ManualActivation, activationBackward, sigmoidOf, softmaxRows } from "./activations.js";
import { type Matrix, precisionOf, zeroMatrix } from "./matrix.js";

export type ManualLoss = "mse" | "halfSquaredError" | "bce" | "bceWithLogits" | "crossEntropy";

export const MANUAL_LOSSES: readonly ManualLoss[] = ["mse", "halfSquaredError", "bce", "bceWithLogits", "crossEntropy"];

/** What the loss sees of the last layer. */
export interface OutputLayer {
  readonly z: Matrix;
  readonly a: Matrix;
  readonly activation: ManualActivation;
  readonly leakySlope?: number;
}

export interface OutputDelta {
  /** δ_L = ∂ℓ_i/∂Z_L per sample (row). */
  readonly delta: Matrix;
  /** ∂ℓ_i/∂A_L when the general chain rule was used; null for a simplified pair. */
  readonly dA: Matrix | null;
  /** The formula that produced δ_L (A = A_L, Y = target, k outputs), for explanations. */
  readonly rule: string;
}

const LOG_FLOOR = -100;

function clampedLog(v: number): number {
  return Math.max(Math.log(v), LOG_FLOOR);
}

function checkLoss(fn: string, loss: string, out: OutputLayer, target: Matrix): asserts loss is ManualLoss {
  if (!(MANUAL_LOSSES as readonly string[]).includes(loss)) {
    throw new DTypeError(fn, `unknown loss "${loss}"; expected one of ${MANUAL_LOSSES.join(", ")}`);
  }
  if (target.rows !== out.a.rows || target.cols !== out.a.cols) {
    throw new ShapeError(fn, `target is [${target.rows},${target.cols}] but the network's output is [${out.a.rows},${out.a.cols}]; pass one target row per sample (one-hot rows for crossEntropy)`, [[target.rows, target.cols], [out.a.rows, out.a.cols]]);
  }
}

/** The matrix crossEntropy takes log-softmax of: Z_L when the output activation is softmax, else A_L. */
function logitsOf(out: OutputLayer): Matrix {
  return out.activation === "softmax" ? out.z : out.a;
}

/** L = (1/m) Σ_i ℓ_i. */
export function lossValue(loss: ManualLoss, out: OutputLayer, target: Matrix): number {
  checkLoss("lossValue", loss, out, target);
  const { rows: m, cols: k } = target;
  const a = out.a.data, y = target.data;
  let total = 0;
  if (loss === "crossEntropy") {
    const logits = logitsOf(out);
    for (let i = 0; i < m; i++) {
      const row = i * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, logits.data[row + j]!);
      let sumExp = 0;
      for (let j = 0; j < k; j++) sumExp += Math.exp(logits.data[row + j]! - max);
      const logSumExp = max + Math.log(sumExp);
      for (let j = 0; j < k; j++) total -= y[row + j]! * (logits.data[row + j]! - logSumExp);
    }
    return total / m;
  }
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!, yi = y[i]!;
    switch (loss) {
      case "mse": total += (ai - yi) ** 2 / k; break;
      case "halfSquaredError": total += 0.5 * (ai - yi) ** 2; break;
      case "bce": total -= (yi * clampedLog(ai) + (1 - yi) * clampedLog(1 - ai)) / k; break;
      case "bceWithLogits": total += (Math.max(ai, 0) - ai * yi + Math.log1p(Math.exp(-Math.abs(ai)))) / k; break;
    }
  }
  return total / m;
}

/** ∂ℓ_i/∂a of each loss as text (crossEntropy: with respect to its logits). */
const LOSS_GRADIENT_TEXT: Record<ManualLoss, string> = {
  mse: "2 (A - Y) / k",
  halfSquaredError: "A - Y",
  bce: "(A - Y) / (A (1 - A)) / k",
  bceWithLogits: "(sigmoid(A) - Y) / k",
  crossEntropy: "softmax(A) Σy - Y",
};

/** ∂ℓ_i/∂A_L (for crossEntropy: with respect to its logits), row by row. */
function lossGradient(loss: ManualLoss, out: OutputLayer, target: Matrix): Matrix {
  const { rows: m, cols: k } = target;
  const g = zeroMatrix(m, k, precisionOf(out.a.data));
  const y = target.data;
  if (loss === "crossEntropy") {
    const p = softmaxRows(logitsOf(out));
    for (let i = 0; i < m; i++) {
      const row = i * k;
      let targetMass = 0;
      for (let j = 0; j < k; j++) targetMass += y[row + j]!;
      for (let j = 0; j < k; j++) g.data[row + j] = p.data[row + j]! * targetMass - y[row + j]!;
    }
    return g;
  }
  const a = out.a.data;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!, yi = y[i]!;
    switch (loss) {
      case "mse": g.data[i] = (2 * (ai - yi)) / k; break;
      case "halfSquaredError": g.data[i] = ai - yi; break;
      case "bce": {
        const fromPositive = Math.log(ai) > LOG_FLOOR ? -yi / ai : 0;
        const fromNegative = Math.log(1 - ai) > LOG_FLOOR ? (1 - yi) / (1 - ai) : 0;
        g.data[i] = (fromPositive + fromNegative) / k;
        break;
      }
      case "bceWithLogits": g.data[i] = (sigmoidOf(ai) - yi) / k; break;
    }
  }
  return g;
}

/** True for the pairs whose δ_L skips ∂ℓ/∂A_L: sigmoid + bce, softmax + crossEntropy. */
export function isSimplifiedPair(loss: ManualLoss, outputActivation: ManualActivation): boolean {
  return (loss === "bce" && outputActivation === "sigmoid") || (loss === "crossEntropy" && outputActivation === "softmax");
}

/** δ_L = ∂ℓ_i/∂Z_L, by the simplified rule of the pair when there is one. */
export function outputDelta(loss: ManualLoss, out: OutputLayer, target: Matrix): OutputDelta {
  checkLoss("outputDelta", loss, out, target);
  if (isSimplifiedPair(loss, out.activation)) {
    // softmax + crossEntropy: the loss's own gradient with respect to its logits Z_L.
    if (loss === "crossEntropy") return { delta: lossGradient(loss, out, target), dA: null, rule: "A Σy - Y" };
    const k = target.cols;
    const delta = zeroMatrix(target.rows, k, precisionOf(out.a.data));
    for (let i = 0; i < delta.data.length; i++) delta.data[i] = (out.a.data[i]! - target.data[i]!) / k;
    return { delta, dA: null, rule: k === 1 ? "A - Y" : "(A - Y) / k" };
  }
  const dA = lossGradient(loss, out, target);
  const delta = activationBackward(out.activation, out.z, out.a, dA, out.leakySlope);
  const gradient = LOSS_GRADIENT_TEXT[loss];
  if (out.activation === "identity") return { delta, dA, rule: gradient };
  if (out.activation === "softmax") return { delta, dA, rule: `softmax Jacobian-vector product of ${gradient}` };
  return { delta, dA, rule: `(${gradient}) ⊙ ${out.activation}'(Z)` };
}
