// Seeded regression datasets: real-valued targets of a smooth function of the
// inputs plus Gaussian noise on the targets (001 derives its MLP for regression,
// L = 1/2 ||y_hat - y||^2, with an identity output).
import { type DType, Tensor, normalSample } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";
import { type Dataset, type Seed, allocate, rngFor } from "./common.js";

export interface RegressionOptions {
  /** Samples (default 200). */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each target (default 0). */
  noise?: number;
  seed?: Seed;
  dtype?: DType;
}

/**
 * One period of a sine: x uniform on [-π, π], y = sin(x) + noise. x [n, 1]; y [n, 1].
 */
export function sine(options: RegressionOptions = {}): Dataset {
  return sampled("sine", options, 1, Math.PI, ([x]) => Math.sin(x!));
}

/**
 * A 2-D surface with two hills and two valleys: x uniform on [-3, 3]²,
 * y = sin(x1) cos(x2) + noise. x [n, 2]; y [n, 1].
 */
export function surface(options: RegressionOptions = {}): Dataset {
  return sampled("surface", options, 2, 3, ([a, b]) => Math.sin(a!) * Math.cos(b!));
}

/** n points uniform on [-half, half]^features (drawn first, row by row), then each target's noise. */
function sampled(op: string, options: RegressionOptions, features: number, half: number, f: (x: number[]) => number): Dataset {
  const { n = 200, noise = 0 } = options;
  checkNumber(op, "n", n, { integer: true, min: 1 });
  checkNumber(op, "noise", noise, { min: 0 });
  const rng = rngFor(op, options.seed);
  const x = allocate(options.dtype, n * features);
  const y = allocate(options.dtype, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < features; j++) x[i * features + j] = -half + 2 * half * rng();
    // The target of the stored (perhaps float32-rounded) inputs, so x and y agree exactly.
    y[i] = f(Array.from(x.subarray(i * features, (i + 1) * features)));
  }
  if (noise > 0) for (let i = 0; i < n; i++) y[i]! += noise * normalSample(rng);
  return { x: new Tensor(x, [n, features]), y: new Tensor(y, [n, 1]) };
}
