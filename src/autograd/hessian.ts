// Second derivatives of a scalar loss without forming the Hessian: H v by
// double backward (the gradient is built as a graph, then its dot product
// with v is differentiated), and the Hessian's largest eigenvalue by power
// iteration on those products: the "sharpness" of a minimum.
import { grad } from "./engine.js";
import { DTypeError, GraphError, ShapeError, formatShape } from "./errors.js";
import { withGradMode } from "./graph.js";
import { type Rng, createRng, normalSample } from "./random.js";
import { Tensor } from "./tensor.js";

function checkLoss(op: string, loss: Tensor, params: readonly Tensor[]): void {
  if (!(loss instanceof Tensor) || loss.size !== 1) {
    throw new ShapeError(op, `the loss must be a scalar tensor, got ${loss instanceof Tensor ? `shape ${formatShape(loss.shape)}` : String(loss)}`);
  }
  if (params.length === 0) throw new ShapeError(op, "no parameters: pass the tensors the loss is a function of (e.g. model.parameters())");
  if (!loss.requiresGrad) throw new GraphError(op, "the loss has no graph: compute it from parameters that require grad, outside noGrad");
}

/**
 * Check a list of tensors meant to lie in parameter space (a Hessian-vector
 * product's v, a landscape's direction or origin): one per parameter, shaped
 * like it, every value finite. `what` names the list in the error.
 */
export function checkLikeParameters(op: string, params: readonly Tensor[], tensors: readonly Tensor[], what: string): void {
  if (tensors.length !== params.length) throw new ShapeError(op, `${what} has ${tensors.length} tensors for ${params.length} parameters; pass one per parameter, shaped like it`);
  tensors.forEach((t, i) => {
    const p = params[i]!;
    if (!(t instanceof Tensor) || t.shape.length !== p.shape.length || t.shape.some((d, k) => d !== p.shape[k])) {
      const got = t instanceof Tensor ? formatShape(t.shape) : String(t);
      throw new ShapeError(op, `${what}[${i}] has shape ${got}, but parameter ${i}${p.name ? ` (${p.name})` : ""} has ${formatShape(p.shape)}`, t instanceof Tensor ? [t.shape, p.shape] : [p.shape]);
    }
    if (!t.data.every(Number.isFinite)) throw new DTypeError(op, `${what}[${i}] holds a value that is not a finite number`);
  });
}

/**
 * The Hessian of a scalar loss as an operator: `gradient` is its gradient (a
 * graph, built once), `times(v)` is H v for one tensor per parameter. The
 * loss's graph is kept, so `times` can be called any number of times.
 */
export interface HessianOperator {
  readonly gradient: readonly Tensor[];
  times(v: readonly Tensor[]): Tensor[];
}

export function hessianOperator(loss: Tensor, params: readonly Tensor[]): HessianOperator {
  checkLoss("hessianOperator", loss, params);
  // allowUnused: a parameter the loss does not reach has a zero gradient, and zero rows in H.
  const gradient = grad(loss, params, { createGraph: true, retainGraph: true, allowUnused: true });
  const zero = (i: number) => new Tensor(params[i]!.dtype === "float64" ? new Float64Array(params[i]!.size) : new Float32Array(params[i]!.size), params[i]!.shape);
  const used = gradient.map((g, i) => (g !== null && g.requiresGrad ? i : -1)).filter((i) => i >= 0);
  return {
    gradient: gradient.map((g, i) => (g === null ? zero(i) : g)),
    times(v) {
      checkLikeParameters("hessianOperator.times", params, v, "v");
      // g · v summed over every parameter; its gradient is H v (H is symmetric).
      // Recorded even when called inside noGrad: the product's graph is what is differentiated.
      const dot = withGradMode(true, () => {
        let total: Tensor | null = null;
        for (const i of used) {
          const term = gradient[i]!.mul(v[i]!).sum();
          total = total === null ? term : total.add(term);
        }
        return total;
      });
      // A loss linear in every parameter (or reaching none) has H = 0.
      if (dot === null) return params.map((_, i) => zero(i));
      const products = grad(dot, params, { retainGraph: true, allowUnused: true });
      return products.map((h, i) => (h === null ? zero(i) : h.detach()));
    },
  };
}

/**
 * Hessian-vector product H v of a scalar loss with respect to params, by
 * double backward; v holds one tensor per parameter, shaped like it. The
 * loss's graph is kept (call hvp again with another v, or use
 * hessianOperator to build the gradient once for many products).
 */
