// Loss landscapes: filter-normalised directions (Li et al. 2018), slices and
// surfaces that evaluate the loss where they say, leave the weights as they
// were, and whose slopes at the origin are autograd's directional derivatives.
import { describe, expect, it } from "vitest";
import { ShapeError, type Tensor, createRng, grad, noGrad, normalSample, tensor } from "../../src/autograd/index.js";
import { BatchNorm1d, MLP, bceWithLogitsLoss, lossSlice, lossSurface, randomDirection } from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

function problem(seed: number, options: { batchNorm?: boolean } = {}) {
  const model = new MLP({ sizes: [2, 5, 4, 1], activation: "tanh", init: "xavier", dtype: "float64", seed, ...options });
  const rng = createRng(seed + 50);
  const x = tensor(Array.from({ length: 8 }, () => [normalSample(rng), normalSample(rng)]), f64);
  const y = tensor([[0], [1], [1], [0], [1], [0], [0], [1]], f64);
  const lossTensor = () => bceWithLogitsLoss(model.forward(x), y);
  return { model, params: model.parameters(), lossTensor, loss: () => lossTensor().item() };
}

const rowNorms = (t: Tensor) => {
  const rows = t.shape[0]!, width = t.size / rows;
  return Array.from({ length: rows }, (_, r) => Math.hypot(...Array.from(t.data.subarray(r * width, (r + 1) * width))));
};

describe("randomDirection", () => {
  it("gives each filter (row of a weight) the norm of that filter in the weights, and biases a zero direction", () => {
    const { model, params } = problem(1, { batchNorm: true });
    const direction = randomDirection(params, { seed: 3 });
    params.forEach((p, k) => {
      const d = direction[k]!;
      expect(d.shape).toEqual(p.shape);
      if (p.ndim >= 2) rowNorms(d).forEach((n, r) => expect(n).toBeCloseTo(rowNorms(p)[r]!, 12));
      else expect(Array.from(d.data).every((v) => v === 0)).toBe(true);
    });
    // Batch norm's scale and shift are 1-D: left where they are.
    const bn = model.layers.modules.find((m) => m instanceof BatchNorm1d) as BatchNorm1d;
    expect(Array.from(direction[params.indexOf(bn.weight!)]!.data).every((v) => v === 0)).toBe(true);
  });

  it("is the plain Gaussian with normalization none, and the same for the same seed", () => {
    const { params } = problem(2);
    const a = randomDirection(params, { seed: 4, normalization: "none" });
    const b = randomDirection(params, { seed: 4, normalization: "none" });
    expect(a.map((t) => Array.from(t.data))).toEqual(b.map((t) => Array.from(t.data)));
    const filtered = randomDirection(params, { seed: 4 });
    // Same draws, rescaled row by row.
    const ratio = filtered[0]!.data[0]! / a[0]!.data[0]!;
    expect(filtered[0]!.data[1]! / a[0]!.data[1]!).toBeCloseTo(ratio, 12);
    expect(() => randomDirection(params, { normalization: "layer" as "none" })).toThrow(/normalization must be "filter" or "none"/);
  });
});

describe("lossSlice", () => {
  it("has slope gradient · direction at the origin (central differences of the slice, relative error < 1e-6)", () => {
    for (const seed of [1, 2, 3]) {
      const { params, lossTensor, loss } = problem(seed);
      const direction = randomDirection(params, { seed: seed + 10 });
      const g = grad(lossTensor(), params);
      const slope = g.reduce((s, gk, k) => s + Array.from(gk.data).reduce((t, v, i) => t + v * direction[k]!.data[i]!, 0), 0);
      const h = 1e-5;
      const [minus, plus] = lossSlice(params, loss, direction, [-h, h]);
      const numerical = (plus! - minus!) / (2 * h);
      expect(Math.abs(numerical - slope) / (Math.abs(numerical) + Math.abs(slope))).toBeLessThan(1e-6);
      expect(Math.abs(slope)).toBeGreaterThan(1e-3);
    }
  });

  it("is the loss itself at α = 0 and leaves the weights exactly as they were", () => {
    const { params, loss } = problem(4);
    const before = params.map((p) => Array.from(p.data));
    const versions = params.map((p) => p.version);
    const values = lossSlice(params, loss, randomDirection(params, { seed: 1 }), [-1, -0.5, 0, 0.5, 1]);
    expect(values[2]).toBe(loss());
    expect(new Set(values).size).toBe(5);
    expect(params.map((p) => Array.from(p.data))).toEqual(before);
    params.forEach((p, k) => expect(p.version).toBeGreaterThan(versions[k]!)); // the writes are seen by saved graphs
  });

  it("restores the weights when the loss throws", () => {
    const { params } = problem(5);
    const before = params.map((p) => Array.from(p.data));
    let calls = 0;
    expect(() => lossSlice(params, () => { if (++calls === 2) throw new Error("boom"); return 0; }, randomDirection(params, { seed: 1 }), [0, 1, 2])).toThrow("boom");
    expect(params.map((p) => Array.from(p.data))).toEqual(before);
  });

  it("walks the straight line between two sets of weights with origin and direction = to - from", () => {
    const { model, params, loss } = problem(6);
    const start = params.map((p) => tensor(p.data.slice(), { shape: [...p.shape], dtype: "float64" }));
    const atStart = loss();
    // Move the weights somewhere else: they are the path's end.
    noGrad(() => params.forEach((p) => { p.data.forEach((v, i) => { p.data[i] = v * 0.5 + 0.1; }); p.markModified(); }));
    const atEnd = loss();
    const path = lossSlice(params, loss, params.map((p, k) => p.sub(start[k]!).detach()), [0, 1], { origin: start });
    expect(path[0]).toBeCloseTo(atStart, 14);
    expect(path[1]).toBeCloseTo(atEnd, 14);
    expect(model.parameters()[0]!.data[0]).toBe(params[0]!.data[0]);
  });

  it("refuses directions that do not fit the parameters", () => {
    const { params, loss } = problem(7);
    expect(() => lossSlice(params, loss, [tensor([1], f64)], [0])).toThrow(ShapeError);
    expect(() => lossSlice(params, loss, randomDirection(params), [])).toThrow(/alphas must be a non-empty list/);
    expect(() => lossSlice(params, loss, randomDirection(params), [NaN])).toThrow(/finite/);
  });
});

describe("lossSurface", () => {
  it("matches the two slices along its axes, row by row in β", () => {
    const { params, loss } = problem(8);
    const d1 = randomDirection(params, { seed: 1 }), d2 = randomDirection(params, { seed: 2 });
    const steps = [-1, 0, 1];
    const surface = lossSurface(params, loss, [d1, d2], steps, steps);
    const along1 = lossSlice(params, loss, d1, steps);
    const along2 = lossSlice(params, loss, d2, steps);
    steps.forEach((_, i) => expect(surface.values[1 * 3 + i]).toBeCloseTo(along1[i]!, 14));
    steps.forEach((_, j) => expect(surface.values[j * 3 + 1]).toBeCloseTo(along2[j]!, 14));
  });

  it("is the exact quadratic on a quadratic loss", () => {
    const x = tensor([1, -2], { ...f64, requiresGrad: true });
    const loss = () => x.square().sum().item();
    const surface = lossSurface([x], loss, [[tensor([1, 0], f64)], [tensor([0, 1], f64)]], [0, 1, 2], [-1, 0]);
    // (1 + α)^2 + (-2 + β)^2
    expect(Array.from(surface.values)).toEqual([10, 13, 18, 5, 8, 13]);
  });
});
