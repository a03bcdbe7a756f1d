// The Web Worker path of gemm-threads.ts, run in Node with a fake browser on
// globalThis (a dedicated worker of a cross-origin isolated page, no Node
// modules): the worker's blob URL is revoked once the Worker exists, and a
// worker that reports an error, or cannot be sent its job, is terminated
// (once), not just abandoned. The real
// browser runs the same path in test/browser/chromium.test.ts.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WasmKernels } from "../../src/kernels/wasm.js";

/** What the fake browser saw, in order. */
let events: string[] = [];
let workers: FakeWorker[] = [];
let refuseWorkers = false;
let refuseMessages = false;

class FakeWorker {
  readonly listeners = new Map<string, () => void>();
  constructor(readonly url: string) {
    if (refuseWorkers) throw new Error("Worker: refused");
    events.push(`new Worker ${url}`);
    workers.push(this);
  }
  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, listener);
  }
  postMessage(): void {
    if (refuseMessages) throw new Error("postMessage: DataCloneError");
    events.push("postMessage");
  }
  terminate(): void {
    events.push("terminate");
  }
}

/** gemm-threads.ts loaded afresh in the fake browser (it detects its platform when loaded). */
async function loadInFakeBrowser(): Promise<typeof import("../../src/kernels/gemm-threads.js")> {
  events = [];
  workers = [];
  refuseWorkers = false;
  refuseMessages = false;
  let made = 0;
  vi.stubGlobal("Worker", FakeWorker);
  // Node's own Blob and URL, watched (replacing URL would break the module loader).
  vi.spyOn(URL, "createObjectURL").mockImplementation(() => `blob:${++made}`);
  vi.spyOn(URL, "revokeObjectURL").mockImplementation((url) => { events.push(`revoke ${url}`); });
  vi.stubGlobal("DedicatedWorkerGlobalScope", class {});
  vi.stubGlobal("crossOriginIsolated", true);
  vi.resetModules();
  return import("../../src/kernels/gemm-threads.js");
}

/** Enough of a wasm build for the worker to be started: its module, shared memory and scratch offset. */
const kernels = { module: {}, memory: { buffer: new SharedArrayBuffer(1024) }, scratch: () => 512 } as unknown as WasmKernels;

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.resetModules();
});

describe("the GEMM worker in a browser's dedicated Web Worker", () => {
  it("revokes the worker's blob URL as soon as the Worker is made", async () => {
    const threads = await loadInFakeBrowser();
    threads.setGemmThreads(2);
    const ready = threads.startGemmWorker(kernels);
    expect(events).toEqual(["new Worker blob:1", "revoke blob:1", "postMessage"]);
    workers[0]!.listeners.get("error")!();
    expect(await ready).toBe(false);
  });

  it("revokes the URL even when the Worker cannot be made, and then runs on one thread", async () => {
    const threads = await loadInFakeBrowser();
    threads.setGemmThreads(2);
    refuseWorkers = true;
    expect(await threads.startGemmWorker(kernels)).toBe(false);
    expect(events).toEqual(["revoke blob:1"]);
  });

  it.each(["error", "messageerror"])("terminates a worker that reports %s, once, and starts no other", async (type) => {
    const threads = await loadInFakeBrowser();
    threads.setGemmThreads(2);
    const ready = threads.startGemmWorker(kernels);
    workers[0]!.listeners.get(type)!();
    workers[0]!.listeners.get(type === "error" ? "messageerror" : "error")!();
    expect(await ready).toBe(false);
    expect(events).toEqual(["new Worker blob:1", "revoke blob:1", "postMessage", "terminate"]);
    expect(await threads.startGemmWorker(kernels), "a failed worker is not replaced").toBe(false);
    expect(workers).toHaveLength(1);
  });

  it("terminates a worker that cannot be sent its job, and then runs on one thread", async () => {
    const threads = await loadInFakeBrowser();
    threads.setGemmThreads(2);
    refuseMessages = true;
    expect(await threads.startGemmWorker(kernels)).toBe(false);
    expect(events).toEqual(["new Worker blob:1", "revoke blob:1", "terminate"]);
    expect(workers).toHaveLength(1);
  });
});
