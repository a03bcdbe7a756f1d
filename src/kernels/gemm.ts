// General matrix multiply on typed arrays: C (+)= op(A) · op(B), row-major,
// op(X) being X or its transpose read in place (backward's A^T·G and G·B^T
// never materialise a transposed tensor).
//
// Two implementations compute it: a WebAssembly SIMD kernel (gemm-wasm.ts,
// built from wasm/gemm.as) and a plain TypeScript one (gemm-js.ts), the
// fallback and the reference. The backend decides which runs:
//   "auto" (default): wasm where the platform runs it, else TypeScript. Even
//          a 2x2x2 product is faster in wasm (0.5 us against 0.9 us), copies
//          included: the TypeScript kernel's packing costs more than the copy;
//   "wasm": the wasm kernel, or an error where it cannot run;
//   "js":   the TypeScript kernel.
// setGemmBackend switches it; DAGRAD_GEMM=js|wasm|auto in the environment sets
// the starting value, so the whole test suite can run on either kernel.
// Large wasm products are split with a worker thread (setGemmThreads).
import { gemmJs } from "./gemm-js.js";
import { runOnTwoThreads, startGemmWorker } from "./gemm-threads.js";
import { placeOperands, runPart, takeProduct, wasmGemm } from "./gemm-wasm.js";
import type { FloatArray } from "./shape.js";

export { getGemmThreads, setGemmThreads, gemmWorkerStrips } from "./gemm-threads.js";

export type GemmBackend = "auto" | "wasm" | "js";
const BACKENDS: readonly string[] = ["auto", "wasm", "js"];

/**
 * From this many multiply-adds a product is split with the worker thread (see
 * gemm-threads.ts). Measured (best of 12 rounds, f32): a 128x128x128 product
 * (2.1M) runs 31 GFLOP/s alone and 28 split; 128x128x784 (12.8M) 31 alone, 47 split.
 */
const THREAD_MIN_WORK = 1 << 22;

let backend: GemmBackend = "auto";
const fromEnvironment = typeof process !== "undefined" ? process.env["DAGRAD_GEMM"] : undefined;
if (fromEnvironment !== undefined && fromEnvironment !== "") setGemmBackend(fromEnvironment as GemmBackend);

/** Which kernel gemm runs. */
export function getGemmBackend(): GemmBackend {
  return backend;
}

/** Select the kernel; "wasm" throws where WebAssembly SIMD with shared memory is unavailable. */
export function setGemmBackend(name: GemmBackend): void {
  if (!BACKENDS.includes(name)) throw new Error(`setGemmBackend: unknown backend "${String(name)}", expected "auto", "wasm" or "js"`);
  if (name === "wasm" && wasmGemm() === null) throw new Error("setGemmBackend: this platform cannot run the WebAssembly SIMD GEMM (needs SIMD and shared memory)");
  backend = name;
}

/**
 * C[m x n] = (accumulate ? C : 0) + op(A)[m x k] · op(B)[k x n].
 * A is stored m x k (or k x m when transA), B is k x n (or n x k when transB),
 * C is m x n, all contiguous row-major from their offsets. The arithmetic is
 * in C's dtype on the wasm path, in doubles on the TypeScript path.
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  const w = backend === "js" ? null : wasmGemm();
  if (w === null) {
    gemmJs(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
    return;
  }
  const f64 = c instanceof Float64Array;
  const at = placeOperands(w, f64, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
  if (m * n * k < THREAD_MIN_WORK || !runOnTwoThreads(w, f64, transA, transB, m, n, k, at)) {
    runPart(w, f64, transA, transB, m, n, k, at, 0, m, 0, n, 0);
  }
  takeProduct(w, f64, m, n, at, c, cOffset);
}

/** Start the GEMM worker thread ahead of the first large product; resolves to whether it is ready. */
export async function warmUpGemm(): Promise<boolean> {
  const w = backend === "js" ? null : wasmGemm();
  return w === null ? false : startGemmWorker(w);
}
