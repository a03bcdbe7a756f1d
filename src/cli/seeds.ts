// Several seeds of one setup: which seeds (--seeds 0..9), and what their
// results say together: mean ± standard deviation, median, the worst and the
// best seed, so a lucky (or unlucky) seed is seen as one of many.
import type { EpochRecord, TrainingError } from "../nn/index.js";
import { lineChart, reportHtml, toSvg } from "../report/index.js";
import { UsageError, type Values } from "./args.js";
import type { RunMetrics } from "./run-folder.js";
import { divergenceCause } from "./setup.js";

/** Seeds one --seeds may ask for: each is a whole run. */
const MAX_SEEDS = 1000;

/** "0..9", "1,5,9" or "0..4,10" -> the seeds in order, each once. */
export function seedListOption(values: Values, name: string): number[] {
  const raw = String(values[name] ?? "");
  const bad = () => new UsageError(`--${name} must be seeds (integers >= 0) as a list or ranges, e.g. 0..9 or 1,5,9, got "${raw}"`);
  const seeds: number[] = [];
  for (const part of raw.split(",").map((p) => p.trim())) {
    const range = /^(\d+)\.\.(\d+)$/.exec(part);
    const [from, to] = range ? [Number(range[1]), Number(range[2])] : /^\d+$/.test(part) ? [Number(part), Number(part)] : [NaN, NaN];
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) throw bad();
    if (to - from + seeds.length >= MAX_SEEDS) throw new UsageError(`--${name} asks for more than ${MAX_SEEDS} seeds, got "${raw}"`);
    for (let s = from; s <= to; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

/** "0..9" for consecutive seeds, else the list. */
export function formatSeeds(seeds: readonly number[]): string {
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return consecutive && seeds.length > 2 ? `${seeds[0]}..${seeds[seeds.length - 1]}` : seeds.join(", ");
}

interface Spread {
  /** Seeds with a value (a run that diverged has none). */
  count: number;
  mean: number;
  /** Sample standard deviation (n - 1); NaN for one value. */
  std: number;
  median: number;
  min: number;
  minSeed: number;
  max: number;
  maxSeed: number;
}

/** The spread of one number over seeds, leaving out the ones that are not finite (runs that diverged). */
export function spread(values: readonly { seed: number; value: number }[]): Spread | null {
  const kept = values.filter((v) => Number.isFinite(v.value));
  if (kept.length === 0) return null;
  const n = kept.length;
  const mean = kept.reduce((s, v) => s + v.value, 0) / n;
  const std = n > 1 ? Math.sqrt(kept.reduce((s, v) => s + (v.value - mean) ** 2, 0) / (n - 1)) : NaN;
  const sorted = [...kept].sort((a, b) => a.value - b.value || a.seed - b.seed);
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]!.value : (sorted[n / 2 - 1]!.value + sorted[n / 2]!.value) / 2;
  // Of equal values, the first seed is named, at either end.
  const top = sorted.find((v) => v.value === sorted[n - 1]!.value)!;
  return { count: n, mean, std, median, min: sorted[0]!.value, minSeed: sorted[0]!.seed, max: top.value, maxSeed: top.seed };
}

const four = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : "-");

/** "0.9617 ± 0.0560 (mean ± std), median 0.9833, min 0.8000 (seed 1), max 1.0000 (seed 0)". */
export function describeSpread(s: Spread): string {
  return `${four(s.mean)} ± ${four(s.std)} (mean ± std), median ${four(s.median)}, min ${four(s.min)} (seed ${s.minSeed}), max ${four(s.max)} (seed ${s.maxSeed})`;
}

/** A table cell: "0.9617 ± 0.0560 [0.8000, 1.0000]" (mean ± std [min, max]), numbers as `format` writes them. */
export function spreadCell(s: Spread | null, format: (v: number) => string = four): string {
  const f = (v: number) => (Number.isFinite(v) ? format(v) : "-");
  return s === null ? "-" : `${f(s.mean)} ± ${f(s.std)} [${f(s.min)}, ${f(s.max)}]`;
}

/** What a finished (or stopped) run leaves for a summary over seeds. */
export interface RunOutcome {
  code: number;
  /** Null when nothing was written (stopped before the first epoch). */
  metrics: RunMetrics | null;
  records: EpochRecord[];
  diverged: TrainingError | null;
}

