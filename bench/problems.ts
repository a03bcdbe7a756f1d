// The workloads of the suite and the seeded data every engine trains on.
// Every engine starts from the same weights and sees the same batch, so the
// first losses must agree (checked by the parity step in run.ts).
import { createRng, normalSample, type Rng } from "../src/autograd/index.js";

export type Activation = "relu" | "tanh";
/** bceWithLogits takes the last layer's raw scores; bce its sigmoid (the source documents' formulation). */
export type LossName = "crossEntropy" | "bceWithLogits" | "bce";

export interface MlpProblem {
  readonly name: string;
  readonly title: string;
  /** Layer widths, input to output. */
  readonly sizes: readonly number[];
  /** Hidden activation; the output is raw logits, or their sigmoid for bce. */
  readonly activation: Activation;
  /** crossEntropy takes one-hot rows; bceWithLogits and bce one 0/1 target per row. */
  readonly loss: LossName;
  readonly batch: number;
  readonly lr: number;
}

const deepSizes = [32, ...new Array<number>(20).fill(32), 1];

export const PROBLEMS = {
  mnist: { name: "mnist-step", title: "MNIST-shaped step 784-128-64-10 relu, softmax CE, batch 128", sizes: [784, 128, 64, 10], activation: "relu", loss: "crossEntropy", batch: 128, lr: 0.5 },
  tiny: { name: "tiny-step", title: "tiny step 2-16-16-1 tanh, BCE with logits, batch 240", sizes: [2, 16, 16, 1], activation: "tanh", loss: "bceWithLogits", batch: 240, lr: 0.1 },
  // The same net as 000 and 003 write it: a sigmoid output, then binary cross-entropy on probabilities.
  tinyBce: { name: "tiny-step-bce", title: "tiny step 2-16-16-1 tanh, sigmoid output + BCE, batch 240", sizes: [2, 16, 16, 1], activation: "tanh", loss: "bce", batch: 240, lr: 0.1 },
  deep: { name: "deep-step", title: "deep step 20 x 32 tanh, BCE with logits, batch 32", sizes: deepSizes, activation: "tanh", loss: "bceWithLogits", batch: 32, lr: 0.05 },
} as const satisfies Record<string, MlpProblem>;

/** Weights [out, in] (PyTorch layout) and biases, from PyTorch's default U(-1/sqrt(in), 1/sqrt(in)). */
export interface InitialWeights {
  readonly weights: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
}

export function initialWeights(sizes: readonly number[], seed: number): InitialWeights {
  const rng = createRng(`weights-${seed}`);
  const weights: Float32Array[] = [];
  const biases: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const bound = 1 / Math.sqrt(fanIn);
    weights.push(uniform(rng, sizes[l + 1]! * fanIn, bound));
    biases.push(uniform(rng, sizes[l + 1]!, bound));
  }
  return { weights, biases };
}

/** A weight [out, in] as [in, out], for peers whose forward is x · W. */
export function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

function uniform(rng: Rng, n: number, bound: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng() - 1) * bound;
  return out;
}

/** One batch: x [rows, in] and y ([rows, classes] one-hot, or [rows, 1] 0/1). */
export interface Batch {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly rows: number;
}

export function randomBatch(problem: MlpProblem, seed: number): Batch {
  const rng = createRng(`batch-${problem.name}-${seed}`);
  const inputs = problem.sizes[0]!;
  const outputs = problem.sizes[problem.sizes.length - 1]!;
  const rows = problem.batch;
  const x = new Float32Array(rows * inputs);
  // Pixels in [0, 1) for the MNIST shape, standard normal features otherwise.
  for (let i = 0; i < x.length; i++) x[i] = problem.loss === "crossEntropy" ? rng() : normalSample(rng);
  const y = new Float32Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    if (problem.loss === "crossEntropy") y[r * outputs + Math.floor(rng() * outputs)] = 1;
    else y[r] = rng() < 0.5 ? 0 : 1;
  }
  return { x, y, rows };
}

/** A seeded n x n matrix with entries in [-1, 1). */
export function randomMatrix(n: number, seed: number): Float32Array {
  return uniform(createRng(`matrix-${n}-${seed}`), n * n, 1);
}
