// A second core for large products: one worker thread runs the same wasm
// module over the same shared memory. C is cut into strips along its longer
// side; the calling thread and the worker each take the next strip from a
// shared counter until none is left, so a worker that wakes late or runs on a
// busy core simply takes fewer strips. Hand-off is through control words at
// the start of that memory (Atomics), so a job costs no message and no copy.
// The worker starts on the first large product and is used once it reports
// ready; until then, or once it has failed, products run on one thread.
//
// Both threads spin briefly before they sleep: a sleeping thread wakes ~30 us
// after it is notified, which at the sizes split here (from ~50 us a product)
// is much of the product; a training step posts its next product within
// microseconds, so a worker that spins ~0.5 ms after a job is awake for it.
//
// The calling thread waits for the worker's last strip with Atomics.wait, so
// a worker is used only where the caller may block: in Node (a worker_threads
// Worker), and in a browser's dedicated Web Worker of a cross-origin isolated
// page (a nested Web Worker; shared memory needs the isolation). A page's main
// thread may not block, so there products run on it alone.
import { type Placement, type WasmKernels, packShared, runPart } from "./wasm.js";

// Control words (Int32 indices) at byte 0 of the shared memory.
const REQUEST = 0; // sequence number of the last job posted
const READY = 1; // 1 once the worker is waiting for jobs
const FAILED = 2; // 1 if the worker's last strip threw
const STATE = 3; // IDLE, POSTED (the worker may still join) or JOINED (the worker is taking strips)
const NEXT = 4; // index of the next strip to take
const JOB = 5; // f64, transA, transB, m, n, k, a, b, c, byRows, packed, overwrite, strips, then strips + 1 strip bounds
const IDLE = 0, POSTED = 1, JOINED = 2;

/** How long to wait for the worker's last strip before giving up on it. */
const TIMEOUT_MS = 10_000;
let timeoutMs = TIMEOUT_MS;
/** At most this many strips per product (the control words have room for their bounds). */
const MAX_STRIPS = 16;
// (JOB + JOB_WORDS) * 4 = 140 bytes: must stay below the tanh constants at byte 160 (wasm.ts).
const JOB_WORDS = 13 + MAX_STRIPS + 1;
/** How long the worker spins for the next job before it sleeps, and the caller for the worker's last strip (ms). */
const WORKER_SPIN_MS = 0.5;
const CALLER_SPIN_MS = 0.25;

// The worker's program, run from source text so it needs no file of its own
// (the same text works from src/ under tsx, from dist/ and from a bundle);
// `run` gets the module, the shared memory and the worker's scratch offset.
export const WORKER_LOOP = `
function run({ module, memory, scratch }) {
  const exports = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("gemm.wasm aborted"); } } }).exports;
  const control = new Int32Array(memory.buffer, 0, ${JOB + JOB_WORDS});
  Atomics.store(control, ${READY}, 1);
  let seen = 0;
  for (;;) {
    const spinUntil = performance.now() + ${WORKER_SPIN_MS};
    while (Atomics.load(control, ${REQUEST}) === seen && performance.now() < spinUntil);
    Atomics.wait(control, ${REQUEST}, seen);
    seen = Atomics.load(control, ${REQUEST});
    if (Atomics.compareExchange(control, ${STATE}, ${POSTED}, ${JOINED}) !== ${POSTED}) continue; // withdrawn
    const [f64, transA, transB, m, n, k, a, b, c, byRows, packed, overwrite, strips] = control.subarray(${JOB}, ${JOB + 13});
    const gemm = f64 ? exports.gemmF64 : exports.gemmF32;
    try {
      for (let s = Atomics.add(control, ${NEXT}, 1); s < strips; s = Atomics.add(control, ${NEXT}, 1)) {
        const from = control[${JOB + 13} + s], to = control[${JOB + 14} + s];
        // Row strips share op(B), packed whole; column strips share op(A).
        if (byRows) gemm(transA, transB, m, n, k, a, b, c, from, to, 0, n, scratch, 0, packed, overwrite);
        else gemm(transA, transB, m, n, k, a, b, c, 0, m, from, to, scratch, packed, 0, overwrite);
      }
    } catch {
      Atomics.store(control, ${FAILED}, 1);
    }
    Atomics.store(control, ${STATE}, ${IDLE});
    Atomics.notify(control, ${STATE});
  }
}
`;

/** What the worker needs; every part can be sent to a worker (the memory is shared, not copied). */
export interface WorkerData {
  module: WasmKernels["module"];
  memory: WasmKernels["memory"];
  scratch: number;
}

/** What ends a started worker (a Worker of either platform has this method). */
export interface WorkerHandle {
  terminate(): void;
}

/**
 * Starts the worker and returns its handle; later calls `failed` (maybe more
 * than once) if the worker cannot run or dies. Throws, having started
 * nothing, if the worker cannot be created.
 */
