import { describe, expect, it } from "vitest";
import { DagradError, ShapeError, manualSeed, tensor } from "../../src/autograd/index.js";
import { and, blobs, circles, grid, moons, or, sine, spirals, surface, trainTestSplit, xor, xorClusters } from "../../src/datasets/index.js";
import { mnist } from "../../src/node/index.js";
import { bytesOf, classMeans, counts, meanStd } from "./helpers.js";

const generators = {
  moons: (seed: number) => moons({ n: 200, noise: 0.2, seed }),
  circles: (seed: number) => circles({ n: 200, noise: 0.1, factor: 0.5, seed }),
  spirals: (seed: number) => spirals({ n: 200, classes: 4, noise: 0.05, seed }),
  blobs: (seed: number) => blobs({ n: 200, centers: 3, seed }),
  xorClusters: (seed: number) => xorClusters({ n: 200, noise: 0.2, seed }),
};

describe("truth tables", () => {
  it("xor, and, or hold the four input pairs and the gate's output, as in the source documents", () => {
    for (const data of [xor(), and(), or()]) {
      expect(data.x.shape).toEqual([4, 2]);
      expect(data.x.toArray()).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
      expect(data.y.shape).toEqual([4, 1]);
    }
    expect(xor().y.toArray()).toEqual([[0], [1], [1], [0]]);
    expect(and().y.toArray()).toEqual([[0], [0], [0], [1]]);
    expect(or().y.toArray()).toEqual([[0], [1], [1], [1]]);
  });

  it("takes a dtype", () => {
    expect(xor().x.dtype).toBe("float32");
    expect(and({ dtype: "float64" }).y.data).toBeInstanceOf(Float64Array);
  });
});

describe("determinism", () => {
  for (const [name, make] of Object.entries(generators)) {
    it(`${name}: the same seed gives the same bytes, a different seed different ones`, () => {
      const a = make(1);
      const b = make(1);
      const c = make(2);
      expect(bytesOf(a.x).equals(bytesOf(b.x))).toBe(true);
      expect(bytesOf(a.y).equals(bytesOf(b.y))).toBe(true);
      expect(bytesOf(a.x).equals(bytesOf(c.x))).toBe(false);
    });
  }

  it("without a seed, draws from the global generator that manualSeed resets", () => {
    manualSeed(11);
    const first = moons({ n: 50, noise: 0.1 });
    const next = moons({ n: 50, noise: 0.1 });
    manualSeed(11);
    const replay = moons({ n: 50, noise: 0.1 });
    expect(bytesOf(first.x).equals(bytesOf(replay.x))).toBe(true);
    expect(bytesOf(first.x).equals(bytesOf(next.x))).toBe(false);
  });

  it("a seed that is NaN, infinite or neither number nor string is refused, not turned into a generator", () => {
    for (const [name, make] of Object.entries(generators)) {
      expect(() => make(Number.NaN), name).toThrow(new RegExp(`^${name}: seed must be a finite number or a string, got NaN$`));
      expect(() => make(Number.POSITIVE_INFINITY), name).toThrow(DagradError);
    }
    expect(() => trainTestSplit(tensor([[1], [2]]), tensor([0, 1]), { testSize: 1, seed: { at: 1 } as unknown as number })).toThrow("trainTestSplit: seed must be a finite number or a string, got object");
    expect(() => mnist({ train: 10, test: 10, seed: Number.NaN })).toThrow("mnist: seed must be a finite number or a string, got NaN");
  });

  it("a seed may be a string, and dtype float64 gives Float64Array data", () => {
    const data = circles({ n: 10, noise: 0.1, seed: "demo", dtype: "float64" });
    expect(data.x.data).toBeInstanceOf(Float64Array);
    expect(data.y.data).toBeInstanceOf(Float64Array);
  });
});

