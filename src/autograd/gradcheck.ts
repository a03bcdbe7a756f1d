// Numerical gradient checking in float64 with central differences, as
// PyTorch's gradcheck does. Each input is perturbed element by element; the
// analytic gradient comes from grad(). A non-scalar output is reduced with a
// fixed random upstream gradient, which checks the vector-Jacobian product.
import { DTypeError, ShapeError } from "./errors.js";
import { grad } from "./engine.js";
import { noGrad, withGradMode } from "./graph.js";
import { createRng, normalSample } from "./random.js";
import { Tensor } from "./tensor.js";

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Pass when every input's relative error is below this... */
  tolerance?: number;
  /**
   * ...or its largest absolute error is below this: where the true gradient is
   * exactly 0, both sides are rounding noise and their relative error means nothing.
   */
  atol?: number;
  /** Seed of the random upstream gradient for non-scalar outputs. */
  seed?: number;
}

export interface InputCheck {
  /** Largest |analytic - numerical| over the input's elements. */
  maxAbsError: number;
  /** Flat index of that element. */
  worstIndex: number;
  /** ||analytic - numerical|| / (||analytic|| + ||numerical||), 0 when both are 0. */
  relativeError: number;
  analytic: Float64Array;
  numerical: Float64Array;
  /** This input's verdict: relative error below tolerance, or largest absolute error below atol. */
  passed: boolean;
}

export interface GradcheckResult {
  passed: boolean;
  /** One entry per input, in order; null for inputs that do not require grad. */
  inputs: (InputCheck | null)[];
  maxRelativeError: number;
}

type Fn = (...inputs: Tensor[]) => Tensor;

function upstreamFor(output: Tensor, seed: number): Tensor {
  const rng = createRng(seed);
  const data = new Float64Array(output.size);
  for (let i = 0; i < data.length; i++) data[i] = normalSample(rng);
  return new Tensor(data, output.shape);
}

/** Scalar objective: sum(fn(inputs) * upstream). */
function objective(fn: Fn, inputs: Tensor[], upstream: Tensor): number {
  const out = noGrad(() => fn(...inputs));
  let s = 0;
  for (let i = 0; i < out.data.length; i++) s += out.data[i]! * upstream.data[i]!;
  return s;
}

export function gradientErrors(analytic: Float64Array, numerical: Float64Array): Omit<InputCheck, "analytic" | "numerical" | "passed"> {
  let maxAbsError = 0, worstIndex = -1, diff2 = 0, a2 = 0, n2 = 0;
  for (let i = 0; i < analytic.length; i++) {
    const d = analytic[i]! - numerical[i]!;
    // A NaN difference is the worst there is: keep the first one (no later |d| can exceed NaN to replace it).
    if (!Number.isNaN(maxAbsError) && !(Math.abs(d) <= maxAbsError)) { maxAbsError = Math.abs(d); worstIndex = i; }
    diff2 += d * d;
    a2 += analytic[i]! ** 2;
    n2 += numerical[i]! ** 2;
  }
  const denom = Math.sqrt(a2) + Math.sqrt(n2);
  const relativeError = denom === 0 ? Math.sqrt(diff2) : Math.sqrt(diff2) / denom;
  return { maxAbsError, worstIndex, relativeError };
}

/**
 * Compare autograd's gradient of fn with central differences, per input.
 * Inputs must be float64; only those with requiresGrad are checked.
 */
export function gradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const tolerance = options.tolerance ?? 1e-6;
  const atol = options.atol ?? 1e-8;
  inputs.forEach((x, i) => {
    if (x.dtype !== "float64") throw new DTypeError("gradcheck", `input ${i} is ${x.dtype}; gradcheck needs float64 inputs for central differences to be accurate`);
  });
  const checked = inputs.filter((x) => x.requiresGrad);
  if (checked.length === 0) throw new ShapeError("gradcheck", "no input requires grad: nothing to check");
  const output = fn(...inputs);
  if (!output.requiresGrad) throw new ShapeError("gradcheck", "the function's output does not depend on any input that requires grad");
  const upstream = upstreamFor(output, options.seed ?? 0);
  const analytic = grad(output, checked, { gradOutputs: [upstream], allowUnused: true });

  const results = inputs.map((x) => {
    if (!x.requiresGrad) return null;
    const g = analytic[checked.indexOf(x)];
    const a = new Float64Array(x.size);
    if (g) a.set(g.data);
    const numerical = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const original = x.data[i]!;
      x.data[i] = original + eps;
      const plus = objective(fn, [...inputs], upstream);
      x.data[i] = original - eps;
      const minus = objective(fn, [...inputs], upstream);
      x.data[i] = original;
      numerical[i] = (plus - minus) / (2 * eps);
    }
    const errors = gradientErrors(a, numerical);
    return { ...errors, analytic: a, numerical, passed: errors.relativeError < tolerance || errors.maxAbsError < atol };
  });
  const maxRelativeError = Math.max(...results.map((r) => r?.relativeError ?? 0));
  const passed = results.every((r) => r === null || r.passed);
  return { passed, inputs: results, maxRelativeError };
}

/**
 * Check second derivatives: the gradient of fn (built with createGraph) is
 * itself checked by gradcheck, contracted with a fixed random vector.
 */
export function gradgradcheck(fn: Fn, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckResult {
  const seed = options.seed ?? 0;
  // Recording stays on inside, even when gradcheck evaluates this under noGrad.
  const firstOrder: Fn = (...xs) => withGradMode(true, () => {
    const out = fn(...xs);
    const upstream = upstreamFor(out, seed + 1);
    const wrt = xs.filter((x) => x.requiresGrad);
    const grads = grad(out, wrt, { gradOutputs: [upstream], createGraph: true, allowUnused: true });
    let total: Tensor | null = null;
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      if (!g) continue;
      const term = g.mul(upstreamFor(wrt[i]!, seed + 2 + i)).sum();
      total = total === null ? term : total.add(term);
    }
    if (total === null) throw new ShapeError("gradgradcheck", "no input receives a gradient");
    return total;
  });
  return gradcheck(firstOrder, inputs, options);
}
