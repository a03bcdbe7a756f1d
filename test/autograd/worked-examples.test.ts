// The source documents' worked numbers, reproduced through autograd in float64.
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/index.js";
import { maxDiff } from "./helpers.js";

const f64 = { dtype: "float64" as const };
const param = { dtype: "float64" as const, requiresGrad: true };

describe("001_832a995914cc0711.txt: 2-layer ReLU MLP, L = 1/2 ||y_hat - y||^2", () => {
  // Column-vector form of the document: z1 = W1 x + b1, h = relu(z1), y_hat = W2 h + b2.
  const x = tensor([[1], [2]], f64);
  const y = tensor([[1]], f64);
  const W1 = tensor([[0.1, 0.2], [0.3, 0.4]], param);
  const b1 = tensor([[0], [0]], param);
  const W2 = tensor([[0.5, 0.6]], param);
  const b2 = tensor([[0]], param);
  const z1 = W1.matmul(x).add(b1);
  const yHat = W2.matmul(z1.relu()).add(b2);
  const loss = yHat.sub(y).square().sum().mul(0.5);
  loss.backward();

  it("forward: z1 = [0.5, 1.1], y_hat = 0.91, L = 0.00405", () => {
    expect(maxDiff(z1.toArray(), [[0.5], [1.1]])).toBeLessThan(1e-12);
    expect(Math.abs(yHat.item() - 0.91)).toBeLessThan(1e-12);
    expect(Math.abs(loss.item() - 0.00405)).toBeLessThan(1e-12);
  });

  it("backward: dW2, db2, dW1, db1", () => {
    expect(maxDiff(W2.grad!.toArray(), [[-0.045, -0.099]])).toBeLessThan(1e-12);
    expect(Math.abs(b2.grad!.item() - -0.09)).toBeLessThan(1e-12);
    expect(maxDiff(W1.grad!.toArray(), [[-0.045, -0.09], [-0.054, -0.108]])).toBeLessThan(1e-12);
    expect(maxDiff(b1.grad!.toArray(), [[-0.045], [-0.054]])).toBeLessThan(1e-12);
  });
});

describe("000_ba3325d97d2670c9.txt section 7: tanh hidden, sigmoid output, BCE", () => {
  // Row form of the notebook: Z1 = x W1 + b1 with W1 stored [in, out].
  const x = tensor([[1.0, 0.5]], f64);
  const y = tensor([[1.0]], f64);
  const W1 = tensor([[0.5, 0.2], [0.1, 0.3]], param);
  const b1 = tensor([[0.1, 0.2]], param);
  const W2 = tensor([[0.4], [0.6]], param);
  const b2 = tensor([[0.1]], param);
  const A1 = x.matmul(W1).add(b1).tanh();
  const A2 = A1.matmul(W2).add(b2).sigmoid();
  // BCE written out from ops: -(y log(A2) + (1 - y) log(1 - A2)).
  const loss = y.mul(A2.log()).add(y.neg().add(1).mul(A2.neg().add(1).log())).neg().sum();
  loss.backward();

  it("forward: A2 = 0.6522581700, loss = 0.4273148292", () => {
    expect(Math.abs(A2.item() - 0.65225817)).toBeLessThan(1e-10);
    expect(Math.abs(loss.item() - 0.4273148292)).toBeLessThan(1e-10);
  });

  it("backward: dW2 and dW1 to the printed ten digits", () => {
    expect(maxDiff(W2.grad!.toArray(), [[-0.1987935602], [-0.1740518142]])).toBeLessThan(1e-10);
    expect(maxDiff(W1.grad!.toArray(), [[-0.0936390089, -0.1563752275], [-0.0468195044, -0.0781876138]])).toBeLessThan(1e-10);
  });

  it("db2 = dZ2 = A2 - y", () => {
    expect(Math.abs(b2.grad!.item() - (A2.item() - 1))).toBeLessThan(1e-15);
  });
});
