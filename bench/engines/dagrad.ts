// dagrad as a user writes it: an nn MLP, the nn loss, loss.backward() through
// the graph, and nn's SGD optimizer.
import "../../src/kernels/node-threads.js"; // as "dagrad" in Node has it
import { Tensor, captureStep, noGrad } from "../../src/autograd/index.js";
import { MLP, SGD, bceLoss, bceWithLogitsLoss, crossEntropy } from "../../src/nn/index.js";
import { getGemmThreads, setGemmThreads } from "../../src/kernels/gemm.js";
import { activeKernels, getKernelBackend, setKernelBackend } from "../../src/kernels/backend.js";
import type { Engine, LoadedBatch, Trainer } from "./engine.js";
import type { Batch, InitialWeights, MlpProblem } from "../problems.js";

class AutogradTrainer implements Trainer {
  private readonly mlp: MLP;
  private readonly optimizer: SGD;

  /** captured: the same step through captureStep (recorded once, then replayed). */
  constructor(private readonly problem: MlpProblem, init: InitialWeights, private readonly captured = false) {
    this.mlp = new MLP({ sizes: problem.sizes, activation: problem.activation, outputActivation: problem.loss === "bce" ? "sigmoid" : "identity" });
    this.mlp.linears.forEach((linear, l) => {
      linear.weight.data.set(init.weights[l]!);
      linear.bias!.data.set(init.biases[l]!);
    });
    this.optimizer = new SGD(this.mlp.parameters(), { lr: problem.lr });
  }

  load(batch: Batch): LoadedBatch {
    const s = this.problem.sizes;
    const x = new Tensor(batch.x, [batch.rows, s[0]!]);
    const y = new Tensor(batch.y, [batch.rows, s[s.length - 1]!]);
    const lossOf = { crossEntropy, bceWithLogits: bceWithLogitsLoss, bce: bceLoss }[this.problem.loss];
    if (this.captured) {
      const step = captureStep(() => lossOf(this.mlp.forward(x), y));
      return {
        step: () => {
          const loss = step.run();
          this.optimizer.step();
          return loss.item();
        },
        dispose: () => {},
      };
    }
    return {
      step: () => {
        this.optimizer.zeroGrad();
        const loss = lossOf(this.mlp.forward(x), y);
        loss.backward();
        this.optimizer.step();
        return loss.item();
      },
      dispose: () => {},
    };
  }

  predict(x: Float32Array, rows: number): Float32Array {
    return noGrad(() => this.mlp.forward(new Tensor(x, [rows, this.problem.sizes[0]!])).data as Float32Array);
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

/** The same training step through captureStep: recorded once through the graph, then replayed as its kernel calls. */
export const dagradCaptured: Engine = {
  name: "dagrad captured",
  trainer: (problem, init) => new AutogradTrainer(problem, init, true),
};

/** The same engine with large products kept on the calling thread: what the GEMM worker adds. */
export const dagradOneThread: Engine = oneThread(dagradAutograd, "dagrad 1 thread", null);

/** The captured step on one thread: what the GEMM worker adds once the graph's own cost is gone. */
export const dagradCapturedOneThread: Engine = oneThread(dagradCaptured, "dagrad captured 1 thread", null);

/**
 * One thread on the plain-SIMD build (separate multiply and add), where the
 * relaxed one runs: what fused multiply-add adds, and what Node 20 without
 * the relaxed-SIMD flag gets. Null when relaxed SIMD is not running.
 */
export function dagradOneThreadSimd(): Engine | null {
  return activeKernels() === "wasm-relaxed" ? oneThread(dagradAutograd, "dagrad 1 thread SIMD", "wasm") : null;
}

function oneThread(engine: Engine, name: string, kernels: "wasm" | null): Engine {
  const alone = <T>(fn: () => T): T => {
    const before = { threads: getGemmThreads(), kernels: getKernelBackend() };
    setGemmThreads(1);
    if (kernels !== null) setKernelBackend(kernels);
    try {
      return fn();
    } finally {
      setGemmThreads(before.threads);
      setKernelBackend(before.kernels);
    }
  };
  return {
    name,
    matmul(a, b, n) {
      const inner = engine.matmul!(a, b, n);
      return { run: () => alone(() => inner.run()), result: inner.result, dispose: inner.dispose };
    },
    trainer(problem, init) {
      const inner = engine.trainer!(problem, init);
      return {
        load(batch) {
          const loaded = inner.load(batch);
          return { step: () => alone(() => loaded.step()), dispose: loaded.dispose };
        },
        predict: (x, rows) => alone(() => inner.predict(x, rows)),
        dispose: inner.dispose,
      };
    },
  };
}
