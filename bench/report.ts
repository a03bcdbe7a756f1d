// bench/RESULTS.md from bench/results/*.json (a quick run: bench/quick/): the
// medians, each line's ratio to its best peer, and where every target of issue
// 6 stands. The hand-written reading of the full run's numbers
// (bench/analysis.md) is appended as it is.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../src/node/files.js";
import { type BrowserSuite, type EpochSuite, type MemorySuite, type OutputFolder, type RateSuite, FULL_OUTPUT, loadSuites } from "./results.js";

const PEERS = ["tfjs-cpu", "tfjs-wasm", "jax-js"];
/** Native code, measured when the machine has it (engines/pytorch.ts); compared with, not counted among the JavaScript peers. */
const PYTORCH = ["pytorch", "pytorch 1 thread"];
const COLUMNS = ["dagrad", "dagrad captured", "dagrad captured 1 thread", "dagrad 1 thread", "dagrad 1 thread SIMD", "manual on kernels", "manual reference", ...PEERS, ...PYTORCH];
const STEP_ORDER = ["mnist-step", "tiny-step", "tiny-step-bce", "deep-step"];

const fmt = (v: number | undefined, digits = 1): string => (v === undefined || !Number.isFinite(v) ? "–" : v >= 100 ? v.toFixed(0) : v.toFixed(digits));
const ratio = (v: number): string => `${v.toFixed(2)}x`;

function rateOf(suite: RateSuite | undefined, engine: string): number | undefined {
  return suite?.cases.find((c) => c.engine === engine)?.rate;
}

function bestPeer(suite: RateSuite): { engine: string; rate: number } | undefined {
  let best: { engine: string; rate: number } | undefined;
  for (const engine of PEERS) {
    const rate = rateOf(suite, engine);
    if (rate !== undefined && (best === undefined || rate > best.rate)) best = { engine, rate };
  }
  return best;
}

function throughputTable(rates: RateSuite[]): string[] {
  const lines = [
    `| workload | unit | ${COLUMNS.join(" | ")} | best JS peer | dagrad / best JS peer | dagrad / pytorch |`,
    `|---|---|${COLUMNS.map(() => "---:").join("|")}|---|---:|---:|`,
  ];
  for (const suite of rates) {
    const best = bestPeer(suite);
    const dagrad = rateOf(suite, "dagrad");
    const torch = rateOf(suite, "pytorch");
    const cells = COLUMNS.map((e) => fmt(rateOf(suite, e)));
    const vs = best && dagrad !== undefined ? ratio(dagrad / best.rate) : "–";
    const vsTorch = torch !== undefined && dagrad !== undefined ? ratio(dagrad / torch) : "–";
    lines.push(`| ${suite.title} | ${suite.unit} | ${cells.join(" | ")} | ${best?.engine ?? "–"} | ${vs} | ${vsTorch} |`);
  }
  return lines;
}

/** A ratio and its goal: at least `goal`, or at most when `atMost`. */
interface Target { readonly what: string; readonly measured: number | undefined; readonly goal: number; readonly atMost?: boolean; readonly yardstick?: boolean }

function targets(byName: Map<string, RateSuite>): Target[] {
  const list: Target[] = [];
  const versus = (suite: string, peer: string, goal: number, label: string): void => {
    const s = byName.get(suite);
    const d = rateOf(s, "dagrad");
    const p = rateOf(s, peer);
    list.push({ what: `${label}: dagrad / ${peer} ≥ ${goal}`, measured: d !== undefined && p !== undefined ? d / p : undefined, goal });
  };
  versus("tiny-step", "jax-js", 3, "tiny step");
  versus("tiny-step", "tfjs-wasm", 5, "tiny step");
  versus("deep-step", "jax-js", 3, "deep step");
  versus("deep-step", "tfjs-wasm", 5, "deep step");
  versus("mnist-step", "jax-js", 1.5, "MNIST step");
  versus("mnist-step", "tfjs-wasm", 6, "MNIST step");
  for (const n of [256, 512, 1024]) {
    const s = byName.get(`matmul-${n}`);
    const d = rateOf(s, "dagrad");
    const peer = Math.max(rateOf(s, "jax-js") ?? NaN, rateOf(s, "tfjs-wasm") ?? NaN);
    list.push({ what: `matmul n=${n}: dagrad / max(jax-js, tfjs-wasm) ≥ 1.5`, measured: d !== undefined ? d / peer : undefined, goal: 1.5 });
  }
  // "Within 1.3x" of the manual step: autograd's time per step over the manual engine's.
  for (const manual of ["manual on kernels", "manual reference"]) {
    const s = byName.get("mnist-step");
    const d = rateOf(s, "dagrad");
    const m = rateOf(s, manual);
    list.push({ what: `MNIST step: dagrad time / ${manual} time ≤ 1.3`, measured: d !== undefined && m !== undefined ? m / d : undefined, goal: 1.3, atMost: true });
  }
  return list;
}

