// Mini-batches for the training loop. Each pass over the loader is one epoch;
// with shuffle on, epoch k's order comes from a generator seeded by (seed, k),
// so any epoch can be replayed. Only each batch's rows are copied.
import { DagradError, createRng, defaultRng } from "../autograd/index.js";
import { type OptionNames, checkNumber, checkOptionNames } from "../autograd/options.js";
import { type Dataset, type Seed, gatherRows, permutation, sampleCount } from "./common.js";

export interface DataLoaderOptions {
  /** Samples per batch (default 32); the last batch may be smaller unless dropLast. */
  batchSize?: number;
  /** Visit the samples in a new random order every epoch (default false). */
  shuffle?: boolean;
  /** Seed of the epoch orders; without one, a seed is drawn once from the global generator (manualSeed). */
  seed?: Seed;
  /** Skip a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

const LOADER_OPTIONS: OptionNames<DataLoaderOptions> = { batchSize: true, shuffle: true, seed: true, dropLast: true };

export class DataLoader implements Iterable<Dataset> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** Seed of the epoch orders (unused without shuffle). */
  readonly seed: Seed;
  private readonly data: Dataset;
  private readonly samples: number;
  #nextEpoch = 0;

  constructor(data: Dataset, options: DataLoaderOptions = {}) {
    this.samples = sampleCount("DataLoader", data.x, data.y);
    checkOptionNames("DataLoader", options, LOADER_OPTIONS);
    for (const flag of ["shuffle", "dropLast"] as const) {
      if (options[flag] !== undefined && typeof options[flag] !== "boolean") throw new DagradError("DataLoader", `${flag} must be true or false, got ${JSON.stringify(options[flag])}`);
    }
    this.data = data;
    this.batchSize = options.batchSize ?? 32;
    checkNumber("DataLoader", "batchSize", this.batchSize, { integer: true, min: 1 });
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    // Draw from the global generator only when an order is needed, so a plain loader leaves it untouched.
    this.seed = options.seed ?? (this.shuffle ? Math.floor(defaultRng()() * 2 ** 32) : 0);
    if (this.length === 0) {
      throw new DagradError("DataLoader", `${this.samples} samples in batches of ${this.batchSize}${this.dropLast ? " with dropLast" : ""} make no batch; ${this.dropLast ? "lower batchSize or leave dropLast off" : "pass some samples"}`);
    }
  }

  /** The epoch the next for-of gives (0 at first); set it to continue a stopped run with the same orders. */
  get nextEpoch(): number {
    return this.#nextEpoch;
  }

  set nextEpoch(k: number) {
    checkNumber("DataLoader.nextEpoch", "nextEpoch", k, { integer: true, min: 0 });
    this.#nextEpoch = k;
  }

  /** Batches per epoch. */
  get length(): number {
    return this.dropLast ? Math.floor(this.samples / this.batchSize) : Math.ceil(this.samples / this.batchSize);
  }

  /** The next epoch's batches (the first for-of is epoch 0, the next epoch 1, ...). */
  [Symbol.iterator](): Iterator<Dataset> {
    return this.epoch(this.#nextEpoch++);
  }

  /** The batches of epoch k, the same every time it is asked for. */
  *epoch(k: number): Generator<Dataset, void, undefined> {
    checkNumber("DataLoader.epoch", "epoch", k, { integer: true, min: 0 });
    const order = this.shuffle ? permutation(this.samples, createRng(`${this.seed}:epoch:${k}`)) : null;
    for (let b = 0; b < this.length; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, this.samples);
      const rows = order ? order.subarray(start, end) : Array.from({ length: end - start }, (_, i) => start + i);
      yield { x: gatherRows(this.data.x, rows), y: gatherRows(this.data.y, rows) };
    }
  }
}
