// Central differences of the manual loss, and the measures used to compare
// two gradients. Neither needs autograd: this is the third, independent
// opinion next to the hand-derived and the automatic gradient.
import { DTypeError, ShapeError } from "../../autograd/errors.js";
import type { FloatArray } from "../../kernels/shape.js";
import type { ManualLoss } from "./losses.js";
import type { ManualMLP } from "./mlp.js";

export interface NumericalGradients {
  /** weight[l][o * in + k] ≈ ∂L/∂W_l[o][k]. */
  readonly weight: Float64Array[];
  /** bias[l][o] ≈ ∂L/∂b_l[o], null for a layer without bias. */
  readonly bias: (Float64Array | null)[];
}

/** (L(w + ε) - L(w - ε)) / 2ε for every element, perturbing the net's own buffers and restoring them. */
function centralDifferences(buffer: FloatArray, lossAt: () => number, eps: number): Float64Array {
  const out = new Float64Array(buffer.length);
  for (let i = 0; i < buffer.length; i++) {
    const original = buffer[i]!;
    buffer[i] = original + eps;
    const plus = lossAt();
    buffer[i] = original - eps;
    const minus = lossAt();
    buffer[i] = original;
    out[i] = (plus - minus) / (2 * eps);
  }
  return out;
}

/** Numerical gradient of every parameter of a float64 ManualMLP; eps = 1e-5 as in 001 (smaller steps drown small gradients in rounding). */
export function numericalGradients(net: ManualMLP, x: FloatArray, y: FloatArray, loss: ManualLoss, eps = 1e-5): NumericalGradients {
  if (net.dtype !== "float64") throw new DTypeError("numericalGradients", `the net is ${net.dtype}; central differences need float64 to be accurate`);
  const lossAt = (): number => net.loss(x, y, loss);
  return {
    weight: net.layers.map((layer) => centralDifferences(layer.weight, lossAt, eps)),
    bias: net.layers.map((layer) => (layer.bias === null ? null : centralDifferences(layer.bias, lossAt, eps))),
  };
}

export interface GradientDifference {
  /** max_i |a_i - b_i|. */
  readonly maxAbsDiff: number;
  /** maxAbsDiff / max_i max(|a_i|, |b_i|): the worst difference relative to the gradient's scale (0 when both are 0). */
  readonly maxRelDiff: number;
  /** ||a - b|| / (||a|| + ||b||), 001's gradient-check measure (0 when both are 0). */
  readonly relativeError: number;
  /** ||a - b||. */
  readonly distance: number;
  /** ||a||, the first gradient's L2 norm. */
  readonly norm: number;
}

export function gradientDifference(a: ArrayLike<number>, b: ArrayLike<number>): GradientDifference {
  if (a.length !== b.length) throw new ShapeError("gradientDifference", `gradients have ${a.length} and ${b.length} elements`);
  let maxAbsDiff = 0, scale = 0, diff2 = 0, a2 = 0, b2 = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    // NaN must not hide: !(d <= max) is true for NaN.
    if (!(d <= maxAbsDiff)) maxAbsDiff = d;
    scale = Math.max(scale, Math.abs(a[i]!), Math.abs(b[i]!));
    diff2 += d * d;
    a2 += a[i]! ** 2;
    b2 += b[i]! ** 2;
  }
  const denominator = Math.sqrt(a2) + Math.sqrt(b2);
  return {
    maxAbsDiff,
    maxRelDiff: scale === 0 ? maxAbsDiff : maxAbsDiff / scale,
    relativeError: denominator === 0 ? Math.sqrt(diff2) : Math.sqrt(diff2) / denominator,
    distance: Math.sqrt(diff2),
    norm: Math.sqrt(a2),
  };
}

/** Rounding error allowed per loss evaluation, in units of |L| ε (float64's ε = 2^-52): a few ulps of a loss summed over a batch. */
const ULPS_PER_EVALUATION = 4;

/**
 * The smallest ||numerical - exact|| central differences can promise for a
 * tensor of `elements` gradient elements: each difference quotient
 * (L(w + h) - L(w - h)) / 2h carries the two evaluations' rounding errors,
 * about ULPS_PER_EVALUATION · ε · |L| each, divided by 2h; over the tensor
 * they add up as sqrt(elements) independent errors. A gradient (or a
 * difference from it) below this is invisible to the check. Measured on
 * MLPs of depth 1 to 20: ||numerical - autograd|| stayed below 0.6 of
 * sqrt(elements) · ε · |L| / h wherever the loss is smooth.
 */
export function centralDifferenceResolution(loss: number, eps: number, elements: number): number {
  return (ULPS_PER_EVALUATION * Number.EPSILON * Math.max(Math.abs(loss), Number.MIN_VALUE) * Math.sqrt(elements)) / eps;
}

/**
 * What a gradient check says about one parameter: "pass" (central
 * differences and the manual formulas both agree with autograd), "resolution"
 * (the manual formulas agree, and central differences differ by no more than
 * their rounding noise: the gradient is below what they can resolve), or a
 * failure naming which check autograd disagrees with.
 */
export type GradientVerdict = "pass" | "resolution" | "differs from manual" | "differs from numerical";

export function gradientVerdict(check: { numerical: GradientDifference; manual: GradientDifference; resolution: number; threshold: number }): GradientVerdict {
  const { numerical, manual, resolution, threshold } = check;
  if (!(manual.relativeError < threshold)) return "differs from manual";
  if (numerical.relativeError < threshold) return "pass";
  return numerical.distance <= resolution ? "resolution" : "differs from numerical";
}
