// Two manual-backprop engines, no graph:
// - "manual reference": src/nn/manual's ManualMLP, the hand-derived equations
//   written as plain loops on purpose (it shares no kernel with autograd);
// - "manual on kernels": the same equations on the kernels autograd runs (GEMM
//   with the bias rows, the activations and their fused backward, the row sums,
//   the SGD update; WebAssembly or TypeScript as the backend says) with
//   preallocated buffers. Autograd against this one is the cost of the graph
//   alone: same kernels, no nodes, no allocation.
import { gemm } from "../../src/kernels/gemm.js";
import { binaryRuns, broadcastBinary, unaryKernels } from "../../src/kernels/elementwise.js";
import { sumAxes } from "../../src/kernels/reduce.js";
import { sgdUpdate } from "../../src/kernels/update.js";
import { ManualMLP, type ManualLayer } from "../../src/nn/manual/index.js";
import type { Engine, LoadedBatch, Trainer } from "./engine.js";
import type { Batch, InitialWeights, MlpProblem } from "../problems.js";

class ReferenceTrainer implements Trainer {
  private readonly mlp: ManualMLP;

  constructor(private readonly problem: MlpProblem, init: InitialWeights) {
    const s = problem.sizes;
    const layers: ManualLayer[] = init.weights.map((w, l) => ({
      weight: w.slice(), bias: init.biases[l]!.slice(), inFeatures: s[l]!, outFeatures: s[l + 1]!,
      activation: l + 2 < s.length ? problem.activation : problem.loss === "bce" ? "sigmoid" : "identity",
    }));
    this.mlp = new ManualMLP(layers);
  }

  load(batch: Batch): LoadedBatch {
    return {
      step: () => {
        const g = this.mlp.backward(batch.x, batch.y, this.problem.loss);
        this.mlp.layers.forEach((layer, l) => {
          sgd(layer.weight, g.weight[l]!.data, this.problem.lr);
          sgd(layer.bias!, g.bias[l]!, this.problem.lr);
        });
        return g.loss;
      },
      dispose: () => {},
    };
  }

  predict(x: Float32Array): Float32Array {
    const a = this.mlp.forward(x).a;
    return a[a.length - 1]!.data as Float32Array;
  }

  dispose(): void {}
}

function sgd(param: Float32Array | Float64Array, grad: Float32Array | Float64Array, lr: number): void {
  for (let i = 0; i < param.length; i++) param[i] -= lr * grad[i]!;
}

/** Buffers for one batch size, allocated once. */
interface Workspace {
  rows: number;
  z: Float32Array[];
  a: Float32Array[];
  delta: Float32Array[];
}

class KernelTrainer implements Trainer {
  private readonly weights: Float32Array[];
  private readonly biases: Float32Array[];
  private readonly dW: Float32Array[];
  private readonly db: Float32Array[];
  private workspace: Workspace | null = null;

  constructor(private readonly problem: MlpProblem, init: InitialWeights) {
    this.weights = init.weights.map((w) => w.slice());
    this.biases = init.biases.map((b) => b.slice());
    this.dW = this.weights.map((w) => new Float32Array(w.length));
    this.db = this.biases.map((b) => new Float32Array(b.length));
  }

  private buffers(rows: number): Workspace {
    if (this.workspace?.rows !== rows) {
      const widths = this.problem.sizes.slice(1);
      this.workspace = {
        rows,
        z: widths.map((w) => new Float32Array(rows * w)),
        a: widths.map((w) => new Float32Array(rows * w)),
        delta: widths.map((w) => new Float32Array(rows * w)),
      };
    }
    return this.workspace;
  }

