// Shared test helpers: seeded float64 inputs and a gradcheck assertion that
// reports the worst element when it fails.
import { expect } from "vitest";
import { type Tensor, createRng, gradcheck, gradgradcheck, normalSample, tensor } from "../../src/index.js";

export interface InputSpec {
  shape: number[];
  /** Values drawn as sign * (low + |normal|), so they stay away from kinks at 0. */
  positive?: boolean;
  awayFromZero?: boolean;
}

export function randomInput(shape: number[], seed: number, options: { positive?: boolean; awayFromZero?: boolean } = {}): Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const z = normalSample(rng);
    if (options.positive) data[i] = 0.2 + Math.abs(z);
    else if (options.awayFromZero) data[i] = (z < 0 ? -1 : 1) * (0.2 + Math.abs(z));
    else data[i] = z;
  }
  return tensor(data, { shape, dtype: "float64", requiresGrad: true });
}

type Fn = (...xs: Tensor[]) => Tensor;

export function expectGradcheck(fn: Fn, inputs: Tensor[]): void {
  const result = gradcheck(fn, inputs);
  const worst = result.inputs.map((r, i) => (r ? `input ${i}: rel ${r.relativeError.toExponential(2)}, max abs ${r.maxAbsError.toExponential(2)} at ${r.worstIndex}` : `input ${i}: not checked`));
  expect(result.maxRelativeError, worst.join("; ")).toBeLessThan(1e-6);
  expect(result.passed).toBe(true);
}

export function expectGradgradcheck(fn: Fn, inputs: Tensor[]): void {
  const result = gradgradcheck(fn, inputs);
  expect(result.maxRelativeError, `second-order relative error`).toBeLessThan(1e-6);
}

/** Max |a - b| over two nested arrays of numbers of one shape. */
export function maxDiff(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return Infinity;
    return a.reduce((m: number, v, i) => Math.max(m, maxDiff(v, b[i])), 0);
  }
  return Infinity;
}
