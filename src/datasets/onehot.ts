import { type DType, DagradError, Tensor } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";
import { allocate, labelValues } from "./common.js";

export interface OneHotOptions {
  /** Defaults to the labels' dtype. */
  dtype?: DType;
}

/**
 * Class indices [n] or [n, 1] to one-hot rows [n, classes] (torch.nn.functional.one_hot).
 * `classes` defaults to the largest label + 1.
 */
export function oneHot(labels: Tensor, classes?: number, options: OneHotOptions = {}): Tensor {
  const values = labelValues("oneHot", labels);
  let largest = -1;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, values[i]!);
  const count = classes ?? Math.floor(largest) + 1;
  checkNumber("oneHot", "classes", count, { integer: true, min: 1 });
  const out = allocate(options.dtype ?? labels.dtype, values.length * count);
  for (let i = 0; i < values.length; i++) {
    const label = values[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= count) {
      throw new DagradError("oneHot", `label ${i} is ${label}, expected an integer class index in [0, ${count - 1}]`);
    }
    out[i * count + label] = 1;
  }
  return new Tensor(out, [values.length, count]);
}
