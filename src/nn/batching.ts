// Splitting { x, y } into minibatches (shuffled with a seeded generator), or
// taking batches the caller made. nn does its own batching so it does not
// depend on src/datasets.
import { DagradError, type Rng, ShapeError, Tensor, formatShape } from "../autograd/index.js";

/** Inputs with samples as rows and their targets (same number of rows). */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

export type TrainingData = Batch | Iterable<Batch>;

export function isBatch(data: unknown): data is Batch {
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

/** Makes each epoch's batches. */
export class Batcher {
  private readonly fixed: readonly Batch[] | null;
  private readonly whole: Batch | null;
  private readonly order: Int32Array;
  private readonly batchSize: number;

  constructor(op: string, data: TrainingData, batchSize: number, private readonly shuffle: boolean, private readonly rng: Rng) {
    if (!Number.isInteger(batchSize) || batchSize < 0) throw new DagradError(op, `batchSize must be a non-negative integer (0 = full batch), got ${String(batchSize)}`);
    if (isBatch(data)) {
      this.whole = checkBatch(op, data, "data");
      this.fixed = null;
      const n = data.x.shape[0]!;
      if (n === 0) throw new DagradError(op, "data has no samples");
      this.batchSize = batchSize === 0 ? n : Math.min(batchSize, n);
      this.order = new Int32Array(n);
    } else if (data !== null && typeof data === "object" && Symbol.iterator in data) {
      // Taken once: a generator could not be replayed for the next epoch.
      this.fixed = Array.from(data, (b, i) => checkBatch(op, b, `batch ${i}`));
      if (this.fixed.length === 0) throw new DagradError(op, "the iterable of batches is empty");
      this.whole = null;
      this.batchSize = 0;
      this.order = new Int32Array(0);
    } else {
      throw new DagradError(op, "data must be { x, y } tensors or an iterable of { x, y } batches");
    }
  }

  get batchCount(): number {
    if (this.fixed !== null) return this.fixed.length;
    return Math.ceil(this.order.length / this.batchSize);
  }

  /**
   * The batches of one epoch, in training order, made one at a time. A full
   * batch is the data itself, unshuffled (the order of rows cannot change its gradient).
   */
  *epoch(): Generator<Batch> {
    if (this.fixed !== null) return yield* this.fixed;
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

function fisherYates(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