export type StartWorker = (data: WorkerData, failed: () => void) => WorkerHandle;

// The few Web Worker members used here (tsconfig's ES2022 lib has no DOM).
interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(type: "error" | "messageerror", listener: () => void): void;
  terminate(): void;
}
interface WebGlobals {
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  /** Defined only inside a dedicated Web Worker, where Atomics.wait is allowed. */
  DedicatedWorkerGlobalScope?: unknown;
}

/** Where a worker can run on this platform, how many cores there are, or why there is no worker. */
interface ThreadPlatform {
  start: StartWorker | null;
  cores: number;
  /** Why a second thread is not possible here (setGemmThreads(2) says it). */
  why: string;
}

function detectPlatform(): ThreadPlatform {
  // Node's worker_threads are registered by node-threads.ts, which only the
  // Node entries import: a bundle for browsers must not reach any node: module.
  const web = globalThis as WebGlobals;
  const { Worker, Blob, URL } = web;
  if (Worker === undefined || Blob === undefined || URL === undefined) {
    const inNode = typeof process !== "undefined" && process.versions?.node !== undefined;
    return {
      start: null,
      cores: 1,
      why: inNode
        ? "Node's worker threads come with dagrad's Node entry, and this copy was loaded without it (a bundle made for another platform?); import \"dagrad\" or \"dagrad/node\" in Node"
        : "this platform has no worker threads",
    };
  }
  if (web.DedicatedWorkerGlobalScope === undefined) {
    return { start: null, cores: 1, why: "a page's main thread may not wait for another thread (Atomics.wait), so large products run on it alone; train in a Web Worker of a cross-origin isolated page to use two" };
  }
  if (web.crossOriginIsolated !== true) {
    return { start: null, cores: 1, why: "this page is not cross-origin isolated, so it has no shared memory for a second thread; serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp" };
  }
  return {
    cores: web.navigator?.hardwareConcurrency ?? 1,
    why: "",
    start: (data, failed) => {
      const source = `${WORKER_LOOP}\nself.onmessage = (event) => run(event.data);`;
      const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      let worker: WebWorker;
      try {
        worker = new Worker(url);
      } finally {
        // The constructor resolved the URL to its blob, which the worker keeps; unrevoked, the URL would hold the text until the page closes.
        URL.revokeObjectURL(url);
      }
      // A Web Worker lives on after an error until it is ended: the pool ends it through the handle.
      worker.addEventListener("error", failed);
      worker.addEventListener("messageerror", failed);
      try {
        worker.postMessage(data);
      } catch (error) {
        worker.terminate();
        throw error;
      }
      return worker;
    },
  };
}

let platform = detectPlatform();

interface Helper {
  readonly control: Int32Array;
  readonly worker: WorkerHandle;
  sequence: number;
}

/** One worker per shared instance (the SIMD and relaxed-SIMD builds each have their own memory). */
const helpers = new Map<WasmKernels, Helper>();
let broken = false;
let threads = platform.start === null ? 1 : Math.min(2, platform.cores);

/**
 * Give up on the workers for good: products run on the calling thread from
 * now on. Each worker is ended (once: forgotten here), since one stuck in a
 * strip would spin a core, and any would keep the shared memory alive.
 */
function giveUpOnWorkers(): void {
  broken = true;
  for (const helper of helpers.values()) helper.worker.terminate();
  helpers.clear();
}

/**
 * Run the worker on Node's worker_threads: node-threads.ts calls this when a
 * Node entry is loaded, before user code runs. Once is enough; later calls
 * change nothing. Tests shorten `workerTimeoutMs` to give up on a stuck worker sooner.
 */
export function useNodeWorkerThreads(start: StartWorker, cores: number, workerTimeoutMs = TIMEOUT_MS): void {
  if (platform.start !== null) return;
  platform = { start, cores, why: "" };
  threads = Math.min(2, cores);
  timeoutMs = workerTimeoutMs;
}

/**
 * Threads a large product may use: 1 (the caller only) or 2 (the caller and
 * one worker). 2 throws where no worker can help (a page's main thread, a page
 * that is not cross-origin isolated), saying why.
 */
export function setGemmThreads(count: 1 | 2): void {
  if (count !== 1 && count !== 2) throw new Error(`setGemmThreads: expected 1 or 2 threads, got ${String(count)}`);
  if (count === 2 && platform.start === null) throw new Error(`setGemmThreads(2): ${platform.why}`);
  threads = count;
}

export function getGemmThreads(): 1 | 2 {
  return threads === 1 ? 1 : 2;
}

/**
 * Whether a large product may go to the shared memory the worker reads. Not
 * once the pool gave up: a worker ended after a timeout stops a little later,
 * and could still write its strip into the next product placed there.
 */
export function workerMayHelp(): boolean {
  return threads === 2 && !broken && platform.start !== null;
}

