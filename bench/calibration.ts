// The platform's limits, measured in the same run as everything else:
// - one thread: each wasm build's calibration kernel (peakF32 in
//   src/kernels/wasm/gemm.as: 12 independent f32x4 multiply-add chains,
//   nothing loaded or stored), the most float32 arithmetic one thread of this
//   WebAssembly can do;
// - two threads: the same kernel on the calling thread and on a worker thread
//   at once, handed over through Atomics as the GEMM's worker is. On a machine
//   whose second core is busy with other work this is well below twice the
//   one-thread figure, and no two-thread line can beat it: it is the yardstick
//   for the "two threads" targets.
import { Worker } from "node:worker_threads";
import { wasmKernels, type WasmKernels } from "../src/kernels/wasm.js";
import { timeCases, type TimingOptions } from "./measure.js";
import type { RateCase } from "./results.js";

const ITERATIONS = 200_000; // 19.2M flops, ~0.4 ms a call
const FLOPS = 96 * ITERATIONS;

const WORKER = `
const { workerData } = require("node:worker_threads");
const { module, control } = workerData;
const memory = new WebAssembly.Memory({ initial: 1, maximum: 16384 });
const { peakF32 } = new WebAssembly.Instance(module, { env: { memory, abort() {} } }).exports;
const words = new Int32Array(control);
for (let seen = 0; ; ) {
  Atomics.wait(words, 0, seen);
  seen = Atomics.load(words, 0);
  if (seen < 0) break;
  peakF32(words[2]);
  Atomics.store(words, 1, seen);
  Atomics.notify(words, 1);
}
`;

/** peakF32 on this thread and a worker at once; stop() ends the worker. */
function twoThreads(w: WasmKernels): { run: () => void; stop: () => void } {
  const control = new SharedArrayBuffer(12);
  const words = new Int32Array(control);
  words[2] = ITERATIONS;
  const worker = new Worker(WORKER, { eval: true, workerData: { module: w.module, control } });
  let sequence = 0;
  return {
    run: () => {
      Atomics.store(words, 0, ++sequence);
      Atomics.notify(words, 0);
      w.exports.peakF32(ITERATIONS);
      // Wait on the value just read: a value read again after the check could already be this sequence, and then nothing would wake us.
      for (let done = Atomics.load(words, 1); done !== sequence; done = Atomics.load(words, 1)) Atomics.wait(words, 1, done);
    },
    stop: () => {
      Atomics.store(words, 0, -1);
      Atomics.notify(words, 0);
      void worker.terminate();
    },
  };
}

export async function calibrate(timing: TimingOptions): Promise<RateCase[]> {
  const builds = [
    { engine: "wasm SIMD (multiply, add)", w: wasmKernels(false) },
    { engine: "wasm relaxed SIMD (fused multiply-add)", w: wasmKernels(true) },
  ].filter((b): b is { engine: string; w: WasmKernels } => b.w !== null);
  const fastest = builds[builds.length - 1]!;
  const pair = twoThreads(fastest.w);
  try {
    const cases = [
      ...builds.map(({ engine, w }) => ({ engine, flops: FLOPS, run: () => { w.exports.peakF32(ITERATIONS); } })),
      { engine: `${fastest.engine}, 2 threads`, flops: 2 * FLOPS, run: pair.run },
    ];
    const timings = await timeCases("calibration: independent multiply-add chains", cases, timing);
    return timings.map((t, i) => ({ engine: t.engine, rate: cases[i]!.flops / (t.medianMs / 1000) / 1e9, medianMs: t.medianMs, rme: t.rme, samples: t.samples }));
  } finally {
    pair.stop();
  }
}
