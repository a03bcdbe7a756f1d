import { describe, expect, it } from "vitest";
import { tensor } from "../../src/autograd/index.js";
import { accuracy } from "../../src/nn/index.js";

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
