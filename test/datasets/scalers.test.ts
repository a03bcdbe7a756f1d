import { describe, expect, it } from "vitest";
import { DTypeError, DagradError, ShapeError, tensor } from "../../src/autograd/index.js";
import { MinMaxScaler, StandardScaler } from "../../src/datasets/index.js";
import { meanStd } from "./helpers.js";

const column = (values: ArrayLike<number>, f: number, width: number) => Array.from(values).filter((_, i) => i % width === f);

describe("StandardScaler", () => {
  const x = tensor([[1, 10, 0.1], [2, 20, 0.1], [3, 60, 0.1], [6, 30, 0.1]], { dtype: "float64" });

  it("learns each feature's mean and population standard deviation", () => {
    const scaler = new StandardScaler().fit(x);
    expect(Array.from(scaler.mean!)).toEqual([3, 30, expect.closeTo(0.1, 15)]);
    // feature 0: deviations -2, -1, 0, 3 -> variance 14 / 4; feature 1: -20, -10, 30, 0 -> 1400 / 4
    expect(scaler.std![0]).toBeCloseTo(Math.sqrt(3.5), 14);
    expect(scaler.std![1]).toBeCloseTo(Math.sqrt(350), 12);
  });

  it("maps the training data to mean 0, standard deviation 1 per feature", () => {
    const z = new StandardScaler().fitTransform(x);
    for (const f of [0, 1]) {
      const { mean, std } = meanStd(column(z.data, f, 3));
      expect(mean).toBeCloseTo(0, 14);
      expect(std).toBeCloseTo(1, 14);
    }
  });

  it("a constant feature maps to exactly 0, not NaN, even when its mean rounds", () => {
    // The mean of four 0.1s is not exactly 0.1 in floating point.
    const z = new StandardScaler().fitTransform(x);
    expect(column(z.data, 2, 3)).toEqual([0, 0, 0, 0]);
    expect(new StandardScaler().fit(x).std![2]).toBe(1);
  });

  it("transforms test data with the training statistics, and inverseTransform undoes it", () => {
    const scaler = new StandardScaler().fit(x);
    const test = tensor([[3 + Math.sqrt(3.5), 30, 5]], { dtype: "float64" });
    const z = scaler.transform(test);
    expect(z.data[0]).toBeCloseTo(1, 14);
    expect(z.data[1]).toBeCloseTo(0, 14);
    const back = scaler.inverseTransform(z);
    back.data.forEach((v, i) => expect(v).toBeCloseTo(test.data[i]!, 13));
  });

  it("keeps float32 data float32 and returns new leaf tensors", () => {
    const x32 = tensor([[1, 2], [3, 5]], { requiresGrad: true });
    const z = new StandardScaler().fitTransform(x32);
    expect(z.dtype).toBe("float32");
    expect(z.isLeaf).toBe(true);
    expect(z.requiresGrad).toBe(false);
    expect(Array.from(z.data)).toEqual([-1, -1, 1, 1]);
  });

  it("names what is wrong: not fitted, feature count, shape, non-finite data", () => {
    expect(() => new StandardScaler().transform(x)).toThrow(/StandardScaler.transform: the scaler is not fitted: call fit\(xTrain\) first/);
    const scaler = new StandardScaler().fit(x);
    expect(() => scaler.transform(tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => scaler.transform(tensor([[1, 2]]))).toThrow(/has 2 features but the scaler was fitted on 3/);
    expect(() => scaler.fit(tensor([1, 2, 3]))).toThrow(/StandardScaler.fit: x must be shaped \[n, features\], got \[3\]/);
    expect(() => scaler.fit(tensor([[1, 2], [Number.NaN, 4]]))).toThrow(DTypeError);
    expect(() => scaler.fit(tensor([[1, 2], [Number.NaN, 4]]))).toThrow(/x\[1,0\] is NaN, expected a finite number/);
  });
});

describe("StandardScaler at the edges of float64", () => {
  it("standardises a feature with values near 1e308, whose plain sum and variance overflow", () => {
    const x = tensor([[1e308, 1], [1e308, 2], [-1e308, 3]], { dtype: "float64" });
    const scaler = new StandardScaler().fit(x);
    expect(scaler.mean![0]! / (1e308 / 3)).toBeCloseTo(1, 14);
    expect(scaler.std![0]! / (Math.sqrt(8) / 3 * 1e308)).toBeCloseTo(1, 14);
    const z = column(scaler.transform(x).data, 0, 2);
    z.forEach((v, i) => expect(v).toBeCloseTo([Math.SQRT1_2, Math.SQRT1_2, -Math.SQRT2][i]!, 14));
  });

  it("gives the same bits as the plain formulas on ordinary data (the power-of-two scaling is exact)", () => {
    const values = Array.from({ length: 50 }, (_, i) => [Math.sin(i) * 1234.5678 + 17, Math.cos(3 * i) * 1e-7]);
    const scaler = new StandardScaler().fit(tensor(values, { dtype: "float64" }));
    for (const f of [0, 1]) {
      const v = values.map((r) => r[f]!);
      let sum = 0;
      for (const a of v) sum += a;
      const mean = sum / v.length;
      let squares = 0;
      for (const a of v) squares += (a - mean) ** 2;
      expect(scaler.mean![f]).toBe(mean);
      expect(scaler.std![f]).toBe(Math.sqrt(squares / v.length));
    }
  });

  it("refuses a feature that varies too little to divide by, instead of mapping it to NaN", () => {
    const x = tensor([[0, 1], [5e-324, 2]], { dtype: "float64" });
    expect(() => new StandardScaler().fit(x)).toThrow(DTypeError);
    expect(() => new StandardScaler().fit(x)).toThrow(/StandardScaler.fit: feature 0 cannot be rescaled in float64: its mean is 0 and its standard deviation 5e-324; drop the feature or rescale it first/);
  });

  it("refuses a transform whose result does not fit the dtype, naming the value", () => {
    const scaler = new StandardScaler().fit(tensor([[0], [2e-30]]));
    expect(() => scaler.transform(tensor([[1e10]]))).toThrow(/StandardScaler.transform: x\[0,0\] = 10000000000 maps to Infinity, outside float32's range/);
  });
});

describe("MinMaxScaler", () => {
  const x = tensor([[0, -5, 7], [10, 5, 7], [5, 0, 7]], { dtype: "float64" });

  it("maps each feature's fitted range onto [0, 1]", () => {
    const scaler = new MinMaxScaler();
    const z = scaler.fitTransform(x);
    expect(Array.from(scaler.dataMin!)).toEqual([0, -5, 7]);
    expect(Array.from(scaler.dataMax!)).toEqual([10, 5, 7]);
    expect(z.toArray()).toEqual([[0, 0, 0], [1, 1, 0], [0.5, 0.5, 0]]);
  });

  it("maps onto a chosen featureRange; a constant feature maps to its low end", () => {
    const z = new MinMaxScaler({ featureRange: [-1, 1] }).fitTransform(x);
    expect(z.toArray()).toEqual([[-1, -1, -1], [1, 1, -1], [0, 0, -1]]);
  });

  it("inverseTransform undoes transform, including on data outside the fitted range", () => {
    const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(x);
    const test = tensor([[20, -10, 7]], { dtype: "float64" });
    expect(scaler.transform(test).toArray()).toEqual([[3, -2, -1]]);
    expect(scaler.inverseTransform(scaler.transform(test)).toArray()).toEqual([[20, -10, 7]]);
  });

  it("maps a range wider than float64 can subtract (-1e308 to 1e308) onto [0, 1], not onto 0", () => {
    const z = new MinMaxScaler().fitTransform(tensor([[-1e308], [1e308], [0]], { dtype: "float64" }));
    expect(z.data[0]).toBe(0);
    expect(z.data[1]).toBeCloseTo(1, 15);
    expect(z.data[2]).toBeCloseTo(0.5, 15);
  });

  it("refuses a range too small to divide by", () => {
    expect(() => new MinMaxScaler().fit(tensor([[0], [5e-324]], { dtype: "float64" }))).toThrow(/MinMaxScaler.fit: feature 0 cannot be rescaled in float64: its range is 0 to 5e-324/);
  });

  it("rejects an empty or reversed featureRange", () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(DagradError);
    expect(() => new MinMaxScaler({ featureRange: [1, 0] })).toThrow(/MinMaxScaler: featureRange must be \[low, high\] with low < high, got \[1, 0\]/);
    expect(() => new MinMaxScaler().fit(tensor([[1]]).slice(0, 0, 0))).toThrow(/MinMaxScaler.fit: x \[0,1\] has no samples to fit on/);
  });
});
