// The worked single steps of the source documents, reproduced by BOTH paths:
// the manual formulas (explainSteps) and autograd on an MLP holding the same
// weights (autogradSteps). Weights are in dagrad's [out, in] layout; where a
// document stores W as [in, out] (Z = X W) it is transposed here, and so is
// its dW. One sample each, so ∂L/∂Z is the document's dZ.
import { describe, expect, it } from "vitest";
import { tensor } from "../../../src/autograd/index.js";
import { type ExplainStep, type ManualLayer, type ManualLoss, ManualMLP, autogradSteps, explainSteps, manualLayer, mlpOfManualLayers } from "../../../src/nn/manual/index.js";
import { expectValues } from "./helpers.js";

interface WorkedExample {
  layers: ManualLayer[];
  x: number[];
  y: number[];
  loss: ManualLoss;
  /** Printed values by step name, and how close they must be. */
  expected: Record<string, number[]>;
  tolerance: number;
}

function bothPaths(example: WorkedExample): { manual: ExplainStep[]; autograd: ExplainStep[] } {
  const x = Float64Array.from(example.x);
  const y = Float64Array.from(example.y);
  const manual = explainSteps(new ManualMLP(example.layers), x, y, example.loss);
  const autograd = autogradSteps(mlpOfManualLayers(example.layers), tensor(x, { shape: [1, x.length] }), tensor(y, { shape: [1, y.length] }), example.loss);
  return { manual, autograd };
}

function checkExample(example: WorkedExample): void {
  const { manual, autograd } = bothPaths(example);
  it("both paths produce the same steps, agreeing to 1e-15", () => {
    expect(autograd.map((s) => s.name)).toEqual(manual.map((s) => s.name));
    manual.forEach((step, i) => {
      expect(autograd[i]!.shape, step.name).toEqual(step.shape);
      expectValues(`${step.name} autograd vs manual`, autograd[i]!.values, Array.from(step.values), 1e-15);
    });
  });
  for (const [name, values] of Object.entries(example.expected)) {
    it(`${name} = [${values.join(", ")}] on both paths`, () => {
      for (const [path, steps] of [["manual", manual], ["autograd", autograd]] as const) {
        const step = steps.find((s) => s.name === name);
        expect(step, `${path} has no step ${name}`).toBeDefined();
        expectValues(`${path} ${name}`, step!.values, values, example.tolerance);
      }
    });
  }
}

describe("001: 2-layer ReLU MLP, identity output, L = 1/2 ||y_hat - y||^2", () => {
  checkExample({
    // W1 x with W1 [d_h, d_in]: already our layout. Zero biases, as in the document.
    layers: [manualLayer([[0.1, 0.2], [0.3, 0.4]], [0, 0], "relu"), manualLayer([[0.5, 0.6]], [0], "identity")],
    x: [1, 2],
    y: [1],
    loss: "halfSquaredError",
    expected: {
      Z1: [0.5, 1.1], A1: [0.5, 1.1], A2: [0.91], loss: [0.00405],
      dZ2: [-0.09], dW2: [-0.045, -0.099], db2: [-0.09],
      dA1: [-0.045, -0.054], dZ1: [-0.045, -0.054],
      dW1: [-0.045, -0.09, -0.054, -0.108], db1: [-0.045, -0.054],
    },
    // Every number in 001 is a short decimal: the only error is float rounding.
    tolerance: 1e-12,
  });
});

describe("000 section 7: tanh hidden, sigmoid output, BCE", () => {
  checkExample({
    // The notebook's W1 = [[0.5, 0.2], [0.1, 0.3]] and W2 = [[0.4], [0.6]] are [in, out]: transposed.
    layers: [manualLayer([[0.5, 0.1], [0.2, 0.3]], [0.1, 0.2], "tanh"), manualLayer([[0.4, 0.6]], [0.1], "sigmoid")],
    x: [1, 0.5],
    y: [1],
    loss: "bce",
    expected: {
      Z1: [0.65, 0.55],
      A2: [0.65225817],
      // The notebook adds 1e-8 inside its logs (0.4273148138); the exact BCE is -log(A2).
      loss: [0.4273148292],
      dZ2: [0.65225817 - 1], db2: [0.65225817 - 1],
      dW2: [-0.1987935602, -0.1740518142],
      dZ1: [-0.0936390089, -0.1563752275],
      // The notebook's x.T @ dZ1 = [[-0.0936390089, -0.1563752275], [-0.0468195044, -0.0781876138]], transposed.
      dW1: [-0.0936390089, -0.0468195044, -0.1563752275, -0.0781876138],
      db1: [-0.0936390089, -0.1563752275],
    },
    tolerance: 1e-10, // ten printed decimals
  });
});

// Printed W1 [in, out] = [[-0.0829779953, 0.2203244934], [-0.4998856252, -0.1976674274]] and
// W2 = [[-0.3532441092], [-0.4076614052]], transposed. B1 and B2 exist and are zeros.
const layers004 = [
  manualLayer([[-0.0829779953, -0.4998856252], [0.2203244934, -0.1976674274]], [0, 0], "sigmoid"),
  manualLayer([[-0.3532441092, -0.4076614052]], [0], "sigmoid"),
];

describe("004: sigmoid layers, gradient of 1/2 (y_hat - y)^2", () => {
  checkExample({
    layers: layers004,
    x: [0, 1],
    y: [1],
    loss: "halfSquaredError",
    expected: {
      A1: [0.3775675477, 0.4507434199],
      A2: [0.4213767598],
      dA2: [0.4213767598 - 1],
      dZ2: [-0.1410789846],
      dW2: [-0.0532668462, -0.063590424],
      dZ1: [0.0117118133, 0.0142385769],
      // Printed dW1 = x.T @ dZ1 = [[0, 0], [0.0117118133, 0.0142385769]] ([in, out]), transposed.
      dW1: [0, 0.0117118133, 0, 0.0142385769],
    },
    tolerance: 1e-10,
  });

  const net = new ManualMLP(layers004);
  const x = Float64Array.of(0, 1);
  const y = Float64Array.of(1);

  it("prints the mean squared error 0.3348048541, whose gradient is twice the one it uses", () => {
    expect(Math.abs(net.loss(x, y, "mse") - 0.3348048541)).toBeLessThan(1e-10);
    const half = net.backward(x, y, "halfSquaredError");
    const mse = net.backward(x, y, "mse");
    expect(half.loss).toBeCloseTo(0.3348048541 / 2, 10);
    expectValues("dW2 under mse", mse.weight[1]!.data, [2 * -0.0532668462, 2 * -0.063590424], 2e-10);
  });

  it("an SGD step with lr 0.1 gives the printed new weights (4 decimals)", () => {
    const g = net.backward(x, y, "halfSquaredError");
    const step = (w: ArrayLike<number>, dw: ArrayLike<number>): number[] => Array.from(w, (v, i) => v - 0.1 * dw[i]!);
    // New W1 printed [in, out] [[-0.083, 0.2203], [-0.5011, -0.1991]]; ours is its transpose.
    expectValues("new W1", step(layers004[0]!.weight, g.weight[0]!.data), [-0.083, -0.5011, 0.2203, -0.1991], 5e-5);
    expectValues("new W2", step(layers004[1]!.weight, g.weight[1]!.data), [-0.3479, -0.4013], 5e-5);
  });
});
