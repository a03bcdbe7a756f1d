// npm run bench:browser: the playground's training in the page's own Web
// Worker (headless Chromium) against the same Session code in Node, in one
// run, rounds alternating so both see the same load. Also the page while
// playing (frames computed and posted, canvases and charts drawn) against
// Node's pure training. Writes bench/results/browser.json and regenerates
// bench/RESULTS.md (its "Browser" section). The machine is shared: read ratios.
import os from "node:os";
import type { Page } from "playwright-core";
import { buildPlayground } from "../playground/build.js";
import { type PlaygroundConfig, PRESETS } from "../playground/config.js";
import { Session } from "../playground/session.js";
import { serve } from "../test/browser/server.js";
import { CHROMIUM_PATH, chromiumAvailable, launch } from "../test/report/chromium.js";
import "../src/kernels/node-threads.js"; // as "dagrad" in Node has it
import { getGemmThreads } from "../src/kernels/gemm.js";
import { getKernelBackend } from "../src/kernels/backend.js";
import { type BrowserCase, saveSuite } from "./results.js";
import { writeReport } from "./report.js";

const ROUNDS = 5;

/** The preset's setup, trained without its stop-at epoch. */
function unlimited(id: string, change: (c: PlaygroundConfig) => void = () => {}): PlaygroundConfig {
  const config = structuredClone(PRESETS.find((p) => p.id === id)!.config);
  config.training.stopAt = 0;
  change(config);
  return config;
}

const WORKLOADS: { title: string; config: PlaygroundConfig; epochs: number }[] = [
  { title: "tiny moons net: 000's [2, 8, 1] tanh, sigmoid + BCE, 240 rows full batch", config: unlimited("000"), epochs: 2000 },
  {
    title: "bench's tiny-step shape on moons: [2, 16, 16, 1] tanh, BCE with logits, 240 rows full batch",
    config: unlimited("000", (c) => { c.network.hidden = [16, 16]; c.network.output = "identity"; c.network.loss = "bceWithLogits"; c.training.lr = 0.1; }),
    epochs: 1000,
  },
  { title: "001's deep net: 10 sigmoid layers of 16, 240 rows full batch", config: unlimited("001-sigmoid"), epochs: 200 },
];

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function nodeRate(config: PlaygroundConfig, epochs: number): number {
  const session = new Session(config);
  const started = performance.now();
  const trained = session.train(epochs).length;
  return trained / ((performance.now() - started) / 1000);
}

async function workerRate(page: Page, config: PlaygroundConfig, epochs: number): Promise<number> {
  const { epochs: trained, ms } = await page.evaluate(
    `window.dagradPlayground.bench(${JSON.stringify(config)}, ${epochs})`,
  ) as { epochs: number; ms: number };
  return trained / (ms / 1000);
}

/** Epochs per second of the page playing 000's setup for `seconds`, read off its epoch counter. */
async function playingRate(page: Page, seconds: number): Promise<number> {
  await page.selectOption("#preset", "000");
  await page.fill("#stop-at", "0");
  await page.dispatchEvent("#stop-at", "change");
  await page.waitForFunction(`document.getElementById("epoch").textContent === "0" && document.getElementById("status").textContent === ""`);
  await page.click("#play");
  await page.waitForFunction(`Number(document.getElementById("epoch").textContent) > 0`);
  const epochAt = async () => [Number(await page.textContent("#epoch")), performance.now()] as const;
  const [e0, t0] = await epochAt();
  await page.waitForTimeout(seconds * 1000);
  const [e1, t1] = await epochAt();
  await page.click("#play");
  return (e1 - e0) / ((t1 - t0) / 1000);
}

if (!chromiumAvailable) {
  console.error(`bench:browser needs Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  process.exit(1);
}
const files = await buildPlayground();
const [browser, site] = await Promise.all([launch(), serve(Object.fromEntries(Object.entries(files).map(([n, t]) => [`/${n}`, t])), { crossOriginIsolated: true })]);
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(`${site.origin}/index.html`);
await page.waitForFunction(`document.getElementById("epoch").textContent === "0" && document.getElementById("status").textContent === ""`);
const chromium = browser.version();
console.log(`dagrad bench:browser: ${os.cpus()[0]?.model ?? "unknown"}, ${os.cpus().length} cores, Node ${process.version}, Chromium ${chromium}; median of ${ROUNDS} rounds, Node and the page's worker alternating`);

const cases: BrowserCase[] = [];
for (const { title, config, epochs } of WORKLOADS) {
  // One round each first, unmeasured: both engines compile their hot code.
  nodeRate(config, epochs);
  await workerRate(page, config, epochs);
  const node: number[] = [], worker: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    worker.push(await workerRate(page, config, epochs));
    node.push(nodeRate(config, epochs));
  }
  const c: BrowserCase = { title, epochs, node: median(node), worker: median(worker) };
  cases.push(c);
  console.log(`  ${title}: Node ${c.node.toFixed(0)} epochs/s, worker ${c.worker.toFixed(0)} epochs/s, worker / Node ${(c.worker / c.node).toFixed(2)}`);
}
const playing = await playingRate(page, 4);
console.log(`  the page playing 000's setup (frames, canvases and charts drawn): ${playing.toFixed(0)} epochs/s, ${(playing / cases[0]!.node).toFixed(2)} of Node's training alone`);
await browser.close();
await site.close();

saveSuite({
  kind: "browser", name: "browser",
  run: {
    date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30), quick: false, rounds: ROUNDS, gemm: `${getKernelBackend()}, ${getGemmThreads()} thread(s)`,
  },
  chromium, cases, playing,
});
writeReport();
console.log("wrote bench/results/browser.json and bench/RESULTS.md");
