// When the GEMM worker fails, gemm-threads.ts gives up on it for good: the
// worker is ended (a thread stuck in a strip would spin a core and keep the
// shared memory alive), exactly once, and later products run right on the
// calling thread. Each test loads the kernels afresh, so its shared memory and
// its broken pool are its own.
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { StartWorker } from "../../src/kernels/gemm-threads.js";
import { gemmJs } from "../../src/kernels/gemm-js.js";
import { randomArray } from "./helpers.js";

afterEach(() => {
  vi.resetModules();
});

/** Fresh kernels on the wasm build whose large products go to the worker `start` makes. */
async function freshKernels(start: StartWorker, timeoutMs?: number) {
  vi.resetModules();
  const threads = await import("../../src/kernels/gemm-threads.js");
  threads.useNodeWorkerThreads(start, 2, timeoutMs);
  (await import("../../src/kernels/backend.js")).setKernelBackend("wasm");
  const gemm = await import("../../src/kernels/gemm.js");
  expect(gemm.getGemmThreads()).toBe(2);
  return gemm;
}

// 512 x 256 · 256 x 128: 16.8M multiply-adds, split in row strips with the worker.
const [M, K, N] = [512, 256, 128];
const A = randomArray("float64", M * K, "a");
const B = randomArray("float64", K * N, "b");
/** C = A·B on the TypeScript kernel: float64 wasm products have the same bits on any number of threads. */
const WANT = new Float64Array(M * N);
gemmJs(false, false, M, N, K, A, 0, B, 0, WANT, 0, false);

function product(gemm: typeof import("../../src/kernels/gemm.js")): Float64Array {
  const c = new Float64Array(M * N);
  gemm.gemm(false, false, M, N, K, A, 0, B, 0, c, 0, false);
  return c;
}

/** Products until one throws (the worker must join one: it may wake after the caller took every strip); the error. */
function firstFailure(gemm: typeof import("../../src/kernels/gemm.js")): unknown {
  for (let i = 0; i < 50; i++) {
    try {
      product(gemm);
    } catch (error) {
      return error;
    }
  }
  return "no product failed";
}

/** Resolves with the exit code once `worker` exits (an exit is reported on a later turn of the event loop); rejects if it still runs after `ms`. */
function exitOf(worker: Worker, ms = 3000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker (thread ${worker.threadId}) still runs ${ms} ms on`)), ms);
    worker.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe("a GEMM worker that fails is ended, and products go on right on one thread", () => {
  it("a worker whose strip fails (node-threads' own start, its scratch outside memory so its first strip traps) is terminated once", async () => {
    const { startNodeWorker } = await import("../../src/kernels/node-threads.js");
    const workers: Worker[] = [];
    let terminations = 0;
    const gemm = await freshKernels((data, failed) => {
      const worker = startNodeWorker({ ...data, scratch: 0x7fff_0000 }, failed) as Worker; // its handle is the Worker
      workers.push(worker);
      return { terminate: () => { terminations++; void worker.terminate(); } };
    });
    expect(await gemm.warmUpGemm()).toBe(true);
    expect(String(firstFailure(gemm))).toMatch(/gemm: the worker thread failed on its strips of a 512x256 · 256x128 product/);
    expect(await exitOf(workers[0]!), "terminated, not left waiting for the next job").toBe(1);
    expect(terminations).toBe(1);
    const strips = gemm.gemmWorkerStrips();
    expect(product(gemm)).toEqual(WANT);
    expect(await gemm.warmUpGemm(), "no new worker").toBe(false);
    expect(gemm.gemmWorkerStrips()).toBe(strips);
    expect(workers).toHaveLength(1);
    expect(terminations).toBe(1);
  });

  it("a worker stuck in its strip is terminated once the caller stops waiting for it", async () => {
    const workers: Worker[] = [];
    let terminations = 0;
    // The real loop, with a float64 GEMM that never returns.
    const { WORKER_LOOP } = await import("../../src/kernels/gemm-threads.js");
    const stuck = `${WORKER_LOOP}
      const Instance = WebAssembly.Instance;
      WebAssembly.Instance = function (module, imports) {
        return { exports: { ...new Instance(module, imports).exports, gemmF64() { for (;;); } } };
      };
      run(process.getBuiltinModule("node:worker_threads").workerData);`;
    const gemm = await freshKernels((data, failed) => {
      const worker = new Worker(stuck, { eval: true, workerData: data });
      worker.unref();
      worker.on("exit", failed);
      workers.push(worker);
      return { terminate: () => { terminations++; void worker.terminate(); } };
    }, 100);
    expect(await gemm.warmUpGemm()).toBe(true);
    expect(String(firstFailure(gemm))).toMatch(/gemm: the worker thread did not finish its strip of a 512x256 · 256x128 product in 100 ms/);
    expect(await exitOf(workers[0]!), "terminated, not left spinning").toBe(1);
    expect(terminations).toBe(1);
    expect(product(gemm)).toEqual(WANT);
    expect(terminations).toBe(1);
  });

  it("a worker that reports an error, then its exit, is ended once and not replaced", async () => {
    const reports: (() => void)[] = [];
    let terminations = 0;
    const gemm = await freshKernels((_data, failed) => {
      reports.push(failed);
      return { terminate: () => { terminations++; } };
    });
    // The first large product starts the worker and, the worker not ready yet, runs alone.
    expect(product(gemm)).toEqual(WANT);
    expect(reports).toHaveLength(1);
    expect(terminations).toBe(0);
    reports[0]!(); // the error
    reports[0]!(); // the exit that follows it
    expect(terminations).toBe(1);
    expect(product(gemm)).toEqual(WANT);
    expect(await gemm.warmUpGemm()).toBe(false);
    expect(reports, "no new worker").toHaveLength(1);
    expect(gemm.gemmWorkerStrips()).toBe(0);
  });
});
