import { describe, expect, it } from "vitest";
import { ShapeError, Tensor, createRng, gradcheck, ones, randn, tensor } from "../../src/autograd/index.js";
import { BatchNorm1d, Dropout, Identity, LeakyReLU, Linear, ReLU, Residual, Sequential, Sigmoid, Softmax, Softplus, Tanh, activationModule } from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

function linearWith(weight: number[][], bias: number[] | null): Linear {
  const layer = new Linear(weight[0]!.length, weight.length, { dtype: "float64", bias: bias !== null });
  layer.loadStateDict(bias === null ? { weight: tensor(weight, f64) } : { weight: tensor(weight, f64), bias: tensor(bias, f64) });
  return layer;
}

describe("Linear", () => {
  it("computes x · Wᵀ + b with W [out, in]", () => {
    const layer = linearWith([[1, 2], [3, 4], [5, 6]], [0.1, 0.2, 0.3]);
    expect(layer.weight.shape).toEqual([3, 2]);
    expect(layer.bias!.shape).toEqual([3]);
    const y = layer.forward(tensor([[1, 1], [0, 2]], f64)).toArray() as number[][];
    [[3.1, 7.2, 11.3], [4.1, 8.2, 12.3]].forEach((row, i) => row.forEach((v, j) => expect(y[i]![j]).toBeCloseTo(v, 14)));
  });

  it("has no bias parameter with bias: false, and takes extra leading axes", () => {
    const layer = linearWith([[1, 2]], null);
    expect(layer.namedParameters().map(([n]) => n)).toEqual(["weight"]);
    expect(layer.forward(tensor([[[1, 1]], [[2, 0]]], f64)).toArray()).toEqual([[[3]], [[2]]]);
  });

  it("starts as PyTorch does by default: weight and bias in U(-1/sqrt(in), 1/sqrt(in))", () => {
    const layer = new Linear(16, 50, { seed: 1 });
    const bound = 1 / Math.sqrt(16);
    for (const p of layer.parameters()) for (const v of p.data) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(new Set(layer.bias!.data).size).toBe(50);
  });

  it("sets the bias to zero for named schemes, and accepts an init function", () => {
    const he = new Linear(4, 3, { init: "he", seed: 2 });
    expect(Array.from(he.bias!.data)).toEqual([0, 0, 0]);
    const custom = new Linear(2, 2, { init: (w) => { w.data.fill(7); } });
    expect(Array.from(custom.weight.data)).toEqual([7, 7, 7, 7]);
    expect(() => new Linear(2, 2, { init: "glorot" as "xavier" })).toThrow(/Linear: unknown init "glorot"/);
  });

  it("names itself, the input shape and the expected width on a mismatch", () => {
    const layer = new Linear(2, 16);
    expect(() => layer.forward(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => layer.forward(tensor([[1, 2, 3]]))).toThrow(/Linear: 2 → 16: input has shape \[1,3\], expected \[\.\.\., 2\]/);
    expect(() => new Linear(-1, 2)).toThrow(/inFeatures must be a non-negative integer, got -1/);
    expect(() => new Linear(2.5, 2)).toThrow(/inFeatures must be a non-negative integer, got 2.5/);
  });

  it("without inputs outputs its bias in every row, as PyTorch's Linear(0, n)", () => {
    for (const init of ["default", "xavier", "he", "kaimingUniform"] as const) {
      const layer = new Linear(0, 2, { init, dtype: "float64", seed: 1 });
      expect(Array.from(layer.bias!.data)).toEqual([0, 0]);
      layer.bias!.data.set([1.5, -2]);
      const x = randn([3, 0], { ...f64, requiresGrad: true });
      const y = layer.forward(x);
      expect(y.toArray()).toEqual([[1.5, -2], [1.5, -2], [1.5, -2]]);
      y.sum().backward();
      expect(layer.bias!.grad!.toArray()).toEqual([3, 3]);
      expect(layer.weight.grad!.shape).toEqual([2, 0]);
      expect(x.grad!.shape).toEqual([3, 0]);
    }
  });

  it("passes gradcheck for input, weight and bias", () => {
    const layer = new Linear(3, 2, { dtype: "float64", seed: 3 });
    const x = randn([4, 3], { ...f64, rng: createRng(4), requiresGrad: true });
    expect(gradcheck((input) => layer.forward(input), [x, layer.weight, layer.bias!]).maxRelativeError).toBeLessThan(1e-6);
  });
});

describe("activation modules", () => {
  const x = tensor([[-2, -0.5, 0.5, 3]], f64);
  it("apply their op", () => {
    const cases: [ReturnType<typeof activationModule>, Tensor][] = [
      [new Identity(), x], [new ReLU(), x.relu()], [new LeakyReLU(0.2), x.leakyRelu(0.2)], [new Sigmoid(), x.sigmoid()],
      [new Tanh(), x.tanh()], [new Softplus(), x.softplus()], [new Softmax(), x.softmax(-1)],
    ];
    for (const [module, expected] of cases) expect(module.forward(x).toArray()).toEqual(expected.toArray());
    expect(new LeakyReLU(0.2).forward(x).toArray()).toEqual([[-0.4, -0.1, 0.5, 3]]);
  });
  it("are made from names", () => {
    expect(activationModule("leakyRelu", 0.3)).toBeInstanceOf(LeakyReLU);
    expect((activationModule("leakyRelu", 0.3) as LeakyReLU).negativeSlope).toBe(0.3);
    expect(() => activationModule("gelu" as "relu")).toThrow(/activation: unknown activation "gelu"/);
  });
});

describe("Sequential", () => {
  it("applies its modules in order", () => {
    const net = new Sequential(linearWith([[1, -1]], [0]), new ReLU(), linearWith([[2]], [1]));
    expect(net.length).toBe(3);
    expect(net.forward(tensor([[3, 1], [1, 3]], f64)).toArray()).toEqual([[5], [1]]);
  });
});

describe("Dropout", () => {
  it("zeroes about p of the elements and scales the rest by 1/(1-p) in training", () => {
    const out = new Dropout(0.25, { seed: 1 }).forward(ones([4000], f64));
    const kept = Array.from(out.data).filter((v) => v !== 0);
    for (const v of kept) expect(v).toBeCloseTo(1 / 0.75, 15);
    // 4000 Bernoulli(0.75) draws: the kept fraction is within 0.02 of 0.75 (3 standard deviations).
    expect(Math.abs(kept.length / 4000 - 0.75)).toBeLessThan(0.02);
  });

  it("passes the gradient through the same mask", () => {
    const x = ones([50], { ...f64, requiresGrad: true });
    const y = new Dropout(0.5, { seed: 2 }).forward(x);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(y.data));
  });

  it("does nothing in eval mode or with p = 0, zeroes everything with p = 1, and is seeded", () => {
    const x = ones([10]);
    expect(new Dropout(0.5).eval().forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(Array.from(new Dropout(1).forward(x).data)).toEqual(new Array(10).fill(0));
    expect(Array.from(new Dropout(0.5, { seed: 3 }).forward(x).data)).toEqual(Array.from(new Dropout(0.5, { seed: 3 }).forward(x).data));
    expect(() => new Dropout(1.5)).toThrow(/Dropout: p must be a probability in \[0, 1\], got 1.5/);
  });
});

describe("BatchNorm1d", () => {
  // Columns [1, 3] and [2, 6]: means 2 and 4, biased variances 1 and 4, unbiased 2 and 8.
  const x = () => tensor([[1, 2], [3, 6]], f64);

  it("normalises each feature with the biased batch variance in training", () => {
    const bn = new BatchNorm1d(2, { dtype: "float64" });
    const y = bn.forward(x()).toArray() as number[][];
    const a = 1 / Math.sqrt(1 + 1e-5), b = 2 / Math.sqrt(4 + 1e-5);
    [[-a, -b], [a, b]].forEach((row, i) => row.forEach((v, j) => expect(y[i]![j]).toBeCloseTo(v, 14)));
  });

  it("folds the mean and the unbiased variance into running statistics with momentum", () => {
    const bn = new BatchNorm1d(2, { dtype: "float64", momentum: 0.1 });
    bn.forward(x());
    expect(Array.from(bn.runningMean!.data)).toEqual([0.1 * 2, 0.1 * 4]);
    const rv = Array.from(bn.runningVar!.data);
    expect(rv[0]).toBeCloseTo(0.9 * 1 + 0.1 * 2, 15);
    expect(rv[1]).toBeCloseTo(0.9 * 1 + 0.1 * 8, 15);
  });

  it("uses the running statistics in eval mode and leaves them alone", () => {
    const bn = new BatchNorm1d(2, { dtype: "float64" });
    bn.forward(x());
    bn.eval();
    const y = bn.forward(tensor([[2.2, 0.4]], f64)).toArray() as number[][];
    expect(y[0]![0]).toBeCloseTo(2 / Math.sqrt(1.1 + 1e-5), 14);
    expect(y[0]![1]).toBeCloseTo(0, 15);
    expect(bn.runningMean!.data[0]).toBeCloseTo(0.2, 15);
  });

  it("applies the affine weight and bias, and passes gradcheck through them and the input", () => {
    const bn = new BatchNorm1d(3, { dtype: "float64" });
    bn.weight!.data.set([0.5, 2, -1]);
    bn.bias!.data.set([0.1, -0.2, 0.3]);
    const input = randn([5, 3], { ...f64, rng: createRng(5), requiresGrad: true });
    expect(gradcheck((v) => bn.forward(v), [input, bn.weight!, bn.bias!]).maxRelativeError).toBeLessThan(1e-6);
  });

  it("needs more than one sample to train, and [batch, features] input", () => {
    expect(() => new BatchNorm1d(2).forward(tensor([[1, 2]]))).toThrow(/BatchNorm1d: training needs more than one sample per batch/);
    expect(() => new BatchNorm1d(2).forward(tensor([[1, 2, 3]]))).toThrow(/BatchNorm1d: input has shape \[1,3\], expected \[batch, 2\]/);
    expect(new BatchNorm1d(2).eval().forward(tensor([[1, 2]])).shape).toEqual([1, 2]);
  });
});

describe("Residual", () => {
  it("adds the block's output to its input, so the input's gradient has an identity part", () => {
    const block = linearWith([[0, 0], [0, 0]], [1, -1]);
    const x = tensor([[1, 2]], { ...f64, requiresGrad: true });
    const y = new Residual(block).forward(x);
    expect(y.toArray()).toEqual([[2, 1]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1]]);
  });

  it("scales the block's output: x + scale · block(x), in the value and the gradient", () => {
    const block = linearWith([[2, 0], [0, 2]], [0, 0]);
    const x = tensor([[1, 2]], { ...f64, requiresGrad: true });
    const y = new Residual(block, { scale: 0.25 }).forward(x);
    expect(y.toArray()).toEqual([[1.5, 3]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[1.5, 1.5]]);
    expect(String(new Residual(block, { scale: 0.25 }))).toMatch(/^Residual\(scale=0\.25/);
    expect(() => new Residual(block, { scale: NaN })).toThrow(/Residual: scale must be a finite number, got NaN/);
  });

  it("names both shapes when the block changes the shape", () => {
    expect(() => new Residual(new Linear(2, 3)).forward(tensor([[1, 2]]))).toThrow(/Residual: the block maps \[1,2\] to \[1,3\]/);
  });

  it("names its block's parameters under block.", () => {
    expect(new Residual(new Linear(2, 2)).namedParameters().map(([n]) => n)).toEqual(["block.weight", "block.bias"]);
  });
});
