// A second core for large products: one worker thread runs the same wasm
// module over the same shared memory and computes half of C in place while the
// calling thread computes the other half. Hand-off is through control words at
// the start of that memory (Atomics.wait / notify), so a job costs no message
// and no copy. The worker is started on the first large product and used once
// it reports ready; until then, or once it has failed, products run on one thread.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { Placement, WasmGemm } from "./gemm-wasm.js";

// Control words (Int32 indices) at byte 0 of the shared memory.
const REQUEST = 0; // sequence number of the last job posted
const DONE = 1; // sequence number of the last job finished
const READY = 2; // 1 once the worker is waiting for jobs
const FAILED = 3; // 1 if the worker's last job threw
const JOB = 4; // f64, transA, transB, m, n, k, a, b, c, i0, i1, j0, j1
const JOB_WORDS = 13;

/** How long to wait for the worker's half before giving up on it. */
const TIMEOUT_MS = 10_000;

// The worker's whole program, run with eval so it needs no file of its own
// (the same source works from src/ under tsx and from dist/).
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, scratch } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("gemm.wasm aborted"); } } }).exports;
const control = new Int32Array(memory.buffer, 0, ${JOB + JOB_WORDS});
Atomics.store(control, ${READY}, 1);
let seen = 0;
for (;;) {
  Atomics.wait(control, ${REQUEST}, seen);
  seen = Atomics.load(control, ${REQUEST});
  const [f64, transA, transB, m, n, k, a, b, c, i0, i1, j0, j1] = control.subarray(${JOB}, ${JOB + JOB_WORDS});
  try {
    (f64 ? exports.gemmF64 : exports.gemmF32)(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1, scratch);
    Atomics.store(control, ${FAILED}, 0);
  } catch {
    Atomics.store(control, ${FAILED}, 1);
  }
  Atomics.store(control, ${DONE}, seen);
  Atomics.notify(control, ${DONE});
}
`;

interface Helper {
  readonly control: Int32Array;
  sequence: number;
}

let helper: Helper | null = null;
let broken = false;
let threads = Math.min(2, availableParallelism());

/** Threads a large product may use: 1 (the caller only) or 2 (the caller and one worker). */
export function setGemmThreads(count: 1 | 2): void {
  if (count !== 1 && count !== 2) throw new Error(`setGemmThreads: expected 1 or 2 threads, got ${String(count)}`);
  threads = count;
}

export function getGemmThreads(): 1 | 2 {
  return threads === 1 ? 1 : 2;
}

/**
 * Start the worker now rather than on the first large product, and resolve
 * once it waits for jobs (false where it cannot run: one thread allowed, no
 * wasm, or a failed start).
 */
export async function startGemmWorker(w: WasmGemm): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 5) {
    if (readyHelper(w) !== null) return true;
    if (threads < 2 || broken) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

/** Jobs the worker has finished since it started (0 when it never ran). */
export function gemmWorkerJobs(): number {
  return helper === null ? 0 : Atomics.load(helper.control, DONE);
}

/** The worker, if it is up and waiting for jobs; starts it on first call. */
function readyHelper(w: WasmGemm): Helper | null {
  if (threads < 2 || broken) return null;
  if (helper === null) {
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: w.module, memory: w.memory, scratch: w.scratch(1) } });
      worker.unref(); // never keep the process alive
      worker.on("error", () => { broken = true; });
      worker.on("exit", () => { broken = true; });
      helper = { control: new Int32Array(w.memory.buffer, 0, JOB + JOB_WORDS), sequence: 0 };
    } catch {
      broken = true;
      return null;
    }
  }
  return Atomics.load(helper.control, READY) === 1 ? helper : null;
}

/**
 * C += op(A)·op(B) split in two halves along C's longer side, one on the
 * worker and one here. Returns false (having done nothing) when no worker is
 * ready, so the caller runs the whole product itself.
 */
export function runOnTwoThreads(
  w: WasmGemm, f64: boolean, transA: boolean, transB: boolean, m: number, n: number, k: number, at: Placement,
  runHere: (i0: number, i1: number, j0: number, j1: number) => void,
): boolean {
  const byRows = m >= n;
  if ((byRows ? m : n) < 16) return false;
  const h = readyHelper(w);
  if (h === null) return false;
  // Split at a multiple of 8 so both halves keep whole micro-tiles.
  const mid = Math.max(8, Math.floor((byRows ? m : n) / 16) * 8);
  const theirs = byRows ? [mid, m, 0, n] : [0, m, mid, n];
  h.control.set([f64 ? 1 : 0, transA ? 1 : 0, transB ? 1 : 0, m, n, k, at.a, at.b, at.c, ...theirs], JOB);
  const sequence = ++h.sequence;
  Atomics.store(h.control, REQUEST, sequence);
  Atomics.notify(h.control, REQUEST);
  if (byRows) runHere(0, mid, 0, n);
  else runHere(0, m, 0, mid);
  while (Atomics.load(h.control, DONE) !== sequence) {
    if (Atomics.wait(h.control, DONE, sequence - 1, TIMEOUT_MS) === "timed-out") {
      broken = true;
      throw new Error(`gemm: the worker thread did not finish its half of a ${m}x${k} · ${k}x${n} product in ${TIMEOUT_MS} ms`);
    }
  }
  if (Atomics.load(h.control, FAILED) === 1) {
    // Its half of C may be partly written: the product cannot be trusted.
    broken = true;
    throw new Error(`gemm: the worker thread failed on its half of a ${m}x${k} · ${k}x${n} product`);
  }
  return true;
}
