// Errors raised by nn. Both carry the facts a caller needs as fields.
import { DagradError } from "../autograd/index.js";

/** A state dict or saved file that does not fit the module: missing or unexpected key, wrong shape, corrupt file. */
export class StateDictError extends DagradError {
  /** The parameter or buffer name at fault, when there is one. */
  readonly key: string | undefined;
  constructor(op: string, message: string, key?: string) {
    super(op, message);
    this.key = key;
  }
}

/** Training stopped: the loss became NaN or infinite. */
export class TrainingError extends DagradError {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  constructor(message: string, epoch: number, step: number, loss: number) {
    super("fit", message);
    this.epoch = epoch;
    this.step = step;
    this.loss = loss;
  }
}
