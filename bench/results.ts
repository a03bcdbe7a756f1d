// The shape of bench/results/<name>.json, shared by the runner and the report.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { EpochResult } from "./epoch.js";
import type { MemoryResult } from "./memory.js";

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "results");

export interface RunInfo {
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly quick: boolean;
  /** Times each benny suite ran; an engine's number is the median of its per-round medians. */
  readonly rounds: number;
  /** Which GEMM dagrad ran ("wasm-simd", "js", ...). */
  readonly gemm: string;
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

export type SuiteResult = RateSuite | EpochSuite | MemorySuite;

export function saveSuite(result: SuiteResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${result.name}.json`), JSON.stringify(result, null, 2) + "\n");
}

export function loadSuites(): SuiteResult[] {
  return readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(RESULTS_DIR, f), "utf8")) as SuiteResult);
}
