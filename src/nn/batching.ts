// Splitting { x, y } into minibatches (shuffled with a seeded generator), or
// taking batches the caller made. nn does its own batching so it does not
// depend on src/datasets.
import { DagradError, type Rng, ShapeError, Tensor, formatShape } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";

/** Inputs with samples as rows and their targets (same number of rows). */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

export type TrainingData = Batch | Iterable<Batch>;

function isBatch(data: unknown): data is Batch {
  return typeof data === "object" && data !== null && (data as Batch).x instanceof Tensor && (data as Batch).y instanceof Tensor;
}

export function checkBatch(op: string, batch: unknown, where: string): Batch {
  if (!isBatch(batch)) throw new DagradError(op, `${where} must be { x: Tensor, y: Tensor }`);
  const { x, y } = batch;
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(op, `${where}: x ${formatShape(x.shape)} and y ${formatShape(y.shape)} must have the same number of rows (samples)`, [x.shape, y.shape]);
  }
  return batch;
}

/** One batch of an epoch, and whether it is the epoch's last (known before training on it). */
export interface EpochBatch extends Batch {
  last: boolean;
}

/**
 * Makes each epoch's batches. `{ x, y }` is split (and shuffled) here; any
 * other iterable is asked for a new iterator every epoch, so a DataLoader
 * reshuffles. An iterator that is its own iterable (a generator object) can
 * be read once only, so it is refused for more than one epoch.
 */
export class Batcher {
  private readonly source: Iterable<Batch> | null;
  private readonly whole: Batch | null;
  private readonly order: Int32Array;
  private readonly batchSize: number;
  private epochsStarted = 0;

  constructor(private readonly op: string, data: TrainingData, batchSize: number, private readonly shuffle: boolean, private readonly rng: Rng, epochs = 1) {
    checkNumber(op, "batchSize (0: the full batch)", batchSize, { integer: true, min: 0 });
    if (isBatch(data)) {
      this.whole = checkBatch(op, data, "data");
      this.source = null;
      const n = data.x.shape[0]!;
      if (n === 0) throw new DagradError(op, "data has no samples");
      this.batchSize = batchSize === 0 ? n : Math.min(batchSize, n);
      this.order = new Int32Array(n);
    } else if (data !== null && typeof data === "object" && typeof (data as Iterable<Batch>)[Symbol.iterator] === "function") {
      this.source = data;
      this.whole = null;
      this.batchSize = 0;
      this.order = new Int32Array(0);
      if (epochs > 1 && isOneShot(data)) {
        throw new DagradError(op, `data is a one-shot iterator (a generator object): it can give one epoch, not ${epochs}. ` +
          "Pass an array of batches, a DataLoader, or an iterable that starts over, e.g. { [Symbol.iterator]: () => makeBatches() }");
      }
    } else {
      throw new DagradError(op, "data must be { x, y } tensors or an iterable of { x, y } batches");
    }
  }

  /** Batches per epoch when known in advance (split data, arrays and objects with a numeric length such as DataLoader). */
  get batchCount(): number | undefined {
    if (this.source === null) return Math.ceil(this.order.length / this.batchSize);
    const length = (this.source as { length?: unknown }).length;
    return typeof length === "number" ? length : undefined;
  }

  /**
   * The batches of one epoch, in training order, made one at a time, each
   * knowing whether it is the last (the next one is fetched first). A full
   * batch is the data itself, unshuffled (the order of rows cannot change its gradient).
   */
  *epoch(): Generator<EpochBatch> {
    const epoch = ++this.epochsStarted;
    let index = 0;
    const iterator = this.batches()[Symbol.iterator]();
    let next = iterator.next();
    if (next.done) {
      const why = epoch > 1 && this.source !== null && isOneShot(this.source) ? " (a generator object is used up after one pass)" : "";
      throw new DagradError(this.op, `the data gave no batches${epoch > 1 ? ` for epoch ${epoch}${why}` : ""}`);
    }
    while (!next.done) {
      const { x, y } = checkBatch(this.op, next.value, `batch ${index} of epoch ${epoch}`);
      if (x.shape[0] === 0) throw new ShapeError(this.op, `batch ${index} of epoch ${epoch} has no rows (x ${formatShape(x.shape)}); skip empty batches`, [x.shape, y.shape]);
      next = iterator.next();
      index++;
      yield { x, y, last: next.done === true };
    }
  }

  private batches(): Iterable<Batch> {
    if (this.source !== null) return this.source;
    return this.split();
  }

  private *split(): Generator<Batch> {
    const whole = this.whole!;
    const n = this.order.length;
    if (this.batchSize >= n) return yield whole;
    for (let i = 0; i < n; i++) this.order[i] = i;
    if (this.shuffle) fisherYates(this.order, this.rng);
    for (let start = 0; start < n; start += this.batchSize) {
      const rows = this.order.subarray(start, Math.min(start + this.batchSize, n));
      yield { x: whole.x.indexSelect(rows), y: whole.y.indexSelect(rows) };
    }
  }
}

/**
 * An iterator (it has next()): iterating it again continues where it stopped
 * instead of starting over. Asking for [Symbol.iterator]() to compare would
 * start an epoch of a DataLoader, so the test is next() alone.
 */
function isOneShot(data: Iterable<Batch>): boolean {
  return typeof (data as Partial<Iterator<Batch>>).next === "function";
}

function fisherYates(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
