// The shape of bench/results/<name>.json, shared by the runner and the report.
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/node/files.js";
import type { EpochResult } from "./epoch.js";
import type { MemoryResult } from "./memory.js";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Where a run's JSON results and its RESULTS.md go. */
export interface OutputFolder {
  readonly results: string;
  readonly report: string;
  /** Append bench/analysis.md, which reads the committed full run (not a quick one). */
  readonly withAnalysis: boolean;
}

/** The committed full-run results: bench/results/*.json and bench/RESULTS.md. */
export const FULL_OUTPUT: OutputFolder = { results: path.join(BENCH_DIR, "results"), report: path.join(BENCH_DIR, "RESULTS.md"), withAnalysis: true };
const QUICK_OUTPUT: OutputFolder = { results: path.join(BENCH_DIR, "quick"), report: path.join(BENCH_DIR, "quick", "RESULTS.md"), withAnalysis: false };

/** A quick run's numbers are too noisy to replace the full run's: they go to bench/quick/ (gitignored). */
export function outputFor(quick: boolean): OutputFolder {
  return quick ? QUICK_OUTPUT : FULL_OUTPUT;
}

export interface RunInfo {
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly quick: boolean;
  /** Times each benny suite ran; an engine's number is the median of its per-round medians. */
  readonly rounds: number;
  /** Which kernels dagrad ran ("wasm-relaxed", "wasm", "js") and with how many threads. */
  readonly gemm: string;
  /** The optional PyTorch line: what ran (torch, threads, BLAS and its kernel), or why it is missing. Absent in runs before it existed. */
  readonly pytorch?: string;
}

export interface RateCase {
  readonly engine: string;
  /** GFLOP/s for matmul, steps/s for training steps; from the median sample. */
  readonly rate: number;
  readonly medianMs: number;
  readonly rme: number;
  readonly samples: number;
}

export interface ParityCase {
  readonly engine: string;
  /** Losses of the first three steps from the shared initial weights and batch. */
  readonly losses: readonly number[];
  /** Largest relative difference of those losses from the reference engine's. */
  readonly relativeDifference: number;
}

export interface RateSuite {
  readonly kind: "rate";
  readonly name: string;
  readonly title: string;
  readonly unit: "GFLOP/s" | "steps/s";
  readonly run: RunInfo;
  readonly cases: readonly RateCase[];
  readonly parityReference: string;
  readonly parity: readonly ParityCase[];
}

export interface EpochSuite {
  readonly kind: "epoch";
  readonly name: "mnist-epoch";
  readonly run: RunInfo;
  readonly results: readonly EpochResult[];
}

export interface MemorySuite {
  readonly kind: "memory";
  readonly name: "memory";
  readonly run: RunInfo;
  readonly results: readonly MemoryResult[];
}

/** One workload of npm run bench:browser: epochs per second of the playground's Session in Node and in the page's Web Worker. */
export interface BrowserCase {
  readonly title: string;
  /** Epochs per round; every workload trains full batch, one step per epoch. */
  readonly epochs: number;
  /** Medians over the rounds, epochs/s. */
  readonly node: number;
  readonly worker: number;
}

export interface BrowserSuite {
  readonly kind: "browser";
  readonly name: "browser";
  /** Node's side of the run. */
  readonly run: RunInfo;
  /** The browser's version, as playwright reports it. */
  readonly chromium: string;
  readonly cases: readonly BrowserCase[];
  /** Epochs/s of the page playing the first workload's setup: frames computed, posted and drawn. */
  readonly playing: number;
}

export type SuiteResult = RateSuite | EpochSuite | MemorySuite | BrowserSuite;

export function saveSuite(result: SuiteResult, output: OutputFolder = FULL_OUTPUT): void {
  mkdirSync(output.results, { recursive: true });
  writeFileAtomic(path.join(output.results, `${result.name}.json`), JSON.stringify(result, null, 2) + "\n");
}

export function loadSuites(output: OutputFolder = FULL_OUTPUT): SuiteResult[] {
  return readdirSync(output.results)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(output.results, f), "utf8")) as SuiteResult);
}
