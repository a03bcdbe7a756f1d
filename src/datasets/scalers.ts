// Per-feature rescaling of x [n, features], fitted on the training split only
// and then applied to every split. Both scalers are affine per feature,
// y = x * slope + intercept, computed in float64; the output keeps x's dtype and
// is a new leaf tensor (preprocessing is not part of the graph).
import { DTypeError, DagradError, ShapeError, Tensor, formatShape } from "../autograd/index.js";

/** Row-major training data [n, features], already checked to be finite. */
interface Rows {
  data: ArrayLike<number>;
  n: number;
  features: number;
}

interface Affine {
  slope: Float64Array;
  intercept: Float64Array;
}

/** Visit every value with its feature (column) index. */
function eachValue({ data, n, features }: Rows, visit: (value: number, feature: number) => void): void {
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < features; f++) visit(data[r * features + f]!, f);
  }
}

/** Per feature, a power of two at least as large as its largest |value| (1 for all zeros): dividing by it is exact. */
function powerOfTwoScales(rows: Rows): Float64Array {
  const largest = new Float64Array(rows.features);
  eachValue(rows, (v, f) => { largest[f] = Math.max(largest[f]!, Math.abs(v)); });
  // 2^1023 is the largest power of two a double holds; values up to 1.8e308 then divide to below 2.
  return largest.map((m) => (m === 0 ? 1 : 2 ** Math.min(1023, Math.ceil(Math.log2(m)))));
}

abstract class AffineScaler {
  private slope: Float64Array | null = null;
  private intercept: Float64Array | null = null;

  /** Per-feature slope and intercept learned from the training rows. */
  protected abstract coefficients(rows: Rows): Affine;

  /** Learn the per-feature statistics from x [n, features]. */
  fit(x: Tensor): this {
    const { slope, intercept } = this.coefficients(this.checkedRows(x));
    // Finite statistics can still give an infinite slope (a spread too small to divide by).
    slope.forEach((a, f) => {
      if (!Number.isFinite(a) || !Number.isFinite(intercept[f]!)) {
        throw new DTypeError(`${this.className}.fit`, `feature ${f} cannot be rescaled in float64: ${this.spread(f)}; drop the feature or rescale it first`);
      }
    });
    this.slope = slope;
    this.intercept = intercept;
    return this;
  }

  /** The feature's statistics in words, for the error when they cannot be used. */
  protected abstract spread(feature: number): string;

  transform(x: Tensor): Tensor {
    const [slope, intercept] = this.fitted("transform", x);
    return this.apply("transform", x, (v, f) => v * slope[f]! + intercept[f]!);
  }

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** Undo transform: back to the original units. */
  inverseTransform(x: Tensor): Tensor {
    const [slope, intercept] = this.fitted("inverseTransform", x);
    return this.apply("inverseTransform", x, (v, f) => (v - intercept[f]!) / slope[f]!);
  }

  private get className(): string {
    return this.constructor.name;
  }

  private checkedRows(x: Tensor): Rows {
    const op = `${this.className}.fit`;
    const [n, features] = this.checkMatrix(op, x);
    if (n === 0) throw new ShapeError(op, `x ${formatShape(x.shape)} has no samples to fit on`, [x.shape]);
    const bad = x.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DTypeError(op, `x[${Math.floor(bad / features)},${bad % features}] is ${x.data[bad]}, expected a finite number`);
    return { data: x.data, n, features };
  }

  private fitted(method: string, x: Tensor): [Float64Array, Float64Array] {
    const op = `${this.className}.${method}`;
    if (this.slope === null || this.intercept === null) throw new DagradError(op, "the scaler is not fitted: call fit(xTrain) first");
    const [, features] = this.checkMatrix(op, x);
    if (features !== this.slope.length) {
      throw new ShapeError(op, `x ${formatShape(x.shape)} has ${features} features but the scaler was fitted on ${this.slope.length}`, [x.shape]);
    }
    return [this.slope, this.intercept];
  }

  private checkMatrix(op: string, x: Tensor): [number, number] {
    if (x.ndim !== 2) throw new ShapeError(op, `x must be shaped [n, features], got ${formatShape(x.shape)}`, [x.shape]);
    return [x.shape[0]!, x.shape[1]!];
  }

