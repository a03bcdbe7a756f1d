// Timing through benny (benchmark.js underneath): one benny suite per
// workload, every engine a case in it, so the ratios come from one run. The
// suite runs `rounds` times and each engine keeps the median of its per-round
// medians: a burst of load from another process then skews one round of one
// engine, not the ratio.
import b from "benny";

export interface CaseTiming {
  readonly engine: string;
  /** Operations per second from the median sample (median over rounds). */
  readonly medianHz: number;
  readonly medianMs: number;
  /** Relative margin of error of the mean, in percent (largest over rounds). */
  readonly rme: number;
  readonly samples: number;
}

export interface TimingOptions {
  /** Seconds per case and round (benchmark.js maxTime). */
  readonly maxTime: number;
  readonly minSamples: number;
  readonly rounds: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timeCases(suite: string, cases: readonly { engine: string; run: () => void }[], options: TimingOptions): Promise<CaseTiming[]> {
  const perRound = new Map<string, { medians: number[]; rme: number; samples: number }>();
  for (let round = 1; round <= options.rounds; round++) {
    const summary = await b.suite(
      options.rounds > 1 ? `${suite} (round ${round}/${options.rounds})` : suite,
      ...cases.map((c) => b.add(c.engine, () => c.run, { maxTime: options.maxTime, minSamples: options.minSamples })),
      b.cycle(),
    );
    for (const r of summary.results) {
      const entry = perRound.get(r.name) ?? { medians: [], rme: 0, samples: 0 };
      entry.medians.push(r.details.median);
      entry.rme = Math.max(entry.rme, r.details.relativeMarginOfError);
      entry.samples += r.samples;
      perRound.set(r.name, entry);
    }
  }
  return cases.map((c) => {
    const entry = perRound.get(c.engine)!;
    const seconds = median(entry.medians);
    return { engine: c.engine, medianHz: 1 / seconds, medianMs: seconds * 1000, rme: entry.rme, samples: entry.samples };
  });
}