export function hvp(loss: Tensor, params: readonly Tensor[], v: readonly Tensor[]): Tensor[] {
  checkLikeParameters("hvp", params, v, "v");
  return hessianOperator(loss, params).times(v);
}

export interface EigenOptions {
  /** Most products H v per power iteration (default 100; a second iteration may follow, see topHessianEigenvalue). */
  maxIterations?: number;
  /** Stop when the residual ||H v - λ v|| is at most this times |λ| (default 1e-4). */
  tolerance?: number;
  /** Seed of the random start vector (or pass rng); default 0. */
  seed?: number | string;
  rng?: Rng;
}

export interface EigenResult {
  /** The largest eigenvalue of H (the most positive; negative only if H has no positive one). */
  value: number;
  /** Its unit eigenvector, one tensor per parameter. */
  vector: Tensor[];
  /** Products H v taken, over both iterations when a second was needed. */
  iterations: number;
  /** Whether the residual fell within the tolerance before maxIterations. */
  converged: boolean;
}

type Vector = Float64Array[];

const dot = (a: Vector, b: Vector): number => a.reduce((s, x, k) => s + x.reduce((t, v, i) => t + v * b[k]![i]!, 0), 0);
const norm = (a: Vector): number => Math.sqrt(dot(a, a));
const scaled = (a: Vector, f: number): Vector => a.map((x) => x.map((v) => v * f));

/**
 * Power iteration on H v from a seeded random start. It finds the eigenvalue
 * largest in magnitude; when that one is negative, or a negative and a
 * positive one of nearly equal magnitude keep it from settling, it runs again
 * on H + ρ I (ρ the spectral radius it measured), whose eigenvalues are all
 * >= 0 and whose largest is then H's largest plus ρ.
 */
export function topHessianEigenvalue(loss: Tensor, params: readonly Tensor[], options: EigenOptions = {}): EigenResult {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-4;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new DTypeError("topHessianEigenvalue", `maxIterations must be an integer >= 1, got ${String(maxIterations)}`);
  if (!(tolerance > 0)) throw new DTypeError("topHessianEigenvalue", `tolerance must be a number > 0, got ${String(tolerance)}`);
  const operator = hessianOperator(loss, params);
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const start: Vector = params.map((p) => Float64Array.from({ length: p.size }, () => normalSample(rng)));
  const apply = (v: Vector): Vector => {
    const products = operator.times(v.map((x, k) => new Tensor(params[k]!.dtype === "float64" ? Float64Array.from(x) : Float32Array.from(x), params[k]!.shape)));
    return products.map((h) => Float64Array.from(h.data));
  };
  let result = powerIteration(apply, start, maxIterations, tolerance);
  if (!(result.converged && result.value >= 0)) {
    const shift = result.radius;
    const second = powerIteration((v) => apply(v).map((h, k) => h.map((x, i) => x + shift * v[k]![i]!)), start, maxIterations, tolerance);
    result = { ...second, value: second.value - shift, iterations: result.iterations + second.iterations };
  }
  return {
    value: result.value,
    vector: result.vector.map((x, k) => new Tensor(params[k]!.dtype === "float64" ? x : Float32Array.from(x), params[k]!.shape)),
    iterations: result.iterations,
    converged: result.converged,
  };
}

interface PowerResult {
  /** The Rayleigh quotient v·Hv of the last unit vector. */
  value: number;
  vector: Vector;
  /** ||H v|| of the last unit vector: the spectral radius, once v has settled. */
  radius: number;
  iterations: number;
  converged: boolean;
}

function powerIteration(apply: (v: Vector) => Vector, start: Vector, maxIterations: number, tolerance: number): PowerResult {
  let v = scaled(start, 1 / norm(start));
  let value = NaN, radius = NaN;
  for (let k = 1; k <= maxIterations; k++) {
    const w = apply(v);
    value = dot(v, w); // the Rayleigh quotient: v is a unit vector
    radius = norm(w);
    if (!Number.isFinite(radius)) throw new DTypeError("topHessianEigenvalue", `H v is not finite at iteration ${k}: the loss or its second derivatives overflow at these parameters`);
    if (radius === 0) return { value: 0, vector: v, radius, iterations: k, converged: true };
    const residual = norm(w.map((x, k) => x.map((h, i) => h - value * v[k]![i]!)));
    if (residual <= tolerance * Math.abs(value)) return { value, vector: v, radius, iterations: k, converged: true };
    v = scaled(w, 1 / radius);
  }
  return { value, vector: v, radius, iterations: maxIterations, converged: false };
}
