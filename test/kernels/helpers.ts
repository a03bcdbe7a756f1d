// Shared by the kernel tests: seeded arrays, and the backend restored after each file.
import { afterAll } from "vitest";
import { type ActiveKernels, availableKernels, getKernelBackend, setKernelBackend } from "../../src/kernels/backend.js";
import { createRng } from "../../src/autograd/index.js";

export type Dtype = "float32" | "float64";

/** `length` seeded values, uniform in [-bound, bound). */
export function randomArray(dtype: Dtype, length: number, seed: string, bound = 1): Float32Array | Float64Array {
  const rng = createRng(seed);
  const out = dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = (2 * rng() - 1) * bound;
  return out;
}

/** Put the kernel backend back as it was when the test file is done. */
export function restoreBackendAfterAll(): void {
  const original = getKernelBackend();
  afterAll(() => setKernelBackend(original));
}

/**
 * The WebAssembly builds this runtime runs: "wasm" (SIMD) everywhere here,
 * "wasm-relaxed" where relaxed SIMD validates (Node 22+, or Node 20 started with
 * --experimental-wasm-relaxed-simd, as test/kernels/relaxed.test.ts does).
 */
export const WASM_PATHS = availableKernels().filter((k): k is Exclude<ActiveKernels, "js"> => k !== "js");
