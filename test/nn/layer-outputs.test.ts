// layerOutputs: each layer's output, as the layers compute it in evaluation
// mode, written out here with plain tensor ops from the MLP's own weights.
import { describe, expect, it } from "vitest";
import { ShapeError, type Tensor, createRng, randn } from "../../src/autograd/index.js";
import { BatchNorm1d, MLP, type Module, SGD, fit, layerOutputs, predict } from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

function affine(mlp: MLP, l: number, h: Tensor): Tensor {
  const linear = mlp.linears[l]!;
  return h.matmul(linear.weight.mT).add(linear.bias!);
}

function descendants(module: Module): Module[] {
  return module.namedChildren().flatMap(([, child]) => [child, ...descendants(child)]);
}

describe("layerOutputs", () => {
  it("a plain MLP: each layer's activation of its affine map, the last one the network's output", () => {
    const mlp = new MLP({ sizes: [2, 5, 4, 3], activation: ["tanh", "relu"], outputActivation: "sigmoid", seed: 1, ...f64 });
    const x = randn([7, 2], { rng: createRng(2), ...f64 });
    const outputs = layerOutputs(mlp, x);
    const a1 = affine(mlp, 0, x).tanh();
    const a2 = affine(mlp, 1, a1).relu();
    const a3 = affine(mlp, 2, a2).sigmoid();
    expect(outputs.map((t) => t.shape)).toEqual([[7, 5], [7, 4], [7, 3]]);
    expect(outputs.map((t) => Array.from(t.data))).toEqual([a1, a2, a3].map((t) => Array.from(t.data)));
    expect(Array.from(outputs[2]!.data)).toEqual(Array.from(predict(mlp, x).data));
    expect(outputs.every((t) => !t.requiresGrad)).toBe(true);
  });

  it("a residual layer outputs h + layer(h); batch norm uses its running statistics; dropout does nothing", () => {
    const mlp = new MLP({ sizes: [2, 4, 4, 4, 1], activation: "tanh", residual: true, batchNorm: true, dropout: 0.5, seed: 3, ...f64 });
    const x = randn([16, 2], { rng: createRng(4), ...f64 });
    // A few steps so the running statistics are not their initial 0 and 1.
    fit(mlp, { x, y: randn([16, 1], { rng: createRng(5), ...f64 }) }, { loss: "mse", optimizer: new SGD(mlp.parameters(), { lr: 0.1 }), epochs: 3, seed: 6 });
    const norms = descendants(mlp).filter((m): m is BatchNorm1d => m instanceof BatchNorm1d);
    expect(norms).toHaveLength(3);
    expect(Array.from(norms[0]!.runningMean!.data).some((v) => v !== 0)).toBe(true);
    const normalise = (bn: BatchNorm1d, z: Tensor): Tensor =>
      z.sub(bn.runningMean!).div(bn.runningVar!.add(bn.eps).sqrt()).mul(bn.weight!).add(bn.bias!);
    const h1 = normalise(norms[0]!, affine(mlp, 0, x)).tanh(); // 2 -> 4: no skip, the widths differ
    const h2 = h1.add(normalise(norms[1]!, affine(mlp, 1, h1)).tanh());
    const h3 = h2.add(normalise(norms[2]!, affine(mlp, 2, h2)).tanh());
    const out = affine(mlp, 3, h3);
    const outputs = layerOutputs(mlp, x);
    [h1, h2, h3, out].forEach((expected, l) => {
      const got = outputs[l]!.data;
      expected.data.forEach((v, i) => expect(Math.abs(got[i]! - v), `layer ${l + 1}, element ${i}`).toBeLessThan(1e-12));
    });
  });

  it("leaves the model in the mode it found it in", () => {
    const mlp = new MLP({ sizes: [2, 3, 1], dropout: 0.5, seed: 1 });
    const x = randn([4, 2], { rng: createRng(1) });
    layerOutputs(mlp, x);
    expect(mlp.training).toBe(true);
    mlp.eval();
    layerOutputs(mlp, x);
    expect(mlp.training).toBe(false);
  });

  it("refuses inputs that are not [samples, in]", () => {
    const mlp = new MLP({ sizes: [2, 3, 1], seed: 1 });
    expect(() => layerOutputs(mlp, randn([4, 3], { rng: createRng(1) }))).toThrow(ShapeError);
    expect(() => layerOutputs(mlp, randn([4, 3], { rng: createRng(1) }))).toThrow("layerOutputs: x [4,3] must be [samples, 2] for MLP [2, 3, 1]");
  });
});
