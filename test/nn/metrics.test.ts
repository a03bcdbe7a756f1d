import { describe, expect, it } from "vitest";
import { ShapeError, tensor } from "../../src/autograd/index.js";
import { accuracy, meanSquaredError, r2Score } from "../../src/nn/index.js";

describe("accuracy", () => {
  it("binary: thresholds probabilities at 0.5 against 0/1 targets of shape [n,1] or [n]", () => {
    const p = tensor([[0.9], [0.4], [0.6], [0.1]]);
    expect(accuracy(p, tensor([[1], [0], [0], [0]]))).toBe(0.75);
    expect(accuracy(p, tensor([1, 1, 1, 0]))).toBe(0.75);
  });

  it("binary from logits: thresholds at 0", () => {
    const logits = tensor([[0.3], [-0.2], [0.1]]);
    expect(accuracy(logits, tensor([[1], [0], [0]]), { fromLogits: true })).toBeCloseTo(2 / 3, 15);
    // As probabilities all three would count as class 0.
    expect(accuracy(logits, tensor([[1], [0], [0]]))).toBeCloseTo(2 / 3, 15);
    expect(accuracy(tensor([[0.3]]), tensor([[1]]), { fromLogits: true })).toBe(1);
    expect(accuracy(tensor([[0.3]]), tensor([[1]]))).toBe(0);
  });

  it("multi-class: argmax against labels or one-hot targets", () => {
    const scores = tensor([[0.1, 2, 0.3], [5, 1, 0], [0, 0, 1], [1, 3, 2]]);
    expect(accuracy(scores, tensor([1, 0, 2, 2]))).toBe(0.75);
    expect(accuracy(scores, tensor([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1]]))).toBe(0.75);
  });

  it("names both shapes when predictions and targets do not fit together", () => {
    expect(() => accuracy(tensor([[0.1, 0.9]]), tensor([[1], [0]]))).toThrow(/accuracy: cannot compare predictions \[1,2\] with targets \[2,1\]/);
    expect(() => accuracy(tensor([[0.1], [0.9]]), tensor([[1, 0], [0, 1]]))).toThrow(/predictions \[2,1\] with targets \[2,2\]/);
  });
});

describe("r2Score and meanSquaredError", () => {
  const t = (rows: number[][]) => tensor(rows, { dtype: "float64" });

  it("R² is 1 - SS_res / SS_tot: 1 for an exact fit, 0 for the mean, below 0 for worse", () => {
    const y = t([[1], [2], [3], [4]]);
    expect(r2Score(y, y)).toBe(1);
    expect(r2Score(t([[2.5], [2.5], [2.5], [2.5]]), y)).toBe(0);
    // Residuals 0.5 each: SS_res 1, SS_tot 5.
    expect(r2Score(t([[1.5], [1.5], [3.5], [4.5]]), y)).toBeCloseTo(1 - 1 / 5, 15);
    expect(r2Score(t([[4], [3], [2], [1]]), y)).toBeCloseTo(1 - 20 / 5, 15);
  });

  it("averages R² over output columns, and gives a constant target 1 if predicted exactly, else 0", () => {
    expect(r2Score(t([[1, 5], [2, 5]]), t([[1, 5], [2, 5]]))).toBe(1);
    expect(r2Score(t([[1, 4], [2, 5]]), t([[1, 5], [2, 5]]))).toBe(0.5);
  });

  it("the mean squared error averages over every element, and both refuse shapes that differ", () => {
    expect(meanSquaredError(t([[1, 2], [3, 4]]), t([[0, 2], [3, 6]]))).toBe((1 + 4) / 4);
    expect(() => r2Score(t([[1], [2]]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => meanSquaredError(t([[1]]), t([[1], [2]]))).toThrow(/predictions \[1,1\] and targets \[2,1\] must have one shape/);
  });
});
