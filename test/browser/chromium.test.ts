// dagrad in headless Chromium, as a page loads it: the bundle of the public
// entry trains with Node's loss bits, a page's main thread never waits for
// another thread, and a Web Worker of a cross-origin isolated page splits
// large products with a nested worker (the same bits as one thread).
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, chromiumMissing, launch } from "../report/chromium.js";
import { restoreBackendAfterAll } from "../kernels/helpers.js";
import { bundleForBrowser } from "./bundle.js";
import { idx } from "../datasets/helpers.js";
import { type DataReport, type ThreadReport, type TinyRun, readData, readSharedIdx, trainLarge, trainTiny } from "./fixtures/runs.js";
import { type Site, serve } from "./server.js";

if (!chromiumAvailable) console.warn(chromiumMissing);
restoreBackendAfterAll();

const FIXTURES = join(import.meta.dirname, "fixtures");
const PAGE = "<!doctype html><meta charset=\"utf-8\"><title>dagrad</title>";

describe.skipIf(!chromiumAvailable)("dagrad in headless Chromium", () => {
  let browser: Browser;
  /** The same files, from a cross-origin isolated site and from a plain one. */
  let isolated: Site;
  let plain: Site;

  beforeAll(async () => {
    const [runs, worker] = await Promise.all([bundleForBrowser(join(FIXTURES, "runs.ts")), bundleForBrowser(join(FIXTURES, "worker.ts"))]);
    expect([...runs.errors, ...worker.errors]).toEqual([]);
    const files = { "/index.html": PAGE, "/runs.js": runs.code, "/worker.js": worker.code };
    [browser, isolated, plain] = await Promise.all([launch(), serve(files, { crossOriginIsolated: true }), serve(files, { crossOriginIsolated: false })]);
  });
  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
  });

  async function open(site: Site): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${site.origin}/index.html`);
    return page;
  }

  /** The page starts the worker, counts its own timer ticks until the worker reports, and returns both. */
  async function reportFromWorker(site: Site): Promise<ThreadReport & { ticks: number }> {
    const page = await open(site);
    const result = await page.evaluate(`new Promise((resolve, reject) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const worker = new Worker("/worker.js", { type: "module" });
      worker.onerror = (e) => reject(new Error(e.message));
      worker.onmessage = (e) => { clearInterval(timer); resolve({ ...e.data, ticks }); };
      worker.postMessage("train");
    })`) as ThreadReport & { ticks: number; error?: string };
    await page.close();
    expect(result.error).toBeUndefined();
    return result;
  }

  it("trains a 2-16-16-1 tanh MLP with Node's loss bits, through the graph and captured: TypeScript and WebAssembly SIMD kernels always, the default while both pick it", async () => {
    const page = await open(plain);
    const [js, wasm, auto] = await page.evaluate(`import("/runs.js").then((m) => [m.trainTiny("js"), m.trainTiny("wasm"), m.trainTiny("auto")])`) as [TinyRun, TinyRun, TinyRun];
    await page.close();
    const node = { js: trainTiny("js"), wasm: trainTiny("wasm"), auto: trainTiny("auto") };
    expect(js).toEqual(node.js);
    expect(wasm).toEqual(node.wasm);
    // captureStep replays the same kernel calls: the same bits as the graph, on every backend, in the page as in Node.
    for (const run of [js, wasm, auto]) expect(run.float32Captured).toEqual(run.float32);
    // The float32 losses differ between the kernel backends (the wasm GEMM sums in float32 lanes): comparing them means something.
    expect(node.wasm.float32).not.toEqual(node.js.float32);
    // Chromium validates relaxed SIMD, Node 20 does not: then only float64 (never fused) is comparable.
    if (auto.kernels === node.auto.kernels) {
      expect(auto).toEqual(node.auto);
    } else {
      console.warn(`Chromium picked the ${auto.kernels} kernels, Node the ${node.auto.kernels}: their float32 losses are not compared`);
      expect(auto.float64).toEqual(node.auto.float64);
    }
  });

  it("a page's main thread never waits for a worker: one thread, two refused with the reason, large products computed", async () => {
    const page = await open(isolated);
    const report = await page.evaluate(`import("/runs.js").then((m) => m.threadReport())`) as ThreadReport;
    await page.close();
    expect(report.crossOriginIsolated).toBe(true);
    expect(report.threadsAtStart).toBe(1);
    expect(report.refused).toBe("setGemmThreads(2): a page's main thread may not wait for another thread (Atomics.wait), so large products run on it alone; train in a Web Worker of a cross-origin isolated page to use two");
    expect([report.workerReady, report.workerStrips]).toEqual([false, 0]);
    expect(report.losses).toEqual(trainLarge());
  });

  it("a Web Worker of a cross-origin isolated page splits large products with a nested worker, with one thread's bits and Node's, and the page stays free", async () => {
    const report = await reportFromWorker(isolated);
    expect(report.crossOriginIsolated).toBe(true);
    expect([report.threadsAtStart, report.refused, report.workerReady]).toEqual([2, null, true]);
    expect(report.workerStrips, "strips of C computed by the nested worker").toBeGreaterThan(0);
    expect(report.losses).toEqual(report.oneThread);
    expect(report.losses).toEqual(trainLarge());
    // Training on the page's main thread would have run as one task, with no tick in between.
    expect(report.ticks, `timer ticks on the page while the worker trained for ${report.ms.toFixed(0)} ms`).toBeGreaterThan(2);
  });

  it("a Web Worker of a page that is not cross-origin isolated trains on one thread and says why two cannot be", async () => {
    const report = await reportFromWorker(plain);
    expect(report.crossOriginIsolated).toBe(false);
    expect([report.threadsAtStart, report.workerReady, report.workerStrips]).toEqual([1, false, 0]);
    expect(report.refused).toBe("setGemmThreads(2): this page is not cross-origin isolated, so it has no shared memory for a second thread; serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp");
    expect(report.losses).toEqual(trainLarge());
  });

  it("reads data as a page has it: gzip IDX bytes through the browser's DecompressionStream, RFC 4180 CSV text, a model as JSON text", async () => {
    const images = Array.from(gzipSync(idx([2, 2, 2], [0, 51, 102, 153, 204, 255, 1, 2])));
    const labels = Array.from(idx([2], [3, 9]));
    const csv = '\uFEFF"a, b",c\r\n"1.5",0\r\n2,1\r\n';
    const page = await open(plain);
    const report = await page.evaluate(`import("/runs.js").then((m) => m.readData(${JSON.stringify(images)}, ${JSON.stringify(labels)}, ${JSON.stringify(csv)}))`) as DataReport;
    await page.close();
    const node = await readData(images, labels, csv);
    expect({ ...report, brokenGzip: "" }).toEqual({ ...node, brokenGzip: "" });
    expect(report.idx.slice(1)).toEqual([[3, 9], 2, 2]);
    expect(report.featureNames).toEqual(["a, b"]);
    // The inflater's own reason, in the browser's words (a Response around the stream said only "Failed to fetch").
    expect(report.brokenGzip).toMatch(/^loadIdx: images: starts like gzip \(1f 8b\) but cannot be decompressed: .*unknown compression method/);
    expect(node.brokenGzip).toMatch(/^loadIdx: images: starts like gzip \(1f 8b\) but cannot be decompressed: .*unknown compression method/);
    expect(report.sameAfterJson).toBe(true);
  });

  it("reads gzip IDX bytes that live in shared memory (a Blob takes no view of a SharedArrayBuffer in a browser)", async () => {
    const images = Array.from(gzipSync(idx([2, 2, 2], [0, 51, 102, 153, 204, 255, 1, 2])));
    const labels = Array.from(idx([2], [3, 9]));
    const page = await open(isolated);
    const read = await page.evaluate(`import("/runs.js").then((m) => m.readSharedIdx(${JSON.stringify(images)}, ${JSON.stringify(labels)}))`);
    await page.close();
    expect(read).toEqual([3, 9]);
    expect(await readSharedIdx(images, labels)).toEqual([3, 9]);
  });
});
