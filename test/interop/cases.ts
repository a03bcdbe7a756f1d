// One or more networks per module kind nn exports, to export, run in ONNX
// Runtime and import back. The table is typed by nn's exports: a new Module
// class without a case here fails tsc.
import {
  BatchNorm1d, type DType, Dropout, Identity, LeakyReLU, Linear, LogSoftmax, MLP, type Module, ReLU, Residual, Sequential, Sigmoid, Softmax, Softplus, Tanh, type Tensor, createRng, randn,
} from "../../src/index.js";

type NnExports = typeof import("../../src/nn/index.js");
type ModuleKind = Exclude<{ [K in keyof NnExports]: NnExports[K] extends abstract new (...args: never[]) => Module ? K : never }[keyof NnExports], "Module">;

export interface Case {
  name: string;
  model: Module;
  /** One sample's shape (the batch dimension goes in front). */
  sample: number[];
}

/** Random inputs of [batch, ...sample], spread over [-3, 3] roughly so activations see both sides. */
export function inputs(sample: readonly number[], batch: number, dtype: DType, seed: number): Tensor {
  return randn([batch, ...sample], { dtype, rng: createRng(seed) }).mul(1.5);
}

/** Train-mode batches so BatchNorm1d's running statistics are not their initial 0 and 1, then eval mode (what ONNX computes). */
function settled(model: Module, sample: readonly number[], dtype: DType): Module {
  model.train();
  for (let seed = 100; seed < 105; seed++) model.forward(inputs(sample, 16, dtype, seed).add(0.5));
  return model.eval();
}

const seeded = (dtype: DType, seed: number) => ({ dtype, seed });

export const CASES: Record<ModuleKind, (dtype: DType) => Case[]> = {
  Linear: (dtype) => [
    { name: "Linear (Gemm)", model: new Linear(5, 3, seeded(dtype, 1)), sample: [5] },
    { name: "Linear without bias", model: new Linear(5, 3, { ...seeded(dtype, 2), bias: false }), sample: [5] },
    { name: "Linear on [batch, 4, 5] (MatMul + Add)", model: new Linear(5, 3, seeded(dtype, 3)), sample: [4, 5] },
    { name: "Linear without bias on [batch, 2, 4, 5] (MatMul)", model: new Linear(5, 2, { ...seeded(dtype, 4), bias: false }), sample: [2, 4, 5] },
  ],
  Identity: () => [{ name: "Identity", model: new Identity(), sample: [3] }],
  ReLU: () => [{ name: "ReLU", model: new ReLU(), sample: [6] }],
  LeakyReLU: () => [{ name: "LeakyReLU(0.2)", model: new LeakyReLU(0.2), sample: [6] }, { name: "LeakyReLU (default 0.01)", model: new LeakyReLU(), sample: [6] }],
  Sigmoid: () => [{ name: "Sigmoid", model: new Sigmoid(), sample: [6] }],
  Tanh: () => [{ name: "Tanh", model: new Tanh(), sample: [6] }],
  Softplus: () => [{ name: "Softplus", model: new Softplus(), sample: [6] }],
  Softmax: () => [
    { name: "Softmax(axis 1)", model: new Softmax(1), sample: [5] },
    { name: "Softmax(axis 0), across the batch", model: new Softmax(0), sample: [5] },
    { name: "Softmax(axis -1) on [batch, 3, 4]", model: new Softmax(-1), sample: [3, 4] },
  ],
  LogSoftmax: () => [
    { name: "LogSoftmax(axis 1)", model: new LogSoftmax(1), sample: [5] },
    { name: "LogSoftmax(axis 1) on [batch, 3, 4]", model: new LogSoftmax(1), sample: [3, 4] },
  ],
  Sequential: (dtype) => [{
    name: "Sequential(Linear, ReLU, Linear, Sigmoid)",
    model: new Sequential(new Linear(4, 6, seeded(dtype, 5)), new ReLU(), new Linear(6, 2, seeded(dtype, 6)), new Sigmoid()),
    sample: [4],
  }],
  Residual: (dtype) => [
    { name: "Residual(Linear)", model: new Residual(new Linear(4, 4, seeded(dtype, 7))), sample: [4] },
    {
      name: "Sequential(Linear, Residual(Sequential(Linear, Tanh)), Residual(Residual(ReLU)))",
      model: new Sequential(new Linear(3, 4, seeded(dtype, 8)), new Residual(new Sequential(new Linear(4, 4, seeded(dtype, 9)), new Tanh())), new Residual(new Residual(new ReLU()))),
      sample: [3],
    },
  ],
  BatchNorm1d: (dtype) => [
    { name: "BatchNorm1d with running statistics", model: settled(new BatchNorm1d(5, { dtype }), [5], dtype), sample: [5] },
    { name: "BatchNorm1d without affine parameters", model: settled(new BatchNorm1d(5, { dtype, affine: false, eps: 1e-3 }), [5], dtype), sample: [5] },
  ],
  Dropout: (dtype) => [
    { name: "Dropout between Linears", model: new Sequential(new Linear(4, 5, seeded(dtype, 10)), new Dropout(0.5, { seed: 1 }), new Linear(5, 2, seeded(dtype, 11))).eval(), sample: [4] },
    { name: "Dropout alone", model: new Dropout(0.3).eval(), sample: [4] },
  ],
  MLP: (dtype) => [
    { name: "MLP [2, 8, 1], tanh / sigmoid", model: new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", dtype, seed: 12 }), sample: [2] },
    {
      name: "MLP [3, 6, 6, 4] with BatchNorm1d, residual, dropout, leakyRelu / softmax",
      model: settled(new MLP({ sizes: [3, 6, 6, 4], activation: "leakyRelu", outputActivation: "softmax", batchNorm: true, residual: true, dropout: 0.2, dtype, seed: 13 }), [3], dtype),
      sample: [3],
    },
    { name: "MLP [4, 5, 3], softplus / identity", model: new MLP({ sizes: [4, 5, 3], activation: "softplus", dtype, seed: 14 }), sample: [4] },
  ],
};

export function allCases(dtype: DType): Case[] {
  return Object.values(CASES).flatMap((make) => make(dtype));
}
