// TensorFlow.js peers: the pure-JS "cpu" backend and the "wasm" backend
// (XNNPACK, SIMD). Both backends live in one process; each closure switches to
// its own before running (a synchronous switch once a backend is initialised).
import { createRequire } from "node:module";
import path from "node:path";
import type { Engine, LoadedBatch, Trainer } from "./engine.js";
import { type Batch, type InitialWeights, type MlpProblem, transposed } from "../problems.js";

type Tf = typeof import("@tensorflow/tfjs");

function makeEngine(tf: Tf, backend: "cpu" | "wasm"): Engine {
  const use = (): void => {
    if (tf.getBackend() !== backend) void tf.setBackend(backend);
  };

  class TfTrainer implements Trainer {
    private readonly weights: import("@tensorflow/tfjs").Variable[];
    private readonly biases: import("@tensorflow/tfjs").Variable[];
    private readonly optimizer: import("@tensorflow/tfjs").SGDOptimizer;

    constructor(private readonly problem: MlpProblem, init: InitialWeights) {
      use();
      const s = problem.sizes;
      this.weights = init.weights.map((w, l) => tf.variable(tf.tensor2d(transposed(w, s[l + 1]!, s[l]!), [s[l]!, s[l + 1]!])));
      this.biases = init.biases.map((b) => tf.variable(tf.tensor1d(b)));
      this.optimizer = tf.train.sgd(problem.lr);
    }

    private logits(x: import("@tensorflow/tfjs").Tensor2D): import("@tensorflow/tfjs").Tensor2D {
      let h = x;
      const last = this.weights.length - 1;
      for (let l = 0; l <= last; l++) {
        h = tf.add(tf.matMul(h, this.weights[l]!), this.biases[l]!);
        if (l < last) h = this.problem.activation === "relu" ? tf.relu(h) : tf.tanh(h);
      }
      return h;
    }

    load(batch: Batch): LoadedBatch {
      use();
      const s = this.problem.sizes;
      const x = tf.tensor2d(batch.x, [batch.rows, s[0]!]);
      const y = tf.tensor2d(batch.y, [batch.rows, s[s.length - 1]!]);
      const varList = [...this.weights, ...this.biases];
      const lossFn = (): import("@tensorflow/tfjs").Scalar => {
        const z = this.logits(x);
        if (this.problem.loss === "crossEntropy") return tf.losses.softmaxCrossEntropy(y, z);
        // Sigmoid then BCE on probabilities (TF.js adds 1e-7 inside its logs where PyTorch clamps them at -100).
        if (this.problem.loss === "bce") return tf.losses.logLoss(y, tf.sigmoid(z));
        return tf.losses.sigmoidCrossEntropy(y, z);
      };
      return {
        step: () => {
          use();
          const loss = this.optimizer.minimize(lossFn, true, varList)!;
          const value = loss.dataSync()[0]!;
          loss.dispose();
          return value;
        },
        dispose: () => { x.dispose(); y.dispose(); },
      };
    }

    predict(x: Float32Array, rows: number): Float32Array {
      use();
      return tf.tidy(() => this.logits(tf.tensor2d(x, [rows, this.problem.sizes[0]!])).dataSync() as Float32Array);
    }

    dispose(): void {
      for (const v of [...this.weights, ...this.biases]) v.dispose();
      this.optimizer.dispose();
    }
  }

  return {
    name: `tfjs-${backend}`,
    matmul(a, b, n) {
      use();
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      let c: Float32Array = new Float32Array(0);
      return {
        // dataSync inside tidy: return nothing, or tidy walks the whole result array.
        run: () => { use(); tf.tidy(() => { c = tf.matMul(ta, tb).dataSync() as Float32Array; }); },
        result: () => c,
        dispose: () => { ta.dispose(); tb.dispose(); },
      };
    },
    trainer: (problem, init) => new TfTrainer(problem, init),
  };
}

/** Both TF.js engines, with their backends initialised (the wasm binaries come from the package's dist/). */
export async function loadTfjs(): Promise<Engine[]> {
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep);
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs: the wasm backend failed to initialise");
  if (!(await tf.setBackend("cpu"))) throw new Error("tfjs: the cpu backend failed to initialise");
  await tf.ready();
  return [makeEngine(tf, "cpu"), makeEngine(tf, "wasm")];
}