  /** Z_l = A_{l-1} W_lᵀ + b_l, A_l = σ(Z_l) (the last layer's A is its Z, logits, or their sigmoid for bce). */
  private forward(x: Float32Array, rows: number): Workspace {
    const ws = this.buffers(rows);
    const s = this.problem.sizes;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const input = l === 0 ? x : ws.a[l - 1]!;
      const out = s[l + 1]!;
      const z = ws.z[l]!;
      gemm(false, true, rows, out, s[l]!, input, 0, this.weights[l]!, 0, z, 0, false, this.biases[l]!);
      const a = ws.a[l]!;
      if (l < last) unaryKernels[this.problem.activation](z, a);
      else if (this.problem.loss === "bce") unaryKernels.sigmoid(z, a);
      else a.set(z);
    }
    return ws;
  }

  /** δ_L = ∂L/∂Z_L with the 1/m of the mean folded in; returns the loss. */
  private outputDelta(output: Float32Array, y: Float32Array, delta: Float32Array, rows: number): number {
    const logits = output;
    const k = this.problem.sizes[this.problem.sizes.length - 1]!;
    let total = 0;
    if (this.problem.loss === "crossEntropy") {
      for (let r = 0; r < rows; r++) {
        const o = r * k;
        let max = -Infinity;
        for (let j = 0; j < k; j++) max = Math.max(max, logits[o + j]!);
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(logits[o + j]! - max);
        const lse = max + Math.log(sum);
        for (let j = 0; j < k; j++) {
          const logp = logits[o + j]! - lse;
          total -= y[o + j]! * logp;
          delta[o + j] = (Math.exp(logp) - y[o + j]!) / rows;
        }
      }
    } else if (this.problem.loss === "bce") {
      // Sigmoid then BCE (logs clamped at -100, as PyTorch's): σ'(z) cancels, δ = (a - y) / m.
      for (let i = 0; i < rows * k; i++) {
        const a = output[i]!;
        total -= y[i]! * Math.max(Math.log(a), -100) + (1 - y[i]!) * Math.max(Math.log(1 - a), -100);
        delta[i] = (a - y[i]!) / (rows * k);
      }
      total /= k;
    } else {
      for (let i = 0; i < rows * k; i++) {
        const z = logits[i]!;
        total += Math.max(z, 0) - z * y[i]! + Math.log1p(Math.exp(-Math.abs(z)));
        const sig = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        delta[i] = (sig - y[i]!) / (rows * k);
      }
      total /= k;
    }
    return total / rows;
  }

  private step(x: Float32Array, y: Float32Array, rows: number): number {
    const ws = this.forward(x, rows);
    const s = this.problem.sizes;
    const last = this.weights.length - 1;
    const loss = this.outputDelta(ws.a[last]!, y, ws.delta[last]!, rows);
    for (let l = last; l >= 0; l--) {
      const delta = ws.delta[l]!;
      const input = l === 0 ? x : ws.a[l - 1]!;
      const out = s[l + 1]!, inp = s[l]!;
      gemm(true, false, out, inp, rows, delta, 0, input, 0, this.dW[l]!, 0, false); // dW = δᵀ A
      sumAxes(delta, [rows, out], [true, false], this.db[l]!); // db = δ summed over rows
      if (l > 0) {
        const below = ws.delta[l - 1]!;
        gemm(false, false, rows, inp, out, delta, 0, this.weights[l]!, 0, below, 0, false); // dA = δ W
        // δ = dA · σ'(Z), in place; relu's mask reads its output A (positive exactly where Z is).
        const run = this.problem.activation === "relu" ? binaryRuns.reluBackward : binaryRuns.tanhBackward;
        const shape = [rows, inp];
        broadcastBinary(run, below, shape, ws.a[l - 1]!, shape, below, shape);
      }
    }
    const lr = this.problem.lr;
    for (let l = 0; l <= last; l++) {
      sgdUpdate(this.weights[l]!, this.dW[l]!, lr, 0);
      sgdUpdate(this.biases[l]!, this.db[l]!, lr, 0);
    }
    return loss;
  }

  load(batch: Batch): LoadedBatch {
    return { step: () => this.step(batch.x, batch.y, batch.rows), dispose: () => {} };
  }

  predict(x: Float32Array, rows: number): Float32Array {
    const ws = this.forward(x, rows);
    return ws.a[ws.a.length - 1]!.slice();
  }

  dispose(): void {}
}

export const manualReference: Engine = {
  name: "manual reference",
  trainer: (problem, init) => new ReferenceTrainer(problem, init),
};

export const manualKernels: Engine = {
  name: "manual on kernels",
  trainer: (problem, init) => new KernelTrainer(problem, init),
};
