// General matrix multiply on typed arrays: C (+)= op(A) · op(B), row-major,
// op(X) being X or its transpose read in place (backward's A^T·G and G·B^T
// never materialise a transposed tensor).
//
// Two implementations compute it: a WebAssembly SIMD kernel (wasm.ts, built
// from wasm/gemm.as) and a plain TypeScript one (gemm-js.ts), the
// fallback and the reference; backend.ts says which runs. Even a 2x2x2
// product is faster in wasm (0.5 us against 0.9 us), copies included: the
// TypeScript kernel's packing costs more than the copy. Large wasm products
// are split with a worker thread (setGemmThreads).
import { activeWasm } from "./backend.js";
import { onTape, taping } from "./tape.js";
import { gemmJs } from "./gemm-js.js";
import { runOnTwoThreads, startGemmWorker, workerMayHelp } from "./gemm-threads.js";
import { type WasmKernels, placeOperands, runPart, sharedWasmKernels, takeProduct } from "./wasm.js";
import type { FloatArray } from "./shape.js";

export { getGemmThreads, setGemmThreads, gemmWorkerStrips } from "./gemm-threads.js";

/**
 * From this many multiply-adds a product is split with the worker thread (see
 * gemm-threads.ts). Measured on the captured MNIST-shaped step (784-128-64-10,
 * batch 128; wall time, two threads against one, three rounds): splitting from
 * 4M multiply-adds (its two 12.8M products) 1.30-1.31x, from 1M (the 1M
 * products of its second layer too) 1.33-1.34x.
 */
const THREAD_MIN_WORK = 1 << 20;

/**
 * C[m x n] = (accumulate ? C : rowBias in every row, or 0) + op(A)[m x k] · op(B)[k x n].
 * A is stored m x k (or k x m when transA), B is k x n (or n x k when transB),
 * C is m x n, all contiguous row-major from their offsets; rowBias has n
 * entries. The arithmetic is in C's dtype on the wasm path, in doubles on the
 * TypeScript path.
 */
export function gemm(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean, rowBias: FloatArray | null = null,
): void {
  if (taping()) return onTape(() => gemm(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, rowBias), !accumulate && cOffset === 0 && m * n === c.length ? c : null);
  const w = activeWasm();
  if (w !== null && multiplyInWasm(w, transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, rowBias)) return;
  if (!accumulate && rowBias !== null) for (let r = 0; r < m; r++) c.set(rowBias, cOffset + r * n);
  gemmJs(transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate || rowBias !== null);
}

/** The product in wasm, split with the worker when it is large; false when its operands do not fit in wasm memory. */
function multiplyInWasm(
  w: WasmKernels, transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, c: FloatArray, cOffset: number,
  accumulate: boolean, rowBias: FloatArray | null,
): boolean {
  const f64 = c instanceof Float64Array;
  // A one-column product runs as a row on one thread (see multiply): no use for shared memory.
  if (n > 1 && m * n * k >= THREAD_MIN_WORK && workerMayHelp()) {
    const shared = sharedWasmKernels(w);
    if (shared !== null) return multiply(shared, f64, transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, rowBias);
  }
  return multiply(w, f64, transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, rowBias);
}

function multiply(
  w: WasmKernels, f64: boolean, transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number, c: FloatArray, cOffset: number,
  accumulate: boolean, rowBias: FloatArray | null,
): boolean {
  const at = placeOperands(w, f64, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, rowBias);
  if (at === null) return false;
  if (n === 1 && m > 1) {
    // A column C [m x 1] has the layout of the row Cᵀ = op(B)ᵀ·op(A)ᵀ [1 x m]: computing
    // that fills the kernel's columns instead of one in eight (same sums, same order, same bits).
    runPart(w, f64, !transB, !transA, 1, m, k, { ...at, a: at.b, b: at.a }, 0, 1, 0, m, 0);
  } else if (!w.shared || !runOnTwoThreads(w, f64, transA, transB, m, n, k, at)) {
    runPart(w, f64, transA, transB, m, n, k, at, 0, m, 0, n, 0);
  }
  takeProduct(w, f64, m, n, at, c, cOffset);
  return true;
}

/** Start the GEMM worker thread of the active build ahead of the first large product; resolves to whether it is ready. */
export async function warmUpGemm(): Promise<boolean> {
  const active = activeWasm();
  const w = active === null ? null : sharedWasmKernels(active);
  return w === null ? false : startGemmWorker(w);
}
