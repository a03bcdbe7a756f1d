// fit() runs synchronously, so a Ctrl-C could not be seen until it returned.
// This loop runs fit in slices of about 100 ms and yields to the event loop
// between them, so SIGINT can stop training after the current epoch and the
// run folder still gets everything learned so far.
import { createRng } from "../autograd/index.js";
import { type EpochRecord, type FitOptions, type Module, type TrainingData, TrainingError, fit } from "../nn/index.js";

const SLICE_MS = 100;

export interface SlicedFitOptions extends Omit<FitOptions, "epochs" | "onEpoch" | "rng"> {
  epochs: number;
  seed: number;
  onEpoch?: (record: EpochRecord) => void;
  /** Checked after every epoch; true stops training. */
  shouldStop?: () => boolean;
}

export interface SlicedFitResult {
  records: EpochRecord[];
  /** Set when fit stopped on a value that was not finite, at the run's epoch; records hold the epochs before. */
  diverged: TrainingError | null;
}

export async function fitInSlices(model: Module, data: TrainingData, options: SlicedFitOptions): Promise<SlicedFitResult> {
  const { epochs, seed, onEpoch, shouldStop = () => false, ...rest } = options;
  // One generator for every slice, so shuffling continues as in a single fit() call.
  const rng = createRng(seed);
  const records: EpochRecord[] = [];
  while (records.length < epochs && !shouldStop()) {
    const offset = records.length;
    const started = Date.now();
    try {
      fit(model, data, {
        ...rest, epochs: epochs - offset, rng,
        onEpoch: (record) => {
          record.epoch += offset;
          records.push(record);
          onEpoch?.(record);
          return Date.now() - started < SLICE_MS && !shouldStop();
        },
      });
    } catch (e) {
      if (e instanceof TrainingError) return { records, diverged: offset === 0 ? e : atRunEpoch(e, offset) };
      throw e;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { records, diverged: null };
}

/** fit numbers the epochs of each slice from 1: the same error at the run's epoch, `offset` epochs later. */
function atRunEpoch(error: TrainingError, offset: number): TrainingError {
  const epoch = error.epoch + offset;
  const message = error.message.slice(`${error.op}: `.length).replace(`at epoch ${error.epoch},`, `at epoch ${epoch},`);
  return new TrainingError(message, { reason: error.reason, epoch, step: error.step, loss: error.loss, parameter: error.parameter });
}
