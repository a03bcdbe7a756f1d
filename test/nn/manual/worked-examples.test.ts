// The worked single steps of the source documents, reproduced by the manual
// formulas. Weights are in dagrad's [out, in] layout; where a document stores
// W as [in, out] (Z = X W) it is transposed here, and so is its dW.
import { describe, expect, it } from "vitest";
import { ManualMLP, manualLayer } from "../../../src/nn/manual/index.js";
import { expectValues } from "./helpers.js";

const f64 = (values: readonly number[]): Float64Array => Float64Array.from(values);

describe("001: 2-layer ReLU MLP, L = 1/2 ||y_hat - y||^2", () => {
  // W1 x with W1 [d_h, d_in]: already our layout. Zero biases, as in the document.
  const net = new ManualMLP([
    manualLayer([[0.1, 0.2], [0.3, 0.4]], [0, 0], "relu"),
    manualLayer([[0.5, 0.6]], [0], "identity"),
  ]);
  const g = net.backward(f64([1, 2]), f64([1]), "halfSquaredError");
  // Every number in 001 is a short decimal; the only error is float rounding.
  const exact = 1e-12;

  it("forward: z1 = [0.5, 1.1], y_hat = 0.91, L = 0.00405", () => {
    expectValues("z1", g.forward.z[0]!.data, [0.5, 1.1], exact);
    expectValues("h", g.forward.a[0]!.data, [0.5, 1.1], exact);
    expectValues("y_hat", g.forward.a[1]!.data, [0.91], exact);
    expect(g.loss).toBeCloseTo(0.00405, 12);
  });

  it("backward: delta2 = -0.09, dW2, db2, dL/dh, delta1, dW1, db1", () => {
    expectValues("delta2", g.delta[1]!.data, [-0.09], exact);
    expectValues("dW2", g.weight[1]!.data, [-0.045, -0.099], exact);
    expectValues("db2", g.bias[1]!, [-0.09], exact);
    expectValues("dL/dh", g.dA[0]!.data, [-0.045, -0.054], exact);
    expectValues("delta1", g.delta[0]!.data, [-0.045, -0.054], exact);
    expectValues("dW1", g.weight[0]!.data, [-0.045, -0.09, -0.054, -0.108], exact);
    expectValues("db1", g.bias[0]!, [-0.045, -0.054], exact);
    expect(g.outputRule).toContain("A - Y");
  });
});

describe("000 section 7: tanh hidden, sigmoid output, BCE, one sample", () => {
  // The notebook's W1 = [[0.5, 0.2], [0.1, 0.3]] and W2 = [[0.4], [0.6]] are [in, out]; transposed here.
  const net = new ManualMLP([
    manualLayer([[0.5, 0.1], [0.2, 0.3]], [0.1, 0.2], "tanh"),
    manualLayer([[0.4, 0.6]], [0.1], "sigmoid"),
  ]);
  const g = net.backward(f64([1, 0.5]), f64([1]), "bce");
  const printed = 1e-10; // ten printed decimals

  it("forward: Z1 = [0.65, 0.55], A2 = 0.6522581700, loss = 0.4273148292", () => {
    expectValues("Z1", g.forward.z[0]!.data, [0.65, 0.55], 1e-15);
    expectValues("A1", g.forward.a[0]!.data, [0.571669966085, 0.50052021119], 1e-12);
    expectValues("A2", g.forward.a[1]!.data, [0.65225817], printed);
    // The notebook adds 1e-8 inside its logs (loss 0.4273148138); the exact BCE is -log(A2).
    expect(Math.abs(g.loss - 0.4273148292)).toBeLessThan(printed);
  });

  it("backward: dZ2 = A2 - y, dW2, dA1, dZ1, dW1 (transposed to [out, in]), db", () => {
    expectValues("dZ2", g.delta[1]!.data, [-0.347741830005], 1e-12);
    expectValues("dW2", g.weight[1]!.data, [-0.1987935602, -0.1740518142], printed);
    expectValues("db2", g.bias[1]!, [-0.347741830005], 1e-12);
    expectValues("dA1", g.dA[0]!.data, [-0.139096732002, -0.208645098003], 1e-12);
    expectValues("dZ1", g.delta[0]!.data, [-0.0936390089, -0.1563752275], printed);
    // The notebook's dW1 = x.T @ dZ1 is [[-0.0936390089, -0.1563752275], [-0.0468195044, -0.0781876138]] ([in, out]).
    expectValues("dW1", g.weight[0]!.data, [-0.0936390089, -0.0468195044, -0.1563752275, -0.0781876138], printed);
    expectValues("db1", g.bias[0]!, [-0.0936390089, -0.1563752275], printed);
  });
});

describe("004: sigmoid layers, one step, gradient of 1/2 (y_hat - y)^2", () => {
  // Printed W1 [in, out] and W2 [in, out], transposed. B1 and B2 exist but are zeros.
  const layers = [
    manualLayer([[-0.0829779953, -0.4998856252], [0.2203244934, -0.1976674274]], [0, 0], "sigmoid"),
    manualLayer([[-0.3532441092, -0.4076614052]], [0], "sigmoid"),
  ];
  const net = new ManualMLP(layers);
  const x = f64([0, 1]);
  const y = f64([1]);
  const g = net.backward(x, y, "halfSquaredError");
  const printed = 1e-10;

  it("forward: A1 = [0.3775675477, 0.4507434199], y_hat = 0.4213767598", () => {
    expectValues("A1", g.forward.a[0]!.data, [0.3775675477, 0.4507434199], printed);
    expectValues("y_hat", g.forward.a[1]!.data, [0.4213767598], printed);
  });

  it("prints the mean squared error 0.3348048541, twice our 1/2 (y_hat - y)^2", () => {
    expect(Math.abs(net.loss(x, y, "mse") - 0.3348048541)).toBeLessThan(printed);
    expect(g.loss).toBeCloseTo(0.3348048541 / 2, 10);
  });

  it("backward: dZ2 = (y_hat - y) s'(Z2), dW2, dZ1, dW1 = [[0, 0], [0.0117, 0.0142]] in [in, out]", () => {
    expectValues("dZ2", g.delta[1]!.data, [-0.1410789846], printed);
    expectValues("dW2", g.weight[1]!.data, [-0.0532668462, -0.063590424], printed);
    expectValues("dZ1", g.delta[0]!.data, [0.0117118133, 0.0142385769], printed);
    expectValues("dW1", g.weight[0]!.data, [0, 0.0117118133, 0, 0.0142385769], printed);
    // Its gradient is not that of the MSE it prints: that one is exactly twice as large.
    const mse = net.backward(x, y, "mse");
    expectValues("dW2 under mse", mse.weight[1]!.data, [2 * -0.0532668462, 2 * -0.063590424], 2 * printed);
  });

  it("update with lr 0.1 gives the printed new weights (4 decimals)", () => {
    const step = (w: Float64Array | Float32Array, dw: Float64Array | Float32Array): number[] => Array.from(w, (v, i) => v - 0.1 * dw[i]!);
    // New W1 printed [in, out] [[-0.083, 0.2203], [-0.5011, -0.1991]]; ours is its transpose.
    expectValues("new W1", step(layers[0]!.weight, g.weight[0]!.data), [-0.083, -0.5011, 0.2203, -0.1991], 5e-5);
    expectValues("new W2", step(layers[1]!.weight, g.weight[1]!.data), [-0.3479, -0.4013], 5e-5);
  });
});
