// explainSteps (manual) and autogradSteps (graph) name the same steps and give
// the same numbers for batches of several samples, where the 1/m of the batch
// loss matters, for every activation and loss pair.
import { describe, expect, it } from "vitest";
import { tensor } from "../../../src/autograd/index.js";
import { MLP } from "../../../src/nn/mlp.js";
import { MANUAL_ACTIVATIONS, ManualMLP, autogradSteps, explainSteps, manualLayersOf } from "../../../src/nn/manual/index.js";
import { LOSS_OUTPUT_PAIRS, randomInputs, randomTargets } from "./fixtures.js";
import { expectValues } from "./helpers.js";

describe("explainSteps matches autogradSteps step by step", () => {
  for (const hidden of MANUAL_ACTIVATIONS) {
    it(`3 layers, hidden ${hidden}, 4 samples: every loss and output activation`, () => {
      for (const [loss, output] of LOSS_OUTPUT_PAIRS) {
        const mlp = new MLP({ sizes: [3, 5, 4, 3], activation: hidden, outputActivation: output, dtype: "float64", seed: 11 });
        const x = randomInputs(4, 3, 21);
        const y = randomTargets(loss, 4, 3, 22);
        const manual = explainSteps(new ManualMLP(manualLayersOf(mlp, "float64")), x, y, loss);
        const autograd = autogradSteps(mlp, tensor(x, { shape: [4, 3] }), tensor(y, { shape: [4, 3] }), loss);
        expect(autograd.map((s) => s.name), `${output} + ${loss}`).toEqual(manual.map((s) => s.name));
        manual.forEach((step, i) => {
          const scale = Math.max(1e-300, ...Array.from(step.values, Math.abs));
          const relative = Array.from(autograd[i]!.values, (v) => v / scale);
          expectValues(`${output} + ${loss}: ${step.name} (relative to its largest entry)`, relative, Array.from(step.values, (v) => v / scale), 1e-12);
        });
      }
    });
  }

  it("lists the 2-layer steps in the documents' order with their formulas", () => {
    const mlp = new MLP({ sizes: [2, 2, 1], activation: "tanh", outputActivation: "sigmoid", dtype: "float64", seed: 1 });
    const steps = explainSteps(new ManualMLP(manualLayersOf(mlp, "float64")), Float64Array.of(1, 0.5, -1, 2), Float64Array.of(1, 0), "bce");
    expect(steps.map((s) => s.name)).toEqual(["Z1", "A1", "Z2", "A2", "loss", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]);
    expect(steps.map((s) => s.formula)).toEqual([
      "X W1ᵀ + b1", "tanh(Z1)", "A1 W2ᵀ + b2", "sigmoid(Z2)", "bce(A2, Y)",
      "(A - Y) / m   [sigmoid + bce]", "dZ2ᵀ A1", "Σ_rows dZ2", "dZ2 W2", "dA1 ⊙ tanh'(Z1)", "dZ1ᵀ X", "Σ_rows dZ1",
    ]);
    expect(steps.find((s) => s.name === "dW1")!.parameter).toEqual({ layer: 0, kind: "weight" });
    expect(steps.find((s) => s.name === "dZ1")!.shape).toEqual([2, 2]);
  });
});