/** The platform's float32 limit in this WebAssembly: the fastest build's calibration kernel on one thread (or on two). */
function platformLimit(byName: Map<string, RateSuite>, threads: 1 | 2 = 1): { engine: string; rate: number } | undefined {
  const cases = (byName.get("calibration")?.cases ?? []).filter((c) => c.engine.endsWith("2 threads") === (threads === 2));
  return cases.reduce<{ engine: string; rate: number } | undefined>((best, c) => (best === undefined || c.rate > best.rate ? { engine: c.engine, rate: c.rate } : best), undefined);
}

function targets15(byName: Map<string, RateSuite>): Target[] {
  const list: Target[] = [];
  const of = (suite: string, engine: string): number | undefined => rateOf(byName.get(suite), engine);
  const over = (x: number | undefined, y: number | undefined): number | undefined => (x !== undefined && y !== undefined ? x / y : undefined);
  list.push({ what: "MNIST step: dagrad / jax-js ≥ 2", measured: over(of("mnist-step", "dagrad"), of("mnist-step", "jax-js")), goal: 2 });
  list.push({ what: "MNIST step: dagrad / dagrad 1 thread ≥ 1.6", measured: over(of("mnist-step", "dagrad"), of("mnist-step", "dagrad 1 thread")), goal: 1.6 });
  list.push({ what: "MNIST step through captureStep: dagrad captured / dagrad captured 1 thread ≥ 1.6", measured: over(of("mnist-step", "dagrad captured"), of("mnist-step", "dagrad captured 1 thread")), goal: 1.6 });
  const limit = platformLimit(byName);
  for (const n of [256, 512, 1024]) {
    list.push({ what: `matmul n=${n}: dagrad 1 thread / platform limit ≥ 0.9`, measured: over(of(`matmul-${n}`, "dagrad 1 thread"), limit?.rate), goal: 0.9 });
    list.push({ what: `matmul n=${n}: dagrad (2 threads) / dagrad 1 thread ≥ 1.8`, measured: over(of(`matmul-${n}`, "dagrad"), of(`matmul-${n}`, "dagrad 1 thread")), goal: 1.8 });
  }
  // Not a target: what this machine's second core gave in the same run (the calibration kernel on two threads against one).
  const two = platformLimit(byName, 2);
  if (two !== undefined && limit !== undefined) list.push({ what: "(yardstick) calibration kernel: 2 threads / 1 thread, the most two threads could give here", measured: two.rate / limit.rate, goal: 1.8, yardstick: true });
  list.push({ what: "tiny step, sigmoid + BCE: dagrad / jax-js ≥ 3", measured: over(of("tiny-step-bce", "dagrad"), of("tiny-step-bce", "jax-js")), goal: 3 });
  for (const suite of STEP_ORDER) {
    const title = byName.get(suite)?.title ?? suite;
    list.push({ what: `${title}: dagrad time / manual on kernels time ≤ 1.15`, measured: over(of(suite, "manual on kernels"), of(suite, "dagrad")), goal: 1.15, atMost: true });
    list.push({ what: `${title}: dagrad captured (captureStep) time / manual on kernels time ≤ 1.15`, measured: over(of(suite, "manual on kernels"), of(suite, "dagrad captured")), goal: 1.15, atMost: true });
  }
  return list;
}

function calibrationTable(byName: Map<string, RateSuite>): string[] {
  const calibration = byName.get("calibration");
  if (calibration === undefined) return [];
  const limit = platformLimit(byName)!;
  const lines = [
    "## Platform limit",
    "",
    "What this WebAssembly can do in float32 at most: each build's calibration kernel (`peakF32` in",
    "src/kernels/wasm/gemm.as: 12 independent f32x4 multiply-add chains, nothing loaded or stored), timed like every line;",
    "then the fastest build on the calling thread and a worker thread at once (bench/calibration.ts): what the second core gave in this run.",
    "",
    "| build | GFLOP/s |",
    "|---|---:|",
    ...calibration.cases.map((c) => `| ${c.engine} | ${fmt(c.rate)} |`),
    "",
    `| matmul | dagrad 1 thread | / limit (${fmt(limit.rate)}) | dagrad 1 thread SIMD | / SIMD limit |`,
    "|---|---:|---:|---:|---:|",
  ];
  const simdLimit = calibration.cases.find((c) => c.engine.startsWith("wasm SIMD"))?.rate;
  for (const n of [64, 128, 256, 512, 1024]) {
    const suite = byName.get(`matmul-${n}`);
    const one = rateOf(suite, "dagrad 1 thread");
    const simd = rateOf(suite, "dagrad 1 thread SIMD");
    if (one === undefined) continue;
    const share = (x: number | undefined, y: number | undefined): string => (x !== undefined && y !== undefined ? `${((100 * x) / y).toFixed(0)}%` : "–");
    lines.push(`| ${n}³ | ${fmt(one)} | ${share(one, limit.rate)} | ${fmt(simd)} | ${share(simd, simdLimit)} |`);
  }
  lines.push("");
  return lines;
}

