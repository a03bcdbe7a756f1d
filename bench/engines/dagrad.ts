// dagrad through its autograd graph: forward with graph ops, loss.backward(),
// then an in-place SGD update under noGrad.
import { Tensor, noGrad } from "../../src/autograd/index.js";
import type { Engine, LoadedBatch, Trainer } from "./engine.js";
import type { InitialWeights, MlpProblem } from "../problems.js";

function wrap(data: Float32Array, shape: readonly number[], requiresGrad = false): Tensor {
  return new Tensor(data.slice(), shape, requiresGrad);
}

class AutogradTrainer implements Trainer {
  private readonly weights: Tensor[];
  private readonly biases: Tensor[];

  constructor(private readonly problem: MlpProblem, init: InitialWeights) {
    const sizes = problem.sizes;
    this.weights = init.weights.map((w, l) => wrap(w, [sizes[l + 1]!, sizes[l]!], true));
    this.biases = init.biases.map((b, l) => wrap(b, [sizes[l + 1]!], true));
  }

  private logits(x: Tensor): Tensor {
    let h = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      h = h.matmul(this.weights[l]!.transpose()).add(this.biases[l]!);
      if (l < last) h = this.problem.activation === "relu" ? h.relu() : h.tanh();
    }
    return h;
  }

  private lossOf(z: Tensor, y: Tensor): Tensor {
    if (this.problem.loss === "crossEntropy") return z.logSoftmax(-1).mul(y).sum().mul(-1 / z.shape[0]!);
    // BCE with logits: softplus(z) - y z, averaged.
    return z.softplus().sub(y.mul(z)).mean();
  }

  load(batch: { x: Float32Array; y: Float32Array; rows: number }): LoadedBatch {
    const sizes = this.problem.sizes;
    const x = wrap(batch.x, [batch.rows, sizes[0]!]);
    const y = wrap(batch.y, [batch.rows, sizes[sizes.length - 1]!]);
    const params = [...this.weights, ...this.biases];
    const lr = this.problem.lr;
    return {
      step: () => {
        const loss = this.lossOf(this.logits(x), y);
        loss.backward();
        noGrad(() => {
          for (const p of params) {
            p.subInPlace(p.grad!, lr);
            p.grad = null;
          }
        });
        return loss.item();
      },
      dispose: () => {},
    };
  }

  predict(x: Float32Array, rows: number): Float32Array {
    return noGrad(() => this.logits(new Tensor(x, [rows, this.problem.sizes[0]!])).data as Float32Array);
  }

  dispose(): void {}
}

export const dagradAutograd: Engine = {
  name: "dagrad",
  matmul(a, b, n) {
    const ta = new Tensor(a, [n, n]);
    const tb = new Tensor(b, [n, n]);
    let c: Tensor | null = null;
    return {
      run: () => { c = ta.matmul(tb); },
      result: () => c!.data as Float32Array,
      dispose: () => {},
    };
  },
  trainer: (problem, init) => new AutogradTrainer(problem, init),
};
