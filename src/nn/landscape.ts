// The loss around a set of weights, as Li et al. (2018, "Visualizing the Loss
// Landscape of Neural Nets") draw it: along random directions scaled filter
// by filter to the weights they perturb, so that nets whose weights differ in
// scale (depth, batch norm) get comparable pictures; in 1-D (a slice), in 2-D
// (a surface) and along the straight line between two sets of weights.
import { DTypeError, type Rng, Tensor, noGrad, normalSample } from "../autograd/index.js";
import { checkLikeParameters } from "../autograd/hessian.js";
import { type SeedOptions, resolveRng } from "./seed.js";

export interface DirectionOptions extends SeedOptions {
  /**
   * "filter" (default): each filter of the direction (a row of a weight
   * [out, in], the weights into one unit) gets the norm of that filter in the
   * weights. "none": the plain Gaussian direction.
   */
  normalization?: "filter" | "none";
}

/**
 * A random direction in weight space, one tensor per parameter: Gaussian,
 * then filter-normalised. Parameters of fewer than two dimensions (biases,
 * batch-norm scales and shifts) get a zero direction, as in Li et al.'s
 * pictures: they are left where they are.
 */
export function randomDirection(params: readonly Tensor[], options: DirectionOptions = {}): Tensor[] {
  const normalization = options.normalization ?? "filter";
  if (normalization !== "filter" && normalization !== "none") throw new DTypeError("randomDirection", `normalization must be "filter" or "none", got ${JSON.stringify(normalization)}`);
  const rng: Rng = resolveRng(options);
  return params.map((p) => {
    const d = new Float64Array(p.size);
    if (p.ndim >= 2) {
      for (let i = 0; i < d.length; i++) d[i] = normalSample(rng);
      if (normalization === "filter") normalizeFilters(d, p);
    }
    return new Tensor(p.dtype === "float64" ? d : Float32Array.from(d), p.shape);
  });
}

/** Scale each row (filter) of d to the norm of the same row of w; a zero row of w gets a zero row. */
function normalizeFilters(d: Float64Array, w: Tensor): void {
  const rows = w.shape[0]!;
  const width = rows === 0 ? 0 : w.size / rows;
  for (let r = 0; r < rows; r++) {
    let dn = 0, wn = 0;
    for (let i = r * width; i < (r + 1) * width; i++) {
      dn += d[i]! * d[i]!;
      wn += w.data[i]! * w.data[i]!;
    }
    const f = dn > 0 ? Math.sqrt(wn) / Math.sqrt(dn) : 0;
    for (let i = r * width; i < (r + 1) * width; i++) d[i]! *= f;
  }
}

function checkSteps(op: string, name: string, steps: readonly number[]): void {
  if (steps.length === 0 || !steps.every(Number.isFinite)) throw new DTypeError(op, `${name} must be a non-empty list of finite numbers`);
}

export interface SliceOptions {
  /** Where the line starts (α = 0): one tensor per parameter; default the parameters' current values. */
  origin?: readonly Tensor[];
}

/**
 * The loss along a line in weight space: loss() at origin + α · direction for
 * each α (a 1-D slice of the landscape). With origin = the initial weights and
 * direction = final - initial, α from 0 to 1 is the straight path between them.
 */
export function lossSlice(params: readonly Tensor[], loss: () => number, direction: readonly Tensor[], alphas: readonly number[], options: SliceOptions = {}): Float64Array {
  checkLikeParameters("lossSlice", params, direction, "direction");
  checkSteps("lossSlice", "alphas", alphas);
  const origin = options.origin ?? params;
  checkLikeParameters("lossSlice", params, origin, "origin");
  return evaluateGrid(params, origin, [direction], alphas.map((a) => [a]), loss);
}

export interface Surface {
  alphas: readonly number[];
  betas: readonly number[];
  /** loss at (alphas[i], betas[j]) at index j * alphas.length + i. */
  values: Float64Array;
}

/** The loss on the plane origin + α · d1 + β · d2 (a 2-D surface), row by row in β. */
export function lossSurface(params: readonly Tensor[], loss: () => number, directions: readonly [readonly Tensor[], readonly Tensor[]], alphas: readonly number[], betas: readonly number[], options: SliceOptions = {}): Surface {
  checkLikeParameters("lossSurface", params, directions[0], "directions[0]");
  checkLikeParameters("lossSurface", params, directions[1], "directions[1]");
  checkSteps("lossSurface", "alphas", alphas);
  checkSteps("lossSurface", "betas", betas);
  const origin = options.origin ?? params;
  checkLikeParameters("lossSurface", params, origin, "origin");
  const points = betas.flatMap((b) => alphas.map((a) => [a, b]));
  return { alphas, betas, values: evaluateGrid(params, origin, directions, points, loss) };
}

/**
 * loss() with the parameters set to origin + Σ_j steps[j] · directions[j], for
 * each point's steps; the parameters are restored exactly afterwards (also
 * when loss throws). Writes happen outside the graph and bump the versions.
 */
function evaluateGrid(params: readonly Tensor[], origin: readonly Tensor[], directions: readonly (readonly Tensor[])[], points: readonly (readonly number[])[], loss: () => number): Float64Array {
  const saved = params.map((p) => p.data.slice());
  // Copied first: the origin is often the parameters themselves, which change below.
  const start = origin.map((t) => Float64Array.from(t.data));
  const values = new Float64Array(points.length);
  const set = (p: Tensor, data: ArrayLike<number>) => noGrad(() => { p.data.set(data); p.markModified(); });
  try {
    points.forEach((steps, n) => {
      params.forEach((p, k) => {
        const target = start[k]!.slice();
        directions.forEach((direction, j) => {
          const s = steps[j]!, d = direction[k]!.data;
          for (let i = 0; i < target.length; i++) target[i]! += s * d[i]!;
        });
        set(p, target);
      });
      values[n] = loss();
    });
  } finally {
    params.forEach((p, k) => set(p, saved[k]!));
  }
  return values;
}