function targetRow(t: Target): string {
  if (t.measured === undefined || !Number.isFinite(t.measured)) return `| ${t.what} | – | not run |`;
  if (t.yardstick) return `| ${t.what} | ${ratio(t.measured)} | (what the machine gave) |`;
  const met = t.atMost ? t.measured <= t.goal : t.measured >= t.goal;
  return `| ${t.what} | ${ratio(t.measured)} | ${met ? "met" : "**not met**"} |`;
}

function parityTable(rates: RateSuite[]): string[] {
  const lines = ["| workload | reference | largest relative difference (engine) |", "|---|---|---|"];
  for (const suite of rates) {
    const worst = suite.parity.reduce((a, b) => (b.relativeDifference > a.relativeDifference ? b : a));
    lines.push(`| ${suite.title} | ${suite.parityReference} | ${worst.relativeDifference.toExponential(1)} (${worst.engine}) |`);
  }
  return lines;
}

function browserSection(browser: BrowserSuite): string[] {
  const goal = 1 / 1.5;
  return [
    "## Browser: the playground's worker against Node",
    "",
    `\`npm run bench:browser\` (bench/browser.ts), ${browser.run.date.slice(0, 16).replace("T", " ")} UTC: Chromium ${browser.chromium} against Node ${browser.run.node}, on ${browser.run.cpu}, ${browser.run.cores} cores.`,
    "The playground's training (`Session.train`: fit with its per-epoch test evaluation, gradient norms and update ratios; full batch,",
    `so one step per epoch) in the page's Web Worker and in Node, rounds alternating, median of ${browser.run.rounds}.`,
    `Goal (issue 12): the worker within 1.5x of Node's steps per second, i.e. worker / Node ≥ ${goal.toFixed(2)}.`,
    "",
    "| workload | epochs/round | Node steps/s | worker steps/s | worker / Node | within 1.5x |",
    "|---|---:|---:|---:|---:|---|",
    ...browser.cases.map((c) => `| ${c.title} | ${c.epochs} | ${fmt(c.node)} | ${fmt(c.worker)} | ${ratio(c.worker / c.node)} | ${c.worker / c.node >= goal ? "met" : "**not met**"} |`),
    "",
    `While playing (the worker computing a frame every 25 ms slice, the page drawing it): ${fmt(browser.playing)} steps/s, ${ratio(browser.playing / browser.cases[0]!.node)} of Node's training alone on the first workload.`,
    "",
  ];
}

