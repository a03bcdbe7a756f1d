import { describe, expect, it } from "vitest";
import { tensor } from "../../src/index.js";

describe("issue example", () => {
  it("matmul -> relu -> sum backpropagates into W1", () => {
    const x = tensor([[1, 2]], { dtype: "float64" });
    const W1 = tensor([[0.1, 0.3], [0.2, 0.4]], { dtype: "float64", requiresGrad: true });
    const loss = x.matmul(W1).relu().sum();
    loss.backward();
    expect(W1.grad!.toArray()).toEqual([[1, 1], [2, 2]]);
  });
});
