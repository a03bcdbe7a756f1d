// The GEMM worker runs on Node's worker_threads only where a Node entry
// registered them: "dagrad"'s "node" export (src/index.node.ts), dagrad/node
// and the dagrad command. The shared entry (src/index.ts) reaches no node:
// module, and without registration in Node, asking for two threads says why.
import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(() => {
  vi.resetModules();
});

const threadsModule = () => import("../../src/kernels/gemm-threads.js");

describe("worker_threads come with the Node entries", () => {
  it("without them, Node runs products on one thread and setGemmThreads(2) says which entry to import", async () => {
    vi.resetModules();
    await import("../../src/index.js");
    const threads = await threadsModule();
    expect(threads.getGemmThreads()).toBe(1);
    expect(() => threads.setGemmThreads(2)).toThrow(/setGemmThreads\(2\): Node's worker threads come with dagrad's Node entry, .*import "dagrad" or "dagrad\/node" in Node/);
  });

  it.each([
    ["\"dagrad\" in Node (src/index.node.ts)", () => import("../../src/index.node.js")],
    ["dagrad/node", () => import("../../src/node/index.js")],
  ])("%s registers them: two threads where there are two cores, and the worker starts", async (_name, load) => {
    vi.resetModules();
    await load();
    const threads = await threadsModule();
    expect(threads.getGemmThreads()).toBe(Math.min(2, availableParallelism()));
    const { warmUpGemm } = await import("../../src/kernels/gemm.js");
    expect(await warmUpGemm()).toBe(availableParallelism() > 1);
  });
});