describe("moons (scikit-learn make_moons geometry)", () => {
  it("without noise, class 0 lies on the upper unit half circle and class 1 on the lower one centred at (1, 0.5)", () => {
    const { x, y } = moons({ n: 101, seed: 3 });
    expect(x.shape).toEqual([101, 2]);
    expect(y.shape).toEqual([101, 1]);
    expect(counts(y.data)).toEqual(new Map([[0, 50], [1, 51]]));
    for (let i = 0; i < 101; i++) {
      const [px, py] = [x.data[2 * i]!, x.data[2 * i + 1]!];
      const [cx, cy] = y.data[i] === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot(px - cx, py - cy)).toBeCloseTo(1, 6);
      if (y.data[i] === 0) expect(py).toBeGreaterThanOrEqual(-1e-7);
      else expect(py).toBeLessThanOrEqual(0.5 + 1e-7);
    }
  });

  it("class means sit where scikit-learn puts them: (0, 2/pi) and (1, 1/2 - 2/pi)", () => {
    const noise = 0.1;
    const { x, y } = moons({ n: 4000, noise, seed: 7 });
    // Sampling error of a mean of 2000 noisy points (5 sigma), plus the gap between
    // 2000 evenly spaced angles and the continuous half circle (about 1/2000).
    const tolerance = (5 * noise) / Math.sqrt(2000) + 1e-3;
    const means = classMeans(x, y);
    expect(Math.abs(means.get(0)![0] - 0)).toBeLessThan(tolerance);
    expect(Math.abs(means.get(0)![1] - 2 / Math.PI)).toBeLessThan(tolerance);
    expect(Math.abs(means.get(1)![0] - 1)).toBeLessThan(tolerance);
    expect(Math.abs(means.get(1)![1] - (0.5 - 2 / Math.PI))).toBeLessThan(tolerance);
  });

  it("noise is Gaussian with standard deviation `noise`, added after the shuffle", () => {
    // The shuffle is drawn before the noise, so the same seed pairs each noisy point with its clean one.
    const clean = moons({ n: 4000, seed: 5, dtype: "float64" });
    const noisy = moons({ n: 4000, noise: 0.3, seed: 5, dtype: "float64" });
    expect(bytesOf(noisy.y).equals(bytesOf(clean.y))).toBe(true);
    const offsets = noisy.x.data.map((v, i) => v - clean.x.data[i]!);
    const { mean, std } = meanStd(offsets);
    expect(Math.abs(mean)).toBeLessThan((5 * 0.3) / Math.sqrt(8000));
    expect(std).toBeGreaterThan(0.3 * 0.95);
    expect(std).toBeLessThan(0.3 * 1.05);
  });

  it("the source notebook's call: 300 samples, noise 0.2, balanced", () => {
    const { x, y } = moons({ n: 300, noise: 0.2, seed: 42 });
    expect(x.shape).toEqual([300, 2]);
    expect(counts(y.data)).toEqual(new Map([[0, 150], [1, 150]]));
  });

  it("rejects a bad n or noise", () => {
    expect(() => moons({ n: 0 })).toThrow(DagradError);
    expect(() => moons({ n: 2.5 })).toThrow(/moons: n must be an integer >= 1, got 2.5/);
    expect(() => moons({ noise: -0.1 })).toThrow(/moons: noise must be a finite number >= 0, got -0.1/);
  });
});

describe("circles (scikit-learn make_circles geometry)", () => {
  it("without noise, class 0 has radius 1 and class 1 radius factor, both centred at the origin", () => {
    const { x, y } = circles({ n: 51, factor: 0.3, seed: 1 });
    expect(y.shape).toEqual([51, 1]);
    expect(counts(y.data)).toEqual(new Map([[0, 25], [1, 26]]));
    for (let i = 0; i < 51; i++) {
      expect(Math.hypot(x.data[2 * i]!, x.data[2 * i + 1]!)).toBeCloseTo(y.data[i] === 0 ? 1 : 0.3, 6);
    }
  });

  it("with noise, both class means stay at the origin and the radii stay near 1 and factor", () => {
    const noise = 0.05;
    const { x, y } = circles({ n: 4000, noise, seed: 9 });
    const means = classMeans(x, y);
    for (const c of [0, 1]) {
      expect(Math.abs(means.get(c)![0])).toBeLessThan((5 * noise) / Math.sqrt(2000));
      expect(Math.abs(means.get(c)![1])).toBeLessThan((5 * noise) / Math.sqrt(2000));
    }
    const radii = (c: number) => Array.from(y.data).flatMap((label, i) => (label === c ? [Math.hypot(x.data[2 * i]!, x.data[2 * i + 1]!)] : []));
    // The mean radius of a noisy circle is biased outwards by about noise^2 / (2 r).
    expect(Math.abs(meanStd(radii(0)).mean - 1)).toBeLessThan(0.01);
    expect(Math.abs(meanStd(radii(1)).mean - 0.8)).toBeLessThan(0.01);
  });

  it("rejects a factor outside [0, 1)", () => {
    expect(() => circles({ factor: 1 })).toThrow(/circles: factor must be a finite number in \[0, 1\), got 1/);
    expect(() => circles({ factor: Number.NaN })).toThrow(DagradError);
  });
});

