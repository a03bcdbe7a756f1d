// A mesh over a 2-D dataset's range, for decision-boundary plots: predict on
// `points`, then read the predictions back as a steps x steps image.
import { type DType, DTypeError, ShapeError, Tensor, formatShape } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";
import { allocate } from "./common.js";

export interface GridOptions {
  /** Points along each axis (default 100). */
  steps?: number;
  /** Padding added beyond the data's minimum and maximum on both axes (default 0.5). */
  margin?: number;
  dtype?: DType;
}

export interface Grid {
  /** [steps * steps, 2]; point i * steps + j is (xs[j], ys[i]): rows walk y, columns walk x. */
  points: Tensor;
  /** The x coordinate of each column, increasing. */
  xs: Float64Array;
  /** The y coordinate of each row, increasing. */
  ys: Float64Array;
  steps: number;
}

/** An evenly spaced steps x steps mesh covering x's two features, widened by `margin`. */
export function grid(x: Tensor, options: GridOptions = {}): Grid {
  const { steps = 100, margin = 0.5 } = options;
  if (x.ndim !== 2 || x.shape[1] !== 2 || x.shape[0] === 0) {
    throw new ShapeError("grid", `x must be shaped [n, 2] with n >= 1 (a 2-D dataset), got ${formatShape(x.shape)}`, [x.shape]);
  }
  checkNumber("grid", "steps", steps, { integer: true, min: 2 });
  checkNumber("grid", "margin", margin, { min: 0 });
  const xs = axisValues(x, 0, steps, margin);
  const ys = axisValues(x, 1, steps, margin);
  const points = allocate(options.dtype, steps * steps * 2);
  for (let i = 0; i < steps; i++) {
    for (let j = 0; j < steps; j++) {
      points[2 * (i * steps + j)] = xs[j]!;
      points[2 * (i * steps + j) + 1] = ys[i]!;
    }
  }
  return { points: new Tensor(points, [steps * steps, 2]), xs, ys, steps };
}

function axisValues(x: Tensor, feature: number, steps: number, margin: number): Float64Array {
  let low = Infinity;
  let high = -Infinity;
  for (let r = 0; r < x.shape[0]!; r++) {
    const v = x.data[2 * r + feature]!;
    if (!Number.isFinite(v)) throw new DTypeError("grid", `x[${r},${feature}] is ${v}, expected a finite number`);
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  low -= margin;
  high += margin;
  const values = new Float64Array(steps);
  for (let s = 0; s < steps; s++) values[s] = low + ((high - low) * s) / (steps - 1);
  return values;
}
