// What every engine in the suite provides. Each engine owns its tensors; the
// suite hands it plain Float32Arrays and times the closures it returns.
import type { Batch, InitialWeights, MlpProblem } from "../problems.js";

/** One training step on a batch already in the engine's memory: forward, backward, SGD update; returns the loss. */
export interface LoadedBatch {
  step(): number;
  /** Free engine memory held for the batch (jax-js and TF.js count references). */
  dispose(): void;
}

export interface Trainer {
  load(batch: Batch): LoadedBatch;
  /** Logits [rows, classes] for x [rows, in], without recording gradients. */
  predict(x: Float32Array, rows: number): Float32Array;
  dispose(): void;
}

export interface Engine {
  readonly name: string;
  /** A closure that computes a · b for two n x n float32 matrices (row-major). */
  matmul?(a: Float32Array, b: Float32Array, n: number): { run(): void; result(): Float32Array; dispose(): void };
  trainer?(problem: MlpProblem, init: InitialWeights): Trainer;
}