describe("spirals", () => {
  it("arm c turns once as its radius grows: angle = 2 pi (c / classes + r)", () => {
    const classes = 3;
    const { x, y } = spirals({ n: 300, classes, seed: 4 });
    expect(x.shape).toEqual([300, 2]);
    expect(y.shape).toEqual([300]);
    expect(counts(y.data)).toEqual(new Map([[0, 100], [1, 100], [2, 100]]));
    for (let i = 0; i < 300; i++) {
      const r = Math.hypot(x.data[2 * i]!, x.data[2 * i + 1]!);
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThanOrEqual(1 + 1e-6);
      const expected = 2 * Math.PI * (y.data[i]! / classes + r);
      const gap = Math.atan2(x.data[2 * i + 1]!, x.data[2 * i]!) - expected;
      expect(Math.abs(Math.atan2(Math.sin(gap), Math.cos(gap)))).toBeLessThan(1e-4);
    }
  });

  it("shares samples between arms as evenly as possible", () => {
    expect(counts(spirals({ n: 10, classes: 4, seed: 1 }).y.data)).toEqual(new Map([[0, 3], [1, 3], [2, 2], [3, 2]]));
  });

  it("rejects a bad class count", () => {
    expect(() => spirals({ classes: 0 })).toThrow(/spirals: classes must be an integer >= 1, got 0/);
  });
});

describe("xorClusters", () => {
  it("without noise, every sample is a truth-table corner labelled a XOR b, the corners sharing n evenly", () => {
    const { x, y } = xorClusters({ n: 10, seed: 3 });
    expect(x.shape).toEqual([10, 2]);
    expect(y.shape).toEqual([10, 1]);
    const corners = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const [a, b] = [x.data[2 * i]!, x.data[2 * i + 1]!];
      expect(y.data[i]).toBe(a ^ b);
      corners.set(`${a},${b}`, (corners.get(`${a},${b}`) ?? 0) + 1);
    }
    expect(corners).toEqual(new Map([["0,0", 3], ["0,1", 3], ["1,0", 2], ["1,1", 2]]));
    // Shuffled: not the corners in order.
    expect(Array.from(y.data)).not.toEqual([0, 0, 0, 1, 1, 1, 1, 1, 0, 0]);
  });

  it("noise is Gaussian with standard deviation `noise`, added to each corner after the shuffle", () => {
    // The same seed shuffles the same way with and without noise, so the difference is the noise alone.
    const clean = xorClusters({ n: 8000, seed: 5, dtype: "float64" });
    const noisy = xorClusters({ n: 8000, noise: 0.3, seed: 5, dtype: "float64" });
    expect(Array.from(noisy.y.data)).toEqual(Array.from(clean.y.data));
    expect(counts(noisy.y.data)).toEqual(new Map([[0, 4000], [1, 4000]]));
    const { mean, std } = meanStd(noisy.x.data.map((v, i) => v - clean.x.data[i]!));
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeCloseTo(0.3, 2);
  });

  it("rejects a bad n or noise", () => {
    expect(() => xorClusters({ n: 0 })).toThrow(/xorClusters: n must be an integer >= 1, got 0/);
    expect(() => xorClusters({ noise: -1 })).toThrow(/xorClusters: noise must be a finite number >= 0, got -1/);
  });
});

describe("blobs (scikit-learn make_blobs)", () => {
  it("given centres, each class scatters around its centre with standard deviation std", () => {
    const centers = [[0, 0], [5, 5], [-5, 5]];
    const std = 0.5;
    const { x, y, centers: returned } = blobs({ n: 3000, centers, std, seed: 2 });
    expect(x.shape).toEqual([3000, 2]);
    expect(y.shape).toEqual([3000]);
    expect(returned.toArray()).toEqual(centers);
    expect(counts(y.data)).toEqual(new Map([[0, 1000], [1, 1000], [2, 1000]]));
    const means = classMeans(x, y);
    centers.forEach(([cx, cy], c) => {
      expect(Math.abs(means.get(c)![0] - cx!)).toBeLessThan((5 * std) / Math.sqrt(1000));
      expect(Math.abs(means.get(c)![1] - cy!)).toBeLessThan((5 * std) / Math.sqrt(1000));
    });
    const offsets = Array.from(x.data, (v, i) => v - centers[y.data[Math.floor(i / 2)]!]![i % 2]!);
    expect(meanStd(offsets).std).toBeGreaterThan(std * 0.95);
    expect(meanStd(offsets).std).toBeLessThan(std * 1.05);
  });

  it("draws a number of centres uniformly in the box, with the extra samples in the first blobs", () => {
    const { x, y, centers } = blobs({ n: 10, centers: 3, features: 4, box: [-2, 2], seed: 8 });
    expect(x.shape).toEqual([10, 4]);
    expect(centers.shape).toEqual([3, 4]);
    for (const v of centers.data) expect(Math.abs(v)).toBeLessThanOrEqual(2);
    expect(counts(y.data)).toEqual(new Map([[0, 4], [1, 3], [2, 3]]));
  });

  it("rejects centres of different lengths and a reversed box", () => {
    expect(() => blobs({ centers: [[0, 0], [1]] })).toThrow(/blobs: centers must be a non-empty list of points of one length/);
    expect(() => blobs({ box: [1, -1] })).toThrow(/blobs: box must be \[min, max\]/);
  });
});