export function writeReport(output: OutputFolder = FULL_OUTPUT): void {
  const suites = loadSuites(output);
  const all = suites.filter((s): s is RateSuite => s.kind === "rate");
  const calibration = all.filter((s) => s.name === "calibration");
  const rates = all.filter((s) => s.name !== "calibration");
  const order = (name: string): number => (name.startsWith("matmul-") ? Number(name.slice(7)) : 1e6 + STEP_ORDER.indexOf(name));
  rates.sort((a, b) => order(a.name) - order(b.name));
  const byName = new Map([...rates, ...calibration].map((s) => [s.name, s]));
  const epoch = suites.find((s): s is EpochSuite => s.kind === "epoch");
  const memory = suites.find((s): s is MemorySuite => s.kind === "memory");
  const browser = suites.find((s): s is BrowserSuite => s.kind === "browser");
  // npm run bench:browser is a run of its own, with its own section: the machine and runs above are npm run bench's.
  const benchSuites = suites.filter((s) => s.kind !== "browser");
  const runs = [...new Set(benchSuites.map((s) => `${s.run.date.slice(0, 16).replace("T", " ")} UTC (${s.run.quick ? "quick" : "full"})`))];
  const info = benchSuites[0]?.run;

  const out: string[] = [
    "# Benchmark results",
    "",
    output.withAnalysis
      ? "Generated by `npm run bench` (bench/run.ts); do not edit by hand: the reading of the numbers is in bench/analysis.md, appended below."
      : "Generated by `npm run bench -- --quick` (bench/run.ts): one short round, noisier than the committed full run in bench/RESULTS.md.",
    "",
    info ? `- Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGB} GiB; Node ${info.node}; dagrad kernels: ${info.gemm}.` : "- No results yet.",
    ...(info?.pytorch !== undefined ? [`- PyTorch line: ${info.pytorch}.`] : []),
    `- Run${runs.length > 1 ? "s" : ""}: ${runs.join("; ")}.`,
    `- Every number is a median of benny (benchmark.js) samples${info && info.rounds > 1 ? `, then the median over ${info.rounds} rounds of the whole suite` : ""};`,
    "  GFLOP/s = 2n³ / t for matmul, steps/s for a training step (forward, backward, SGD update, reading the loss back).",
    "  All engines of a line ran in one process, one after the other, on a 2-core machine shared with other work:",
    "  absolute numbers drift between runs, ratios within a line are what to compare.",
    "",
    "## Throughput",
    "",
    ...throughputTable(rates),
    "",
    "Engines: **dagrad** = the autograd graph (`nn` MLP, loss and SGD), large products split with the GEMM worker thread;",
    "**dagrad captured** = the same step through `captureStep` (recorded once through the graph, then its kernel calls replayed; SGD outside);",
    "**dagrad 1 thread** / **dagrad captured 1 thread** = the same with every product on the calling thread (captured: MNIST only, the one line whose products are split); **manual on kernels** = the hand-derived backprop",
    "equations on the kernels autograd runs, with preallocated buffers (no graph: the floor the graph is measured against);",
    "**manual reference** = `src/nn/manual`, the same equations as plain loops (the correctness oracle);",
    "**tfjs-cpu** / **tfjs-wasm** = TensorFlow.js 4.22 backends; **jax-js** = @jax-js/jax 0.1.25 with `jit` over the whole update;",
    "**dagrad 1 thread SIMD** = one thread on the plain-SIMD build (separate multiply and add) where relaxed SIMD runs (matmul only);",
    "**pytorch** / **pytorch 1 thread** = PyTorch CPU on the same data, timed in its own process (optional: see the PyTorch line above).",
    "",
    ...calibrationTable(byName),
    "## Targets of issue 15",
    "",
    "| target | measured | status |",
    "|---|---:|---|",
    ...targets15(byName).map(targetRow),
    "",
    "## Targets of issue 6",
    "",
    "| target | measured | status |",
    "|---|---:|---|",
    ...targets(byName).map(targetRow),
    "",
    "## Parity: every engine computes the same thing",
    "",
    "Matmul: largest difference of the product from the first engine's, relative to the largest entry. Training steps:",
    "the first three losses from the same initial weights and batch, against the manual-on-kernels engine.",
    "",
    ...parityTable(rates),
    "",
  ];
  if (epoch) {
    out.push(
      "## One MNIST epoch",
      "",
      `8,000 real training digits in one seeded order, batch 128 (63 steps), then accuracy on 2,000 test digits; wall clock of the whole epoch including loading each batch into the engine, median of ${epoch.results[0]?.repeats ?? 0} epoch(s) from fresh weights.`,
      "",
      "| engine | seconds / epoch | steps/s | test accuracy | last batch loss |",
      "|---|---:|---:|---:|---:|",
      ...epoch.results.map((r) => `| ${r.engine} | ${r.seconds.toFixed(3)} | ${fmt(r.stepsPerSecond)} | ${(r.testAccuracy * 100).toFixed(2)}% | ${r.finalLoss.toFixed(4)} |`),
      "",
    );
  }
  if (memory) {
    out.push(
      "## Memory: 10,000 tiny steps against 100",
      "",
      "After a forced garbage collection (node --expose-gc).",
      "",
      "| engine | heap after 100 | heap after 10,000 | RSS after 100 | RSS after 10,000 |",
      "|---|---:|---:|---:|---:|",
      ...memory.results.map((r) => `| ${r.engine} | ${r.heapAfter100MB.toFixed(1)} MB | ${r.heapAfter10000MB.toFixed(1)} MB | ${r.rssAfter100MB.toFixed(0)} MB | ${r.rssAfter10000MB.toFixed(0)} MB |`),
      "",
    );
  }
  if (browser) out.push(...browserSection(browser));
  const analysis = path.join(FULL_OUTPUT.report, "..", "analysis.md");
  if (output.withAnalysis && existsSync(analysis)) out.push(readFileSync(analysis, "utf8").trimEnd(), "");
  writeFileAtomic(output.report, out.join("\n"));
}
