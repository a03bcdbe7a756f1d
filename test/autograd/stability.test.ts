// Saturating functions at |x| = 1000: finite values and exactly the limiting gradients.
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/index.js";

const at = (values: number[]) => tensor(values, { dtype: "float64", requiresGrad: true });

describe("finite at logits of +-1000", () => {
  it("sigmoid: values 1 and 0, gradients 0", () => {
    const x = at([1000, -1000, 0]);
    const y = x.sigmoid();
    y.sum().backward();
    expect(y.toArray()).toEqual([1, 0, 0.5]);
    expect(x.grad!.toArray()).toEqual([0, 0, 0.25]);
  });

  it("softplus: values 1000 and 0, gradients 1 and 0", () => {
    const x = at([1000, -1000]);
    const y = x.softplus();
    y.sum().backward();
    expect(y.toArray()).toEqual([1000, 0]);
    expect(x.grad!.toArray()).toEqual([1, 0]);
  });

  it("softmax: [1, 0] with finite gradients", () => {
    const x = at([1000, -1000]);
    const y = x.softmax();
    y.mul(tensor([1, 2], { dtype: "float64" })).sum().backward();
    expect(y.toArray()).toEqual([1, 0]);
    // d/dx sum(w * softmax(x)) = s * (w - s·w): s = [1, 0] gives [0, 0]
    expect(x.grad!.toArray()).toEqual([0, 0]);
  });

  it("logSoftmax: [0, -2000], gradient of its first entry is [0, 0] (= onehot - softmax)", () => {
    const x = at([1000, -1000]);
    const y = x.logSoftmax();
    expect(y.toArray()).toEqual([0, -2000]);
    y.slice(0, 1, 2).sum().backward();
    // d logSoftmax_1 / dx = onehot(1) - softmax(x) = [0, 1] - [1, 0]
    expect(x.grad!.toArray()).toEqual([-1, 1]);
  });

  it("logsumexp of [1000, 1000] is 1000 + ln 2 with gradient [1/2, 1/2]", () => {
    const x = at([1000, 1000]);
    const y = x.logsumexp();
    y.backward();
    expect(y.item()).toBeCloseTo(1000 + Math.LN2, 10);
    expect(x.grad!.toArray()).toEqual([0.5, 0.5]);
  });

  it("logsumexp of all -Infinity is -Infinity, not NaN", () => {
    expect(tensor([-Infinity, -Infinity]).logsumexp().item()).toBe(-Infinity);
  });
});
