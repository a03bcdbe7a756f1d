// Timing through benny (benchmark.js underneath): one benny suite per
// workload, every engine a case in it, so the ratios come from one run.
import b from "benny";

export interface CaseTiming {
  readonly engine: string;
  /** Operations per second from the median sample. */
  readonly medianHz: number;
  readonly medianMs: number;
  /** Relative margin of error of the mean, in percent. */
  readonly rme: number;
  readonly samples: number;
}

export interface TimingOptions {
  /** Seconds per case (benchmark.js maxTime). */
  readonly maxTime: number;
  readonly minSamples: number;
}

export async function timeCases(suite: string, cases: readonly { engine: string; run: () => void }[], options: TimingOptions): Promise<CaseTiming[]> {
  const summary = await b.suite(
    suite,
    ...cases.map((c) => b.add(c.engine, () => c.run, { maxTime: options.maxTime, minSamples: options.minSamples })),
    b.cycle(),
  );
  return summary.results.map((r) => ({
    engine: r.name,
    medianHz: 1 / r.details.median,
    medianMs: r.details.median * 1000,
    rme: r.details.relativeMarginOfError,
    samples: r.samples,
  }));
}