/** One seed's line: its test numbers, or why it has none. */
export function seedLine(seed: number, { metrics, records, diverged }: RunOutcome): string {
  const head = `seed ${String(seed).padEnd(4)}`;
  if (metrics === null) return `${head} stopped before its first epoch: nothing written`;
  const time = `(${records.length} epochs, ${metrics.seconds.toFixed(1)} s)`;
  if (diverged !== null) return `${head} diverged at epoch ${diverged.epoch}: ${divergenceCause(diverged)} ${time}`;
  const shown = metrics.testAccuracy !== undefined
    ? `test accuracy ${metrics.testAccuracy.toFixed(4)}`
    : `test R² ${(metrics.testR2 ?? NaN).toFixed(4)}, test MSE ${(metrics.testMse ?? NaN).toFixed(4)}`;
  return `${head} ${shown}, test loss ${metrics.testLoss.toFixed(4)} ${time}${metrics.interrupted ? " (interrupted)" : ""}`;
}

interface SeedStatistic {
  label: string;
  key: keyof RunMetrics;
  values: { seed: number; value: number }[];
  spread: Spread | null;
}

/** The spread of each test number over the seeds whose runs finished: a diverged or interrupted run's numbers are not comparable. */
export function seedSummary(done: readonly { seed: number; outcome: RunOutcome }[]): SeedStatistic[] {
  const regression = done.some((d) => d.outcome.metrics!.testR2 !== undefined);
  const keys: [string, keyof RunMetrics][] = regression
    ? [["Test R²", "testR2"], ["Test MSE", "testMse"]]
    : [["Test accuracy", "testAccuracy"], ["Test loss", "testLoss"]];
  return keys.map(([label, key]) => {
    const values = done.map((d) => ({ seed: d.seed, value: d.outcome.diverged === null && !d.outcome.metrics!.interrupted ? Number(d.outcome.metrics![key]) : NaN }));
    return { label, key, values, spread: spread(values) };
  });
}

/** summary.json and report.html of a run over seeds: every run's numbers, their spread, loss curves and the main number by seed. */
export function seedFiles(base: string, done: readonly { seed: number; outcome: RunOutcome }[], summary: readonly SeedStatistic[]): { name: string; data: string }[] {
  const runs = done.map((d) => ({ seed: d.seed, folder: `seed-${d.seed}`, diverged: d.outcome.diverged?.epoch ?? null, metrics: d.outcome.metrics }));
  const json = { seeds: done.map((d) => d.seed), runs, spread: Object.fromEntries(summary.map((s) => [s.key, s.spread])) };
  const lossCurves = lineChart({
    title: "Training loss, one line per seed", xLabel: "Epoch", yLabel: "Training loss", logY: true,
    series: done.map((d) => ({ name: `seed ${d.seed}${d.outcome.diverged ? ` (diverged at epoch ${d.outcome.diverged.epoch})` : ""}`, y: d.outcome.records.map((r) => r.loss) })),
  });
  const main = summary[0]!;
  const bySeed = lineChart({
    title: `${main.label} by seed`, xLabel: "Seed", yLabel: main.label,
    series: [{ name: main.label, x: main.values.map((v) => v.seed), y: main.values.map((v) => v.value), markers: "only" }],
    referenceLines: main.spread === null ? [] : [main.spread.mean],
  });
  const html = reportHtml({
    title: `dagrad train over ${done.length} seeds`,
    subtitle: `one run folder per seed in ${base}; the spread leaves out runs that diverged`,
    metrics: Object.fromEntries(summary.map((s) => [s.label, s.spread === null ? "-" : describeSpread(s.spread)])),
    config: { seeds: formatSeeds(done.map((d) => d.seed)) },
    tables: [{
      title: "Runs", header: ["seed", "folder", "epochs", ...summary.map((s) => s.label), "diverged at epoch"],
      rows: done.map((d, i) => [d.seed, runs[i]!.folder, d.outcome.records.length, ...summary.map((s) => s.values[i]!.value), runs[i]!.diverged ?? "-"]),
    }],
    figures: [
      { title: `${main.label} by seed`, caption: "each seed's result; the dashed line is their mean", svg: toSvg(bySeed) },
      { title: "Training loss by seed", caption: "the loss of every run per epoch (log scale)", svg: toSvg(lossCurves) },
    ],
  });
  return [{ name: "summary.json", data: JSON.stringify(json, null, 2) + "\n" }, { name: "report.html", data: html }];
}
