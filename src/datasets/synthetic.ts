// Seeded 2-D teaching datasets. Each builds its noiseless points class by class,
// shuffles the samples, then adds Gaussian noise (scikit-learn's order), all
// drawn from one generator, so a seed fixes every byte.
import { type DType, type Rng, DagradError, Tensor, normalSample } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";
import { type Dataset, type Seed, allocate, permutation, rngFor } from "./common.js";

export interface MoonsOptions {
  /** Total samples (default 100); the upper moon gets floor(n / 2). */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  seed?: Seed;
  dtype?: DType;
}

export interface CirclesOptions extends MoonsOptions {
  /** Radius of the inner circle relative to the outer one (radius 1), in [0, 1); default 0.8. */
  factor?: number;
}

export interface SpiralsOptions {
  /** Total samples (default 300), shared as evenly as possible between the arms. */
  n?: number;
  /** Number of arms, one class each (default 3). */
  classes?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  seed?: Seed;
  dtype?: DType;
}

export interface BlobsOptions {
  /** Total samples (default 100), shared as evenly as possible between the centres. */
  n?: number;
  /** A number of centres drawn uniformly in `box` (default 3), or the centres' coordinates. */
  centers?: number | readonly (readonly number[])[];
  /** Standard deviation of each blob (default 1). */
  std?: number;
  /** Features per sample when centres are drawn at random (default 2). */
  features?: number;
  /** Range [min, max] that random centres are drawn from (default [-10, 10]). */
  box?: readonly [number, number];
  seed?: Seed;
  dtype?: DType;
}

/**
 * Two interleaving half circles (scikit-learn's make_moons): class 0 is
 * (cos t, sin t) and class 1 is (1 - cos t, 0.5 - sin t), t evenly spaced over [0, pi].
 * x [n, 2]; y [n, 1] of 0/1.
 */
export function moons(options: MoonsOptions = {}): Dataset {
  const { n = 100, noise = 0 } = options;
  checkNumber("moons", "n", n, { integer: true, min: 1 });
  checkNumber("moons", "noise", noise, { min: 0 });
  const upper = Math.floor(n / 2);
  const points = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lower = i >= upper;
    const t = lower ? spaced(i - upper, n - upper, Math.PI, true) : spaced(i, upper, Math.PI, true);
    points[2 * i] = lower ? 1 - Math.cos(t) : Math.cos(t);
    points[2 * i + 1] = lower ? 0.5 - Math.sin(t) : Math.sin(t);
    labels[i] = lower ? 1 : 0;
  }
  return shuffledWithNoise(points, labels, 2, noise, rngFor("moons", options.seed), options.dtype, [n, 1]);
}

/**
 * A circle of radius 1 (class 0) around a circle of radius `factor` (class 1),
 * both centred at the origin (scikit-learn's make_circles): angles evenly spaced
 * over [0, 2 pi). x [n, 2]; y [n, 1] of 0/1.
 */
export function circles(options: CirclesOptions = {}): Dataset {
  const { n = 100, noise = 0, factor = 0.8 } = options;
  checkNumber("circles", "n", n, { integer: true, min: 1 });
  checkNumber("circles", "noise", noise, { min: 0 });
  checkNumber("circles", "factor", factor, { min: 0, max: 1, maxOpen: true });
  const outer = Math.floor(n / 2);
  const points = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const inner = i >= outer;
    const t = inner ? spaced(i - outer, n - outer, 2 * Math.PI, false) : spaced(i, outer, 2 * Math.PI, false);
    const radius = inner ? factor : 1;
    points[2 * i] = radius * Math.cos(t);
    points[2 * i + 1] = radius * Math.sin(t);
    labels[i] = inner ? 1 : 0;
  }
  return shuffledWithNoise(points, labels, 2, noise, rngFor("circles", options.seed), options.dtype, [n, 1]);
}

/**
 * Interleaved spiral arms around the origin, one class each. Along arm c the
 * radius r grows evenly over (0, 1] while the angle turns once:
 * angle = 2 pi (c / classes + r). x [n, 2]; y [n] of class indices 0..classes-1.
 */
export function spirals(options: SpiralsOptions = {}): Dataset {
  const { n = 300, classes = 3, noise = 0 } = options;
  checkNumber("spirals", "n", n, { integer: true, min: 1 });
  checkNumber("spirals", "classes", classes, { integer: true, min: 1 });
  checkNumber("spirals", "noise", noise, { min: 0 });
  const points = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  let i = 0;
  evenShares(n, classes).forEach((count, c) => {
    for (let k = 0; k < count; k++, i++) {
      const r = (k + 1) / count;
      const angle = 2 * Math.PI * (c / classes + r);
      points[2 * i] = r * Math.cos(angle);
      points[2 * i + 1] = r * Math.sin(angle);
      labels[i] = c;
    }
  });
  return shuffledWithNoise(points, labels, 2, noise, rngFor("spirals", options.seed), options.dtype, [n]);
}