describe("grid", () => {
  it("covers the data's range plus the margin; point i * steps + j is (xs[j], ys[i])", () => {
    const g = grid(tensor([[0, 0], [1, 2]]), { steps: 3, margin: 0.5 });
    expect(Array.from(g.xs)).toEqual([-0.5, 0.5, 1.5]);
    expect(Array.from(g.ys)).toEqual([-0.5, 1, 2.5]);
    expect(g.points.shape).toEqual([9, 2]);
    expect(g.points.toArray()).toEqual([
      [-0.5, -0.5], [0.5, -0.5], [1.5, -0.5],
      [-0.5, 1], [0.5, 1], [1.5, 1],
      [-0.5, 2.5], [0.5, 2.5], [1.5, 2.5],
    ]);
  });

  it("defaults to a 100 x 100 mesh with a 0.5 margin around a dataset", () => {
    const { x } = moons({ n: 100, noise: 0.1, seed: 1 });
    const g = grid(x);
    expect(g.points.shape).toEqual([10000, 2]);
    const xs = Array.from(x.data).filter((_, i) => i % 2 === 0);
    expect(g.xs[0]).toBeCloseTo(Math.min(...xs) - 0.5, 12);
    expect(g.xs[99]).toBeCloseTo(Math.max(...xs) + 0.5, 12);
  });

  it("needs a 2-D dataset [n, 2]", () => {
    expect(() => grid(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => grid(tensor([[1, 2, 3]]))).toThrow(/grid: x must be shaped \[n, 2\].*got \[1,3\]/);
    expect(() => grid(tensor([[0, Number.NaN]]))).toThrow(/grid: x\[0,1\] is NaN, expected a finite number/);
  });
});

describe("regression sets", () => {
  it("sine: x uniform on [-π, π], y = sin(x) exactly without noise, the same for the same seed", () => {
    const { x, y } = sine({ n: 500, seed: 3, dtype: "float64" });
    expect(x.shape).toEqual([500, 1]);
    expect(y.shape).toEqual([500, 1]);
    for (let i = 0; i < 500; i++) {
      expect(Math.abs(x.data[i]!)).toBeLessThanOrEqual(Math.PI);
      expect(y.data[i]).toBe(Math.sin(x.data[i]!));
    }
    expect(Math.min(...x.data)).toBeLessThan(-3);
    expect(Math.max(...x.data)).toBeGreaterThan(3);
    expect(bytesOf(sine({ n: 50, noise: 0.1, seed: 3 }).y)).toEqual(bytesOf(sine({ n: 50, noise: 0.1, seed: 3 }).y));
  });

  it("surface: y = sin(x1) cos(x2) on [-3, 3]², with noise of the given std on the targets only", () => {
    const clean = surface({ n: 400, seed: 5, dtype: "float64" });
    const noisy = surface({ n: 400, noise: 0.5, seed: 5, dtype: "float64" });
    expect(clean.x.shape).toEqual([400, 2]);
    expect(bytesOf(noisy.x)).toEqual(bytesOf(clean.x));
    for (let i = 0; i < 400; i++) expect(clean.y.data[i]).toBe(Math.sin(clean.x.data[2 * i]!) * Math.cos(clean.x.data[2 * i + 1]!));
    const residuals = Array.from(noisy.y.data, (v, i) => v - clean.y.data[i]!);
    expect(meanStd(residuals).std).toBeGreaterThan(0.42);
    expect(meanStd(residuals).std).toBeLessThan(0.58);
    expect(() => surface({ noise: -1 })).toThrow(/noise/);
  });
});
