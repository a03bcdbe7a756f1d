// Step-by-step backprop, as the source documents print it (000 section 7:
// Z1, A1, Z2, A2, loss, dZ2, dW2, db2, dA1, dZ1, dW1, db1), for a net of any
// depth. Every backward step is a gradient of the batch loss L, so the
// per-sample errors δ of mlp.ts appear divided by m; with one sample (the
// documents' examples) they are the printed numbers. autogradSteps() in
// autograd-steps.ts produces the same names from the graph, for side-by-side output.
import type { FloatArray } from "../../kernels/shape.js";
import type { ManualLoss } from "./losses.js";
import type { Matrix } from "./matrix.js";
import type { ManualMLP } from "./mlp.js";

export interface ExplainStep {
  /** "Z1", "A1", "loss", "dZ2", "dW2", "db2", "dA1", ... (layers counted from 1). */
  readonly name: string;
  /** How the value is computed, e.g. "A1 W2ᵀ + b2" or "dZ2ᵀ A1". */
  readonly formula: string;
  readonly phase: "forward" | "loss" | "backward";
  /** [rows, cols] for matrices, [n] for bias gradients, [] for the loss. */
  readonly shape: readonly number[];
  readonly values: Float64Array;
  /** For dW and db: the 0-based index of the Linear layer and which parameter. */
  readonly parameter?: { readonly layer: number; readonly kind: "weight" | "bias" };
}

const scaled = (data: FloatArray, factor: number): Float64Array => Float64Array.from(data, (v) => v * factor);
const matrixStep = (name: string, formula: string, phase: ExplainStep["phase"], m: Matrix, factor = 1): ExplainStep =>
  ({ name, formula, phase, shape: [m.rows, m.cols], values: scaled(m.data, factor) });

/** The manual path's steps for one batch (x, y: one row per sample). */
export function explainSteps(net: ManualMLP, x: FloatArray, y: FloatArray, loss: ManualLoss): ExplainStep[] {
  const g = net.backward(x, y, loss);
  const depth = net.layers.length;
  const perBatch = 1 / g.forward.x.rows; // δ is per sample; ∂L/∂Z = δ / m
  const input = (l: number): string => (l === 1 ? "X" : `A${l - 1}`);
  const steps: ExplainStep[] = [];
  net.layers.forEach((layer, i) => {
    const l = i + 1;
    steps.push(matrixStep(`Z${l}`, `${input(l)} W${l}ᵀ${layer.bias === null ? "" : ` + b${l}`}`, "forward", g.forward.z[i]!));
    steps.push(matrixStep(`A${l}`, `${layer.activation}(Z${l})`, "forward", g.forward.a[i]!));
  });
  steps.push({ name: "loss", formula: `${loss}(A${depth}, Y)`, phase: "loss", shape: [], values: Float64Array.of(g.loss) });
  for (let i = depth - 1; i >= 0; i--) {
    const l = i + 1;
    const layer = net.layers[i]!;
    const dA = g.dA[i];
    if (i === depth - 1) {
      if (dA) steps.push(matrixStep(`dA${l}`, "∂L/∂A from the loss", "backward", dA, perBatch));
      steps.push(matrixStep(`dZ${l}`, `(${g.outputRule}) / m   [${layer.activation} + ${loss}]`, "backward", g.delta[i]!, perBatch));
    } else {
      steps.push(matrixStep(`dA${l}`, `dZ${l + 1} W${l + 1}`, "backward", dA!, perBatch));
      const through = layer.activation === "softmax" ? "softmax Jacobian-vector product of dA" : `dA${l} ⊙ ${layer.activation}'(Z${l})`;
      steps.push(matrixStep(`dZ${l}`, through, "backward", g.delta[i]!, perBatch));
    }
    steps.push({ ...matrixStep(`dW${l}`, `dZ${l}ᵀ ${input(l)}`, "backward", g.weight[i]!), parameter: { layer: i, kind: "weight" } });
    const db = g.bias[i];
    if (db) steps.push({ name: `db${l}`, formula: `Σ_rows dZ${l}`, phase: "backward", shape: [db.length], values: Float64Array.from(db), parameter: { layer: i, kind: "bias" } });
  }
  return steps;
}
