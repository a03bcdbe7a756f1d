// The source documents' single-sample worked examples as weights in dagrad's
// [out, in] layout (mlpOfManualLayers makes an MLP holding them). Where a
// document stores W as [in, out] (Z = X W), its matrices are transposed here.
import { type Tensor, createRng, normalSample, tensor } from "../autograd/index.js";
import { type ManualLayer, type ManualLoss, manualLayer } from "../nn/index.js";

export interface WorkedExample {
  title: string;
  /** What to know when comparing with the document's printout. */
  note: string;
  layers: ManualLayer[];
  x: number[][];
  y: number[][];
  loss: ManualLoss;
  /** The update step the document prints after the gradients: its learning rate, and whether it moves the weights only. */
  update?: { lr: number; weightsOnly: boolean };
}

export const EXAMPLES: Record<"000" | "001" | "004", WorkedExample> = {
  "000": {
    title: "000 section 7: tanh hidden layer, sigmoid output, binary cross-entropy",
    note: "The notebook stores W1 = [[0.5, 0.2], [0.1, 0.3]] and W2 = [[0.4], [0.6]] as [in, out]; dagrad's [out, in] are their transposes, so dW1 here is the notebook's x.T @ dZ1 transposed. Its loss adds 1e-8 inside the log (0.4273148138); the exact BCE is printed.",
    layers: [manualLayer([[0.5, 0.1], [0.2, 0.3]], [0.1, 0.2], "tanh"), manualLayer([[0.4, 0.6]], [0.1], "sigmoid")],
    x: [[1, 0.5]], y: [[1]], loss: "bce",
  },
  "001": {
    title: "001 numerical example: ReLU hidden layer, identity output, L = 1/2 ||y_hat - y||^2",
    note: "W1 x with W1 [d_h, d_in] is already dagrad's layout; biases are zero as in the document.",
    layers: [manualLayer([[0.1, 0.2], [0.3, 0.4]], [0, 0], "relu"), manualLayer([[0.5, 0.6]], [0], "identity")],
    x: [[1, 2]], y: [[1]], loss: "halfSquaredError",
  },
  "004": {
    title: "004: sigmoid hidden and output layers, gradient of 1/2 (y_hat - y)^2",
    note: "W1 and W2 are the printed (seed 1) values, transposed to [out, in]. The document prints the MSE 0.3348 but back-propagates (y_hat - y) s(1 - s), the gradient of half the squared error: that is the loss used here (0.1674).",
    layers: [
      manualLayer([[-0.0829779953, -0.4998856252], [0.2203244934, -0.1976674274]], [0, 0], "sigmoid"),
      manualLayer([[-0.3532441092, -0.4076614052]], [0], "sigmoid"),
    ],
    x: [[0, 1]], y: [[1]], loss: "halfSquaredError",
    // "W2_new = W2 - learning_rate * dLoss_dW2" and the same for W1; the biases stay.
    update: { lr: 0.1, weightsOnly: true },
  },
};

export function matrix(rows: number[][]): Tensor {
  return tensor(rows, { dtype: "float64" });
}

/**
 * A seeded batch the loss can take: inputs N(0, 1) rounded to two decimals;
 * targets 0/1 for bce, one-hot rows for crossEntropy, N(0, 1) otherwise.
 */
export function randomBatch(loss: ManualLoss, samples: number, inputs: number, outputs: number, seed: number): { x: number[][]; y: number[][] } {
  const rng = createRng(`${seed}-data`);
  const x = Array.from({ length: samples }, () => Array.from({ length: inputs }, () => Number(normalSample(rng).toFixed(2))));
  const y = Array.from({ length: samples }, () => {
    if (loss === "crossEntropy") {
      const hot = Math.floor(rng() * outputs);
      return Array.from({ length: outputs }, (_, c) => (c === hot ? 1 : 0));
    }
    const binary = loss === "bce" || loss === "bceWithLogits";
    return Array.from({ length: outputs }, () => (binary ? (rng() < 0.5 ? 0 : 1) : Number(normalSample(rng).toFixed(2))));
  });
  return { x, y };
}
