// The defining check: autograd (the MLP's forward, the nn loss, backward) and
// the hand-derived formulas agree to 1e-10 in float64 for depths 1 to 10,
// every hidden activation and every (loss, output activation) pair.
import { describe, expect, it } from "vitest";
import { DagradError, DTypeError, ShapeError, noGrad, tensor } from "../../../src/autograd/index.js";
import { MLP } from "../../../src/nn/mlp.js";
import { MANUAL_ACTIVATIONS, compareGradients, comparisonTable } from "../../../src/nn/manual/index.js";
import { LOSS_OUTPUT_PAIRS, randomInputs, randomTargets } from "./fixtures.js";

const SAMPLES = 5;
const WIDTH = 4;
const FEATURES = 3;

function batch(loss: Parameters<typeof randomTargets>[0], seed: number) {
  return {
    x: tensor(randomInputs(SAMPLES, FEATURES, seed), { shape: [SAMPLES, FEATURES] }),
    y: tensor(randomTargets(loss, SAMPLES, FEATURES, seed + 1), { shape: [SAMPLES, FEATURES] }),
  };
}

describe("autograd and the manual formulas agree to 1e-10 (float64)", () => {
  for (let depth = 1; depth <= 10; depth++) {
    for (const hidden of depth === 1 ? (["identity"] as const) : MANUAL_ACTIVATIONS) {
      it(`depth ${depth}, hidden ${hidden}: every loss and output activation`, () => {
        for (const [loss, output] of LOSS_OUTPUT_PAIRS) {
          const sizes = [FEATURES, ...Array<number>(depth - 1).fill(WIDTH), FEATURES];
          const mlp = new MLP({ sizes, activation: hidden, outputActivation: output, dtype: "float64", seed: 1000 * depth + 17 });
          const { x, y } = batch(loss, depth);
          // Central differences only where they are informative (see numerical.test.ts).
          const result = compareGradients(mlp, x, y, { loss, numerical: depth <= 3 });
          const where = `${output} + ${loss}`;
          expect(result.maxAbsDiff, `${where}\n${comparisonTable(result)}`).toBeLessThan(1e-10);
          expect(result.maxRelDiff, `${where}\n${comparisonTable(result)}`).toBeLessThan(1e-10);
          expect(Math.abs(result.autogradLoss - result.manualLoss), `${where} loss`).toBeLessThan(1e-12 * Math.max(1, Math.abs(result.manualLoss)));
          if (depth <= 3) expect(result.maxNumericalError!, `${where}\n${comparisonTable(result)}`).toBeLessThan(1e-6);
          expect(result.parameters).toHaveLength(2 * depth);
        }
      });
    }
  }
});

describe("compareGradients", () => {
  it("names parameters as the MLP does and measures gradients that are not all zero", () => {
    const mlp = new MLP({ sizes: [3, 4, 3], activation: "tanh", dtype: "float64", seed: 3 });
    const { x, y } = batch("mse", 9);
    const result = compareGradients(mlp, x, y, { loss: "mse" });
    expect(result.parameters.map((p) => p.name)).toEqual(mlp.namedParameters().map(([name]) => name));
    expect(result.parameters.map((p) => p.name)).toEqual(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]);
    for (const [, p] of mlp.namedParameters()) expect(Math.max(...Array.from(p.grad!.data, Math.abs))).toBeGreaterThan(1e-3);
  });

  it("takes class labels or one-hot rows for crossEntropy, with the same result", () => {
    const labels = [0, 2, 1, 1, 0];
    const oneHot = tensor(labels.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0))), { dtype: "float64" });
    for (const output of ["identity", "softmax"] as const) {
      const mlp = new MLP({ sizes: [3, 4, 3], activation: "relu", outputActivation: output, dtype: "float64", seed: 5 });
      const { x } = batch("crossEntropy", 4);
      const fromLabels = compareGradients(mlp, x, labels, { loss: "crossEntropy" });
      const fromOneHot = compareGradients(mlp, x, oneHot, { loss: "crossEntropy" });
      expect(fromLabels.maxRelDiff).toBeLessThan(1e-10);
      expect(fromOneHot.autogradLoss).toBeCloseTo(fromLabels.autogradLoss, 14);
    }
  });

  it("works without biases", () => {
    const mlp = new MLP({ sizes: [3, 4, 4, 3], activation: "sigmoid", bias: false, dtype: "float64", seed: 8 });
    const { x, y } = batch("halfSquaredError", 2);
    const result = compareGradients(mlp, x, y, { loss: "halfSquaredError" });
    expect(result.parameters.map((p) => p.name)).toEqual(["layers.0.weight", "layers.2.weight", "layers.4.weight"]);
    expect(result.maxRelDiff).toBeLessThan(1e-10);
  });

  it("compares a float32 MLP in float32 (agreement at float32 rounding)", () => {
    const mlp = new MLP({ sizes: [3, 8, 8, 3], activation: "tanh", outputActivation: "sigmoid", dtype: "float32", seed: 4 });
    const x = tensor(randomInputs(SAMPLES, FEATURES, 6), { shape: [SAMPLES, FEATURES], dtype: "float32" });
    const y = tensor(randomTargets("bce", SAMPLES, FEATURES, 7), { shape: [SAMPLES, FEATURES], dtype: "float32" });
    const result = compareGradients(mlp, x, y, { loss: "bce" });
    expect(result.maxRelDiff).toBeLessThan(1e-5);
    expect(result.maxNumericalError!).toBeLessThan(1e-4);
  });

  it("differs, as documented, only where bce's log clamp is active: σ(z) rounded to 1 with target 0", () => {
    const mlp = new MLP({ sizes: [1, 1], outputActivation: "sigmoid", dtype: "float64", seed: 1 });
    noGrad(() => { mlp.linears[0]!.weight.fillInPlace(40); mlp.linears[0]!.bias!.fillInPlace(0); });
    const x = tensor([[1]], { dtype: "float64" });
    const result = compareGradients(mlp, x, tensor([[0]], { dtype: "float64" }), { loss: "bce", numerical: false });
    // Autograd differentiates the clamp (gradient 0); the simplified rule gives a - y = 1.
    expect(mlp.linears[0]!.weight.grad!.data[0]).toBe(0);
    expect(result.maxAbsDiff).toBe(1);
    noGrad(() => mlp.linears[0]!.weight.fillInPlace(36));
    expect(compareGradients(mlp, x, tensor([[0]], { dtype: "float64" }), { loss: "bce" }).maxRelDiff).toBeLessThan(1e-10);
  });

  it("rejects what the manual formulas do not describe, and mismatched inputs", () => {
    const { x, y } = batch("mse", 1);
    const withBatchNorm = new MLP({ sizes: [3, 4, 3], batchNorm: true, dtype: "float64", seed: 1 });
    expect(() => compareGradients(withBatchNorm, x, y, { loss: "mse" })).toThrow(DagradError);
    const mlp = new MLP({ sizes: [3, 4, 3], dtype: "float64", seed: 1 });
    expect(() => compareGradients(mlp, x.to("float32"), y, { loss: "mse" })).toThrow(DTypeError);
    expect(() => compareGradients(mlp, x, tensor(new Float64Array(10), { shape: [5, 2] }), { loss: "mse" })).toThrow(/target \[5,2\] does not match the output \[5,3\]/);
    expect(() => compareGradients(mlp, x, [0, 1, 2, 3, 0], { loss: "crossEntropy" })).toThrow(ShapeError);
    expect(() => compareGradients(mlp, x, [0, 1, 2, 1, 0], { loss: "mse" })).toThrow(/must be \[5,3\]/);
  });
});
