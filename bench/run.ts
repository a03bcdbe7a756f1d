// `npm run bench [-- --quick] [-- --only matmul,tiny-step,...] [-- --report]`
// Runs every workload with dagrad and its peers in one process, writes
// bench/results/<name>.json and regenerates bench/RESULTS.md (--report only
// regenerates it from the stored results, e.g. after editing analysis.md).
// A quick run writes bench/quick/ instead (gitignored): its noisy numbers never
// replace the committed full run's.
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import type { Engine } from "./engines/engine.js";
import { dagradAutograd, dagradCaptured, dagradCapturedOneThread, dagradOneThread, dagradOneThreadSimd } from "./engines/dagrad.js";
import { manualKernels, manualReference } from "./engines/manual.js";
import { loadTfjs } from "./engines/tfjs.js";
import { loadJax } from "./engines/jax.js";
import { runEpochs } from "./epoch.js";
import { measureMemory } from "./memory.js";
import { timeCases, type TimingOptions } from "./measure.js";
import { type MlpProblem, PROBLEMS, initialWeights, randomBatch, randomMatrix } from "./problems.js";
import { type ParityCase, type RateCase, type RunInfo, outputFor, saveSuite } from "./results.js";
import { writeReport } from "./report.js";
import { getGemmThreads, warmUpGemm } from "../src/kernels/gemm.js";
import { activeKernels } from "../src/kernels/backend.js";
import { calibrate } from "./calibration.js";
import { loadPytorch } from "./engines/pytorch.js";

const SUITES = ["calibration", "matmul", "mnist-step", "tiny-step", "tiny-step-bce", "deep-step", "mnist-epoch", "memory"] as const;
type SuiteName = (typeof SUITES)[number];

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, only: { type: "string" }, report: { type: "boolean", default: false } },
});
if (values.report) {
  writeReport();
  console.log("wrote bench/RESULTS.md from bench/results/");
  process.exit(0);
}
// Node 20 validates relaxed SIMD only behind a V8 flag, which Node 22+ and
// Chromium have on by default: the bench turns it on before any kernel is
// compiled, so it measures the build those runtimes pick ("dagrad 1 thread
// SIMD" is the plain build, what Node 20 runs without the flag).
const relaxedByFlag = Number(process.versions.node.split(".")[0]) < 22;
if (relaxedByFlag) v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
const quick = values.quick ?? false;
const output = outputFor(quick);
const only = new Set((values.only ?? SUITES.join(",")).split(",").map((s) => s.trim()));
for (const name of only) {
  if (!(SUITES as readonly string[]).includes(name)) throw new Error(`bench: unknown suite "${name}", expected some of ${SUITES.join(", ")}`);
}
const wanted = (name: SuiteName): boolean => only.has(name);
const timing: TimingOptions = quick ? { maxTime: 0.5, minSamples: 5, rounds: 1 } : { maxTime: 1.5, minSamples: 10, rounds: 3 };

const pytorch = loadPytorch();
const run: RunInfo = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  quick,
  rounds: timing.rounds,
  // Started before timing: the worker thread that takes half of each large product.
  pytorch: pytorch.line?.description ?? pytorch.why,
  gemm: `${activeKernels()}${relaxedByFlag && activeKernels() === "wasm-relaxed" ? " (relaxed SIMD turned on by the bench: v8 flag --experimental-wasm-relaxed-simd)" : ""}, ${getGemmThreads()} thread(s)${(await warmUpGemm()) ? "" : " (worker not started)"}`,
};

const oneThreadSimd = dagradOneThreadSimd();
const dagradEngines: Engine[] = [dagradAutograd, dagradCaptured, dagradCapturedOneThread, dagradOneThread, ...(oneThreadSimd ? [oneThreadSimd] : []), manualKernels, manualReference];
const peers: Engine[] = [...(await loadTfjs()), await loadJax()];
const engines = [...dagradEngines, ...peers];

async function calibrationSuite(): Promise<void> {
  const cases = await calibrate(timing);
  saveSuite({ kind: "rate", name: "calibration", title: "platform limit: 12 independent f32x4 multiply-add chains", unit: "GFLOP/s", run, cases, parityReference: "", parity: [] }, output);
}

async function matmulSuites(): Promise<void> {
  const sizes = [64, 128, 256, 512, 1024];
  for (const n of sizes) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    // The pure-JS TF.js backend needs seconds per 1024 product: left out of the quick run.
    const here = engines.filter((e) => e.matmul && !(quick && n >= 1024 && e.name === "tfjs-cpu"));
    const runs = here.map((e) => ({ engine: e.name, ...e.matmul!(a, b, n) }));
    // Every engine must compute the same product (float32 sums in different orders).
    runs.forEach((r) => r.run());
    const reference = runs[0]!.result();
    const parity: ParityCase[] = runs.map((r) => ({ engine: r.engine, losses: [], relativeDifference: maxRelativeDifference(r.result(), reference) }));
    const timings = await timeCases(`matmul n=${n}`, runs, timing);
    const flops = 2 * n ** 3;
    const cases: RateCase[] = timings.map((t) => ({ engine: t.engine, rate: flops / (t.medianMs / 1000) / 1e9, medianMs: t.medianMs, rme: t.rme, samples: t.samples }));
    if (pytorch.line) {
      const torch = pytorch.line.matmul(a, b, n, timing);
      parity.push({ engine: "pytorch", losses: [], relativeDifference: maxRelativeDifference(torch.result, reference) });
      for (const t of torch.timings) cases.push({ engine: t.engine, rate: flops / t.seconds / 1e9, medianMs: t.seconds * 1000, rme: t.rme, samples: t.samples });
      console.log(`  ${torch.timings.map((t) => `${t.engine}: ${(flops / t.seconds / 1e9).toFixed(1)} GFLOP/s`).join(", ")}`);
    }
    saveSuite({ kind: "rate", name: `matmul-${n}`, title: `matmul ${n}x${n} · ${n}x${n} float32`, unit: "GFLOP/s", run, cases, parityReference: runs[0]!.engine, parity }, output);
    runs.forEach((r) => r.dispose());
  }
}