/**
 * Isotropic Gaussian blobs (scikit-learn's make_blobs): blob c has its samples
 * drawn around centre c with standard deviation `std`.
 * x [n, features]; y [n] of class indices; centers [centres, features].
 */
export function blobs(options: BlobsOptions = {}): Dataset & { centers: Tensor } {
  const { n = 100, std = 1, features = 2, box = [-10, 10] } = options;
  checkNumber("blobs", "n", n, { integer: true, min: 1 });
  checkNumber("blobs", "std", std, { min: 0 });
  const rng = rngFor("blobs", options.seed);
  const centers = centerList(options.centers ?? 3, features, box, rng);
  const dims = centers[0]!.length;
  const points = new Float64Array(n * dims);
  const labels = new Float64Array(n);
  let i = 0;
  evenShares(n, centers.length).forEach((count, c) => {
    for (let k = 0; k < count; k++, i++) {
      points.set(centers[c]!, i * dims);
      labels[i] = c;
    }
  });
  const data = shuffledWithNoise(points, labels, dims, std, rng, options.dtype, [n]);
  const flat = allocate(options.dtype, centers.length * dims);
  centers.forEach((center, c) => flat.set(center, c * dims));
  return { ...data, centers: new Tensor(flat, [centers.length, dims]) };
}

export interface XorClustersOptions {
  /** Total samples (default 100), shared as evenly as possible between the four corners. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0). */
  noise?: number;
  seed?: Seed;
  dtype?: DType;
}

/**
 * XOR as a cloud of points: samples around the truth table's four corners
 * (0,0), (0,1), (1,0), (1,1), labelled a XOR b, so noise 0 gives the
 * documents' four rows repeated and more noise makes clusters that still need
 * a hidden layer. x [n, 2]; y [n, 1] of 0/1.
 */
export function xorClusters(options: XorClustersOptions = {}): Dataset {
  const { n = 100, noise = 0 } = options;
  checkNumber("xorClusters", "n", n, { integer: true, min: 1 });
  checkNumber("xorClusters", "noise", noise, { min: 0 });
  const points = new Float64Array(2 * n);
  const labels = new Float64Array(n);
  let i = 0;
  evenShares(n, 4).forEach((count, corner) => {
    const a = corner >> 1, b = corner & 1;
    for (let k = 0; k < count; k++, i++) {
      points[2 * i] = a;
      points[2 * i + 1] = b;
      labels[i] = a ^ b;
    }
  });
  return shuffledWithNoise(points, labels, 2, noise, rngFor("xorClusters", options.seed), options.dtype, [n, 1]);
}

function centerList(spec: number | readonly (readonly number[])[], features: number, box: readonly [number, number], rng: Rng): readonly (readonly number[])[] {
  if (typeof spec === "number") {
    checkNumber("blobs", "centers", spec, { integer: true, min: 1 });
    checkNumber("blobs", "features", features, { integer: true, min: 1 });
    const [low, high] = box;
    if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) throw new DagradError("blobs", `box must be [min, max] with min <= max, got [${box.join(", ")}]`);
    return Array.from({ length: spec }, () => Array.from({ length: features }, () => low + (high - low) * rng()));
  }
  const dims = spec[0]?.length ?? 0;
  if (dims === 0 || spec.some((c) => c.length !== dims || c.some((v) => !Number.isFinite(v)))) {
    throw new DagradError("blobs", `centers must be a non-empty list of points of one length with finite coordinates, got ${JSON.stringify(spec)}`);
  }
  return spec;
}

/** The i-th of `count` angles spread over [0, span] (endpoint) or [0, span) (no endpoint), as numpy's linspace. */
function spaced(i: number, count: number, span: number, endpoint: boolean): number {
  const intervals = endpoint ? count - 1 : count;
  return intervals === 0 ? 0 : (i * span) / intervals;
}

/** n split into `parts` counts that differ by at most one, the larger ones first. */
function evenShares(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, p) => Math.floor(n / parts) + (p < n % parts ? 1 : 0));
}

function shuffledWithNoise(points: Float64Array, labels: Float64Array, features: number, noise: number, rng: Rng, dtype: DType | undefined, yShape: number[]): Dataset {
  const n = labels.length;
  const order = permutation(n, rng);
  const x = allocate(dtype, n * features);
  const y = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    const from = order[i]!;
    y[i] = labels[from]!;
    for (let f = 0; f < features; f++) {
      x[i * features + f] = points[from * features + f]! + (noise > 0 ? noise * normalSample(rng) : 0);
    }
  }
  return { x: new Tensor(x, [n, features]), y: new Tensor(y, yShape) };
}
