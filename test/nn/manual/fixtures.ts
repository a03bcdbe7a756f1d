// Seeded nets, inputs and targets for the manual-backprop tests (no vitest
// import, so scripts can reuse them too).
import { createRng, normalSample } from "../../../src/autograd/index.js";
import { type ManualActivation, type ManualLayer, type ManualLoss } from "../../../src/nn/manual/index.js";

/** A float64 net with Xavier-normal weights and small random biases, from a seed. */
export function randomLayers(sizes: readonly number[], activations: readonly ManualActivation[], seed: number): ManualLayer[] {
  const rng = createRng(seed);
  return activations.map((activation, l) => {
    const [inFeatures, outFeatures] = [sizes[l]!, sizes[l + 1]!];
    const std = Math.sqrt(2 / (inFeatures + outFeatures));
    const weight = Float64Array.from({ length: inFeatures * outFeatures }, () => std * normalSample(rng));
    const bias = Float64Array.from({ length: outFeatures }, () => 0.1 * normalSample(rng));
    return { weight, bias, inFeatures, outFeatures, activation };
  });
}

export function randomInputs(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: rows * cols }, () => normalSample(rng));
}

/** Targets that suit the loss: reals for squared errors, soft labels in (0, 1) for bce, one-hot rows for crossEntropy. */
export function randomTargets(loss: ManualLoss, rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const y = new Float64Array(rows * cols);
  if (loss === "crossEntropy") {
    for (let i = 0; i < rows; i++) y[i * cols + Math.floor(rng() * cols)] = 1;
  } else if (loss === "bce" || loss === "bceWithLogits") {
    for (let i = 0; i < y.length; i++) y[i] = rng() < 0.5 ? 0 : 1;
  } else {
    for (let i = 0; i < y.length; i++) y[i] = normalSample(rng);
  }
  return y;
}

/** The (loss, output activation) pairs under test: the simplified ones and general chain-rule ones. */
export const LOSS_OUTPUT_PAIRS: readonly (readonly [ManualLoss, ManualActivation])[] = [
  ["halfSquaredError", "identity"], ["halfSquaredError", "sigmoid"], ["halfSquaredError", "tanh"],
  ["mse", "identity"], ["mse", "relu"], ["mse", "leakyRelu"], ["mse", "softplus"], ["mse", "softmax"],
  ["bce", "sigmoid"], ["bce", "softmax"],
  ["bceWithLogits", "identity"], ["bceWithLogits", "tanh"],
  ["crossEntropy", "identity"], ["crossEntropy", "softmax"], ["crossEntropy", "leakyRelu"],
];
