// Several seeds of one setup: which seeds (--seeds 0..9), and what their
// results say together: mean ± standard deviation, median, the worst and the
// best seed, so a lucky (or unlucky) seed is seen as one of many.
import { UsageError, type Values } from "./args.js";

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

export interface Spread {
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