/**
 * Start the worker now rather than on the first large product, and resolve
 * once it waits for jobs (false where it cannot run: one thread allowed, no
 * wasm, or a failed start).
 */
export async function startGemmWorker(w: WasmKernels): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 5) {
    if (readyHelper(w) !== null) return true;
    if (threads < 2 || broken) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}

/** Strips the worker has computed since it started (0 when it never ran). */
export function gemmWorkerStrips(): number {
  return workerStrips;
}
let workerStrips = 0;

/** The worker, if it is up and waiting for jobs; starts it on first call. */
function readyHelper(w: WasmKernels): Helper | null {
  if (threads < 2 || broken || platform.start === null) return null;
  let helper = helpers.get(w);
  if (helper === undefined) {
    let worker: WorkerHandle;
    try {
      worker = platform.start({ module: w.module, memory: w.memory, scratch: w.scratch(1) }, giveUpOnWorkers);
    } catch {
      giveUpOnWorkers();
      return null;
    }
    helper = { control: new Int32Array(w.memory.buffer, 0, JOB + JOB_WORDS), worker, sequence: 0 };
    helpers.set(w, helper);
  }
  return Atomics.load(helper.control, READY) === 1 ? helper : null;
}

/**
 * Strip boundaries along a side of C: each strip a quarter of what is left,
 * in whole units (`unit`: 12 rows, a multiple of every build's micro-tile
 * rows, 4 or 6; or 8 columns), so the strips shrink towards the end and the
 * thread that finishes first waits at most a unit strip for the other. The
 * part of a unit left over goes in the first strip: a larger last strip
 * would leave one thread waiting for the other at every product.
 */
function stripBounds(side: number, unit: number): number[] {
  const bounds = [0];
  let extra = side % unit;
  for (let at = 0; at < side;) {
    const remaining = side - at - extra;
    const size = bounds.length === MAX_STRIPS ? remaining : Math.min(remaining, Math.max(unit, Math.round(remaining / (4 * unit)) * unit));
    at += size + extra;
    extra = 0;
    bounds.push(at);
  }
  return bounds;
}

/**
 * C += op(A)·op(B) in strips shared with the worker. Returns false (having
 * done nothing) when no worker is ready, so the caller runs the whole product.
 */
export function runOnTwoThreads(w: WasmKernels, f64: boolean, transA: boolean, transB: boolean, m: number, n: number, k: number, at: Placement): boolean {
  const byRows = m >= n;
  const side = byRows ? m : n;
  const bounds = stripBounds(side, byRows ? 12 : 8);
  const strips = bounds.length - 1;
  if (strips < 2) return false;
  const h = readyHelper(w);
  if (h === null) return false;
  const control = h.control;
  // The operand every strip reads whole is packed once, here, before the worker can start.
  const shared = byRows ? "b" : "a";
  packShared(w, f64, shared, transA, transB, m, n, k, at);
  control.set([f64 ? 1 : 0, transA ? 1 : 0, transB ? 1 : 0, m, n, k, at.a, at.b, at.c, byRows ? 1 : 0, at.packed, at.overwrite ? 1 : 0, strips, ...bounds], JOB);
  Atomics.store(control, NEXT, 0);
  Atomics.store(control, FAILED, 0);
  Atomics.store(control, STATE, POSTED);
  Atomics.store(control, REQUEST, ++h.sequence);
  Atomics.notify(control, REQUEST);
  let mine = 0;
  for (let s = Atomics.add(control, NEXT, 1); s < strips; s = Atomics.add(control, NEXT, 1)) {
    const from = bounds[s]!, to = bounds[s + 1]!;
    if (byRows) runPart(w, f64, transA, transB, m, n, k, at, from, to, 0, n, 0, shared);
    else runPart(w, f64, transA, transB, m, n, k, at, 0, m, from, to, 0, shared);
    mine++;
  }
  // If the worker has not joined yet, withdraw the job: it will skip it when it wakes.
  if (Atomics.compareExchange(control, STATE, POSTED, IDLE) !== POSTED) {
    const spinUntil = performance.now() + CALLER_SPIN_MS;
    while (Atomics.load(control, STATE) === JOINED && performance.now() < spinUntil);
    while (Atomics.load(control, STATE) === JOINED) {
      if (Atomics.wait(control, STATE, JOINED, timeoutMs) === "timed-out") {
        giveUpOnWorkers();
        throw new Error(`gemm: the worker thread did not finish its strip of a ${m}x${k} · ${k}x${n} product in ${timeoutMs} ms`);
      }
    }
    workerStrips += strips - mine;
  }
  if (Atomics.load(control, FAILED) === 1) {
    // Its strips of C may be partly written: the product cannot be trusted.
    giveUpOnWorkers();
    throw new Error(`gemm: the worker thread failed on its strips of a ${m}x${k} · ${k}x${n} product`);
  }
  return true;
}