function maxRelativeDifference(x: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (x.length !== reference.length) return Infinity;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) scale = Math.max(scale, Math.abs(reference[i]!));
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - reference[i]!) / (scale || 1));
  return worst;
}

async function stepSuite(problem: MlpProblem): Promise<void> {
  const init = initialWeights(problem.sizes, 1);
  const batch = randomBatch(problem, 1);
  // The captured step on one thread only where products are large enough to split (the MNIST step).
  const here = engines.filter((e) => e.trainer && e !== oneThreadSimd && (e !== dagradCapturedOneThread || problem === PROBLEMS.mnist));
  const trainers = here.map((e) => ({ engine: e.name, trainer: e.trainer!(problem, init) }));
  const loaded = trainers.map((t) => ({ engine: t.engine, batch: t.trainer.load(batch) }));
  // Parity: the same weights and batch must give the same first three losses everywhere.
  const losses = loaded.map((l) => [l.batch.step(), l.batch.step(), l.batch.step()]);
  const referenceIndex = here.indexOf(manualKernels);
  const parity: ParityCase[] = loaded.map((l, i) => ({
    engine: l.engine,
    losses: losses[i]!,
    relativeDifference: maxRelativeDifference(losses[i]!, losses[referenceIndex]!),
  }));
  const timings = await timeCases(problem.title, loaded.map((l) => ({ engine: l.engine, run: () => { l.batch.step(); } })), timing);
  const cases: RateCase[] = timings.map((t) => ({ engine: t.engine, rate: t.medianHz, medianMs: t.medianMs, rme: t.rme, samples: t.samples }));
  if (pytorch.line) {
    const torch = pytorch.line.step(problem, init, batch, timing);
    for (const [engine, torchLosses] of Object.entries(torch.losses)) {
      parity.push({ engine, losses: torchLosses, relativeDifference: maxRelativeDifference(torchLosses, losses[referenceIndex]!) });
    }
    for (const t of torch.timings) cases.push({ engine: t.engine, rate: 1 / t.seconds, medianMs: t.seconds * 1000, rme: t.rme, samples: t.samples });
    console.log(`  ${torch.timings.map((t) => `${t.engine}: ${(1 / t.seconds).toFixed(0)} steps/s`).join(", ")}`);
  }
  saveSuite({ kind: "rate", name: problem.name, title: problem.title, unit: "steps/s", run, cases, parityReference: manualKernels.name, parity }, output);
  loaded.forEach((l) => l.batch.dispose());
  trainers.forEach((t) => t.trainer.dispose());
}

console.log(`dagrad bench (${quick ? "quick" : "full"}): ${run.cpu}, ${run.cores} cores, Node ${run.node}; kernels ${run.gemm}`);
console.log(`PyTorch line: ${run.pytorch}`);
if (wanted("calibration")) await calibrationSuite();
if (wanted("matmul")) await matmulSuites();
if (wanted("mnist-step")) await stepSuite(PROBLEMS.mnist);
if (wanted("tiny-step")) await stepSuite(PROBLEMS.tiny);
if (wanted("tiny-step-bce")) await stepSuite(PROBLEMS.tinyBce);
if (wanted("deep-step")) await stepSuite(PROBLEMS.deep);
if (wanted("mnist-epoch")) {
  console.log("MNIST epoch (8,000 digits, batch 128) and test accuracy on 2,000");
  // The plain-loop reference needs ~a minute per epoch: it is the correctness oracle, not a speed peer.
  const epochEngines = engines.filter((e) => e !== manualReference && e !== dagradCaptured && e !== dagradCapturedOneThread && e !== dagradOneThread && e !== oneThreadSimd && !(quick && e.name === "tfjs-cpu"));
  saveSuite({ kind: "epoch", name: "mnist-epoch", run, results: runEpochs(epochEngines, quick ? 1 : 3) }, output);
}
if (wanted("memory")) {
  console.log("Memory after 100 and 10,000 tiny steps");
  const result = measureMemory(dagradAutograd);
  console.log(`  heap ${result.heapAfter100MB.toFixed(1)} MB -> ${result.heapAfter10000MB.toFixed(1)} MB, rss ${result.rssAfter100MB.toFixed(0)} MB -> ${result.rssAfter10000MB.toFixed(0)} MB`);
  saveSuite({ kind: "memory", name: "memory", run, results: [result] }, output);
}
writeReport(output);
const shown = (p: string): string => path.relative(process.cwd(), p) || ".";
console.log(`wrote ${shown(output.results)}/*.json and ${shown(output.report)}${quick ? " (a quick run: the committed full-run results in bench/results/ and bench/RESULTS.md are untouched)" : ""}`);
