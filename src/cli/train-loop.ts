// fit() runs synchronously, so a Ctrl-C could not be seen until it returned.
// This loop runs fit in slices of about 100 ms and yields to the event loop
// between them, so SIGINT can stop training after the current epoch and the
// run folder still gets everything learned so far. One shuffling generator
// serves every slice, and its state can be saved and restored, so a run
// continued from a checkpoint shuffles exactly as the uninterrupted run.
import seedrandom from "seedrandom";
import { type EpochRecord, type FitOptions, type Module, type TrainingData, TrainingError, fit } from "../nn/index.js";

const SLICE_MS = 100;

/** The shuffling generator's state (seedrandom's ARC4: two indices and a permutation of 0..255). */
export interface RngState {
  i: number;
  j: number;
  S: number[];
}

/** A seeded generator whose state can be saved and restored (the model's: initial weights, then dropout's masks). */
export class StatefulRng {
  #inner: seedrandom.StatefulPRNG<seedrandom.State.Arc4>;
  /** Draws from the current generator, also after restore(). */
  readonly next = (): number => this.#inner();

  constructor(seed: number) {
    this.#inner = seedrandom(String(seed), { state: true });
  }

  state(): RngState {
    return this.#inner.state() as RngState;
  }

  restore(state: RngState): void {
    this.#inner = seedrandom("", { state: { ...state, S: [...state.S] } });
  }
}

interface SlicedFitOptions extends Omit<FitOptions, "epochs" | "initialEpoch" | "onEpoch" | "rng" | "seed"> {
  /** Epochs of the whole run, counting those already trained. */
  epochs: number;
  /** Seed of the shuffling generator (the same numbers as createRng(seed)). */
  seed: number;
  /** Continue a run: its records so far and the shuffling generator's state after them. */
  resume?: { records: readonly EpochRecord[]; rngState: RngState };
  /** Called after every epoch with the run's records so far and the generator's state now. */
  onEpoch?: (record: EpochRecord, run: { records: readonly EpochRecord[]; rngState: () => RngState }) => void;
  /** Checked after every epoch; true stops training. */
  shouldStop?: () => boolean;
}

interface SlicedFitResult {
  records: EpochRecord[];
  /** Set when fit stopped on a non-finite value; records hold the epochs before. */
  diverged: TrainingError | null;
  /** The shuffling generator's state after the last recorded epoch. */
  rngState: RngState;
}

export async function fitInSlices(model: Module, data: TrainingData, options: SlicedFitOptions): Promise<SlicedFitResult> {
  const { epochs, seed, resume, onEpoch, shouldStop = () => false, ...rest } = options;
  const rng = resume === undefined ? seedrandom(String(seed), { state: true }) : seedrandom("", { state: { ...resume.rngState, S: [...resume.rngState.S] } });
  const records: EpochRecord[] = [...(resume?.records ?? [])];
  const run = { records, rngState: () => rng.state() };
  while (records.length < epochs && !shouldStop()) {
    const started = Date.now();
    try {
      fit(model, data, {
        ...rest, initialEpoch: records.length, epochs, rng,
        onEpoch: (record) => {
          records.push(record);
          onEpoch?.(record, run);
          return Date.now() - started < SLICE_MS && !shouldStop();
        },
      });
    } catch (e) {
      if (e instanceof TrainingError) return { records, diverged: e, rngState: rng.state() };
      throw e;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { records, diverged: null, rngState: rng.state() };
}
