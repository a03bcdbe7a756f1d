import { describe, expect, it } from "vitest";
import { DagradError, ShapeError, createRng, gradcheck, randn, tensor } from "../../src/autograd/index.js";
import { BatchNorm1d, Dropout, type InitFn, Linear, MLP, Residual, Sigmoid, Tanh, bceWithLogitsLoss, init } from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

describe("MLP structure", () => {
  it("is a Sequential of Linear and activation modules, with the agreed names and lists", () => {
    const mlp = new MLP({ sizes: [2, 16, 16, 1], activation: "tanh", outputActivation: "sigmoid", init: "xavier", seed: 0 });
    expect(mlp.layers.modules.map((m) => m.constructor.name)).toEqual(["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]);
    expect(mlp.linears).toHaveLength(3);
    expect(mlp.linears.map((l) => l.weight.shape)).toEqual([[16, 2], [16, 16], [1, 16]]);
    expect(mlp.activations).toEqual(["tanh", "tanh", "sigmoid"]);
    expect(mlp.namedParameters().map(([n]) => n)).toEqual([
      "layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "layers.4.weight", "layers.4.bias",
    ]);
    expect(mlp.isPlain).toBe(true);
  });

  it("takes one activation per hidden layer, defaults to relu hidden and identity output, and any depth", () => {
    const mixed = new MLP({ sizes: [3, 4, 5, 6, 2], activation: ["relu", "leakyRelu", "softplus"], negativeSlope: 0.2, seed: 1 });
    expect(mixed.activations).toEqual(["relu", "leakyRelu", "softplus", "identity"]);
    expect(mixed.negativeSlope).toBe(0.2);
    expect(new MLP({ sizes: [3, 2] }).activations).toEqual(["identity"]);
    const deep = new MLP({ sizes: [4, ...new Array(20).fill(8), 1], seed: 2 });
    expect(deep.linears).toHaveLength(21);
    expect(deep.forward(randn([3, 4], { rng: createRng(3) })).shape).toEqual([3, 1]);
  });

  it("is reproducible from a seed, and carries its dtype", () => {
    const a = new MLP({ sizes: [2, 3, 1], seed: 7, dtype: "float64" });
    const b = new MLP({ sizes: [2, 3, 1], seed: 7, dtype: "float64" });
    expect(a.parameters().map((p) => Array.from(p.data))).toEqual(b.parameters().map((p) => Array.from(p.data)));
    expect(a.forward(tensor([[1, 2]], f64)).dtype).toBe("float64");
  });

  it("rejects bad sizes and activation lists with the reason", () => {
    expect(() => new MLP({ sizes: [2] })).toThrow(ShapeError);
    expect(() => new MLP({ sizes: [2, 0, 1] })).toThrow(/MLP: sizes must list at least two positive integer widths/);
    expect(() => new MLP({ sizes: [2, 3, 3, 1], activation: ["tanh"] })).toThrow(/MLP: got 1 hidden activations for 2 hidden layers/);
    expect(() => new MLP({ sizes: [2, 3, 1], activation: "swish" as "tanh" })).toThrow(DagradError);
    expect(() => new MLP({ sizes: [2, 3, 1], outputActivation: "swish" as "tanh" })).toThrow(/unknown outputActivation "swish"/);
  });
});

describe("MLP options", () => {
  it("batchNorm puts BatchNorm1d between each hidden Linear and its activation", () => {
    const mlp = new MLP({ sizes: [2, 4, 4, 1], activation: "tanh", batchNorm: true, seed: 1 });
    expect(mlp.layers.modules.map((m) => m.constructor.name)).toEqual(["Linear", "BatchNorm1d", "Tanh", "Linear", "BatchNorm1d", "Tanh", "Linear", "Identity"]);
    expect(mlp.linears).toHaveLength(3);
    expect(mlp.isPlain).toBe(false);
    expect(mlp.layers.modules[1]).toBeInstanceOf(BatchNorm1d);
  });

  it("dropout follows each hidden activation", () => {
    const mlp = new MLP({ sizes: [2, 4, 1], dropout: 0.1, seed: 1 });
    expect(mlp.layers.modules[2]).toBeInstanceOf(Dropout);
    expect(mlp.isPlain).toBe(false);
  });

  it("residual wraps the hidden layers that keep their width: h + tanh(W h + b)", () => {
    const mlp = new MLP({ sizes: [3, 4, 4, 1], activation: "tanh", residual: true, dtype: "float64", seed: 2 });
    const [first, second, out] = mlp.linears as [Linear, Linear, Linear];
    expect(mlp.layers.modules.map((m) => m.constructor.name)).toEqual(["Linear", "Tanh", "Residual", "Linear", "Identity"]);
    expect(mlp.namedParameters().map(([n]) => n)).toContain("layers.2.block.0.weight");
    expect((mlp.layers.modules[2] as Residual).block.namedChildren().map(([, m]) => m.constructor.name)).toEqual(["Linear", "Tanh"]);
    const x = randn([2, 3], { ...f64, rng: createRng(3) });
    const h1 = new Tanh().forward(first.forward(x));
    const h2 = h1.add(second.forward(h1).tanh());
    expect(mlp.forward(x).toArray()).toEqual(out.forward(h2).toArray());
  });

  it("scales residual blocks by residualScale, which a deep ReLU/He stack needs to start at a sane loss", () => {
    const x = randn([64, 4], { rng: createRng(1) });
    const y = tensor(Array.from({ length: 64 }, (_, i) => [i % 2]));
    const deep = (residualScale?: number) => new MLP({ sizes: [4, ...new Array<number>(30).fill(16), 1], activation: "relu", init: "he", residual: true, residualScale, seed: 3 });
    const startLoss = (model: MLP) => bceWithLogitsLoss(model.forward(x), y).item();
    // Each unscaled block adds a ReLU/He branch of the same variance: the activations double 30 times.
    expect(startLoss(deep())).toBeGreaterThan(1e4);
    expect(startLoss(deep(1 / Math.sqrt(30)))).toBeLessThan(10);
    const scaled = deep(0.5);
    expect(scaled.layers.modules.filter((m) => m instanceof Residual).every((m) => (m as Residual).scale === 0.5)).toBe(true);
    expect(() => new MLP({ sizes: [2, 4, 1], residualScale: 0.5 })).toThrow(/MLP: residualScale 0.5 without residual: true scales no block/);
  });

  it("fills biases with biasInit, after the weights, from the same generator", () => {
    const uniform01: InitFn = (t, rng) => { init.uniform(t, 0, 1, { rng }); };
    const mlp = new MLP({ sizes: [2, 3, 1], init: uniform01, biasInit: uniform01, seed: 4 });
    for (const p of mlp.parameters()) for (const v of p.data) expect(v >= 0 && v < 1).toBe(true);
    expect(mlp.linears[0]!.bias!.data.some((v) => v > 0)).toBe(true);
    // Without biasInit the named schemes leave biases at zero.
    expect(Array.from(new MLP({ sizes: [2, 3, 1], init: "xavier", seed: 4 }).linears[0]!.bias!.data)).toEqual([0, 0, 0]);
    expect(() => new MLP({ sizes: [2, 3, 1], biasInit: 3 as unknown as InitFn })).toThrow(/Linear: biasInit must be a function/);
  });

  it("passes gradcheck through every parameter with mixed activations and a softmax output", () => {
    const mlp = new MLP({ sizes: [3, 4, 4, 4, 3], activation: ["sigmoid", "tanh", "leakyRelu"], outputActivation: "softmax", dtype: "float64", init: "xavierNormal", seed: 4 });
    const x = randn([5, 3], { ...f64, rng: createRng(5), requiresGrad: true });
    const result = gradcheck((input) => mlp.forward(input), [x, ...mlp.parameters()]);
    expect(result.maxRelativeError).toBeLessThan(1e-6);
    expect(result.inputs).toHaveLength(1 + 8);
  });

  it("passes gradcheck with batchNorm and residual", () => {
    // Without biases: a bias before batch norm is subtracted again with the batch
    // mean, so its true gradient is 0 and a relative error would compare noise with noise.
    const mlp = new MLP({ sizes: [3, 4, 4, 2], activation: "softplus", batchNorm: true, residual: true, bias: false, dtype: "float64", seed: 6 });
    const x = randn([6, 3], { ...f64, rng: createRng(7), requiresGrad: true });
    expect(gradcheck((input) => mlp.forward(input), [x, ...mlp.parameters()]).maxRelativeError).toBeLessThan(1e-6);
  });

  it("gives a bias before batch norm a zero gradient (the batch mean removes it)", () => {
    const mlp = new MLP({ sizes: [3, 4, 2], batchNorm: true, dtype: "float64", seed: 6 });
    mlp.forward(randn([6, 3], { ...f64, rng: createRng(8) })).square().sum().backward();
    for (const g of mlp.linears[0]!.bias!.grad!.data) expect(Math.abs(g)).toBeLessThan(1e-12);
    expect(Math.max(...Array.from(mlp.linears[0]!.weight.grad!.data, Math.abs))).toBeGreaterThan(1e-3);
  });

  it("uses Sigmoid and the other activation modules, not special-cased math", () => {
    const mlp = new MLP({ sizes: [2, 2, 1], activation: "relu", outputActivation: "sigmoid", seed: 8 });
    expect(mlp.layers.modules[3]).toBeInstanceOf(Sigmoid);
  });
});