  private apply(method: string, x: Tensor, map: (value: number, feature: number) => number): Tensor {
    const features = x.shape[1]!;
    const out = x.dtype === "float64" ? new Float64Array(x.size) : new Float32Array(x.size);
    for (let i = 0; i < x.size; i++) {
      out[i] = map(x.data[i]!, i % features);
      if (!Number.isFinite(out[i]!)) {
        const at = `x[${Math.floor(i / features)},${i % features}]`;
        throw new DTypeError(`${this.className}.${method}`, `${at} = ${x.data[i]} maps to ${out[i]}${Number.isFinite(x.data[i]!) ? `, outside ${x.dtype}'s range` : ""}; check the data (or use float64)`);
      }
    }
    return new Tensor(out, [...x.shape]);
  }
}

/**
 * Standardise each feature to mean 0 and standard deviation 1: (x - mean) / std,
 * with the population standard deviation (divide by n, as scikit-learn). A
 * constant feature keeps std 1, so it maps to 0 instead of NaN. The sums are
 * taken on values divided by a power of two near the feature's largest, so
 * values near 1e308 do not overflow them (and other data gets the same bits).
 */
export class StandardScaler extends AffineScaler {
  /** Per-feature mean of the fitted data. */
  mean: Float64Array | null = null;
  /** Per-feature standard deviation used to divide (1 for a constant feature). */
  std: Float64Array | null = null;

  protected coefficients(rows: Rows): Affine {
    const scale = powerOfTwoScales(rows);
    const mean = new Float64Array(rows.features);
    const first = Array.from({ length: rows.features }, (_, f) => rows.data[f]!);
    const constant = first.map(() => true);
    eachValue(rows, (v, f) => {
      mean[f]! += v / scale[f]!;
      if (v !== first[f]) constant[f] = false;
    });
    mean.forEach((sum, f) => { mean[f] = (sum / rows.n) * scale[f]!; });
    const squares = new Float64Array(rows.features);
    // Each side divided on its own: v - mean itself can overflow (1e308 - -1e308).
    eachValue(rows, (v, f) => { squares[f]! += (v / scale[f]! - mean[f]! / scale[f]!) ** 2; });
    // Constant is decided exactly: a rounded mean could leave a tiny variance that blows values up.
    const std = squares.map((sum, f) => (constant[f] ? 1 : Math.sqrt(sum / rows.n) * scale[f]!));
    this.mean = mean;
    this.std = std;
    return { slope: std.map((s) => 1 / s), intercept: mean.map((m, f) => -m / std[f]!) };
  }

  protected spread(f: number): string {
    return `its mean is ${this.mean![f]} and its standard deviation ${this.std![f]}`;
  }
}

export interface MinMaxScalerOptions {
  /** The [low, high] each feature is mapped onto (default [0, 1]). */
  featureRange?: readonly [number, number];
}

/**
 * Map each feature's fitted [min, max] linearly onto featureRange. A constant
 * feature maps to featureRange[0] instead of dividing by a zero range.
 */
export class MinMaxScaler extends AffineScaler {
  readonly featureRange: readonly [number, number];
  dataMin: Float64Array | null = null;
  dataMax: Float64Array | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    super();
    this.featureRange = options.featureRange ?? [0, 1];
    const [low, high] = this.featureRange;
    if (!(Number.isFinite(low) && Number.isFinite(high) && low < high)) {
      throw new DagradError("MinMaxScaler", `featureRange must be [low, high] with low < high, got [${this.featureRange.join(", ")}]`);
    }
  }

  protected coefficients(rows: Rows): Affine {
    const [low, high] = this.featureRange;
    const dataMin = new Float64Array(rows.features).fill(Infinity);
    const dataMax = new Float64Array(rows.features).fill(-Infinity);
    eachValue(rows, (v, f) => {
      dataMin[f] = Math.min(dataMin[f]!, v);
      dataMax[f] = Math.max(dataMax[f]!, v);
    });
    this.dataMin = dataMin;
    this.dataMax = dataMax;
    // Halves where max - min itself overflows (e.g. -1e308 to 1e308).
    const slope = dataMin.map((min, f) => {
      const max = dataMax[f]!;
      if (!(max > min)) return high - low;
      return Number.isFinite(max - min) ? (high - low) / (max - min) : (high - low) / 2 / (max / 2 - min / 2);
    });
    return { slope, intercept: dataMin.map((min, f) => low - min * slope[f]!) };
  }

  protected spread(f: number): string {
    return `its range is ${this.dataMin![f]} to ${this.dataMax![f]}`;
  }
}
