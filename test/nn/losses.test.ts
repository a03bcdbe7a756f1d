import { describe, expect, it } from "vitest";
import { type Tensor, ShapeError, createRng, detectAnomaly, gradcheck, rand, randn, sub, tensor } from "../../src/autograd/index.js";
import { DagradError } from "../../src/autograd/index.js";
import { bceLoss, bceWithLogitsLoss, crossEntropy, halfSquaredError, mseLoss, nllLoss } from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

function gradOf(loss: (x: Tensor) => Tensor, values: number[][]): number[][] {
  const x = tensor(values, { ...f64, requiresGrad: true });
  loss(x).backward();
  return x.grad!.toArray() as number[][];
}

/** Values as plain numbers, -0 read as 0 (a negated zero loss is still zero). */
function values(t: Tensor): number[] {
  return Array.from(t.data, (v) => v + 0);
}

function expectAllClose(actual: unknown, expected: number[] | number[][], digits = 12): void {
  const a = (actual as number[] | number[][]).flat();
  const e = expected.flat();
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(e[i]!, digits));
}

describe("mseLoss", () => {
  const input = tensor([1, 2, 3], f64);
  const target = tensor([1, 0, 5], f64);
  it("averages, sums or keeps the squared differences (0, 4, 4)", () => {
    expect(mseLoss(input, target).item()).toBeCloseTo(8 / 3, 14);
    expect(mseLoss(input, target, { reduction: "sum" }).item()).toBe(8);
    expect(mseLoss(input, target, { reduction: "none" }).toArray()).toEqual([0, 4, 4]);
  });
  it("has gradient 2 (yHat - y) / n", () => {
    expectAllClose(gradOf((x) => mseLoss(x, tensor([[1, 0, 5]], f64)), [[1, 2, 3]]), [[0, 4 / 3, -4 / 3]]);
  });
  it("passes gradcheck", () => {
    const t = randn([4, 3], { ...f64, rng: createRng(1) });
    expect(gradcheck((x) => mseLoss(x, t), [randn([4, 3], { ...f64, rng: createRng(2), requiresGrad: true })]).maxRelativeError).toBeLessThan(1e-6);
  });
  it("rejects [n,1] against [n] instead of broadcasting to [n,n]", () => {
    const call = () => mseLoss(tensor([[1], [2]]), tensor([1, 2]));
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(/mseLoss: input \[2,1\] and target \[2\] must have the same shape/);
  });
});

describe("halfSquaredError (the 1/(2m) convention of source 001)", () => {
  it("reproduces the worked example: y_hat 0.91, y 1 -> L = 0.00405, dL/dy_hat = -0.09", () => {
    const yHat = tensor([[0.91]], { ...f64, requiresGrad: true });
    const loss = halfSquaredError(yHat, tensor([[1]], f64));
    expect(loss.item()).toBeCloseTo(0.00405, 15);
    loss.backward();
    expect(yHat.grad!.item()).toBeCloseTo(-0.09, 15);
  });
  it("sums over outputs per sample and averages over the m samples", () => {
    const input = tensor([[1, 2], [3, 4]], f64);
    const zero = tensor([[0, 0], [0, 0]], f64);
    // Per sample: 0.5 * (1 + 4) = 2.5 and 0.5 * (9 + 16) = 12.5.
    expect(halfSquaredError(input, zero, { reduction: "none" }).toArray()).toEqual([2.5, 12.5]);
    expect(halfSquaredError(input, zero).item()).toBe(7.5);
    expect(halfSquaredError(input, zero, { reduction: "sum" }).item()).toBe(15);
  });
  it("has gradient (Y_hat - Y) / m", () => {
    expectAllClose(gradOf((x) => halfSquaredError(x, tensor([[0, 0], [0, 0]], f64)), [[1, 2], [3, 4]]), [[0.5, 1], [1.5, 2]]);
  });
  it("passes gradcheck", () => {
    const t = randn([5, 2], { ...f64, rng: createRng(3) });
    expect(gradcheck((x) => halfSquaredError(x, t), [randn([5, 2], { ...f64, rng: createRng(4), requiresGrad: true })]).maxRelativeError).toBeLessThan(1e-6);
  });
});

describe("bceLoss", () => {
  it("is -(t log p + (1 - t) log(1 - p)): p 0.8, t 1 -> -ln 0.8; p 0.3, t 0 -> -ln 0.7", () => {
    const p = tensor([[0.8], [0.3]], f64);
    const t = tensor([[1], [0]], f64);
    expectAllClose(bceLoss(p, t, { reduction: "none" }).toArray(), [[0.2231435513142097], [0.35667494393873245]], 15);
    expect(bceLoss(p, t).item()).toBeCloseTo((0.2231435513142097 + 0.35667494393873245) / 2, 15);
  });
  it("has gradient (p - t) / (p (1 - p)) / n", () => {
    const g = gradOf((x) => bceLoss(x, tensor([[1], [0]], f64)), [[0.8], [0.3]]);
    expectAllClose(g, [[-0.2 / 0.16 / 2], [0.3 / 0.21 / 2]]);
  });
  it("takes soft targets: p 0.5, t 0.5 -> ln 2", () => {
    expect(bceLoss(tensor([0.5], f64), tensor([0.5], f64)).item()).toBeCloseTo(Math.LN2, 15);
  });
  it("clamps each log at -100 as PyTorch, with finite gradients, in both dtypes", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const p = tensor([0, 1, 0, 1], { dtype, requiresGrad: true });
      const t = tensor([1, 0, 0, 1], { dtype });
      expect(values(bceLoss(p, t, { reduction: "none" }))).toEqual([100, 100, 0, 0]);
      bceLoss(p, t).backward();
      for (const g of p.grad!.data) expect(Number.isFinite(g)).toBe(true);
    }
  });
  it("computes the clamped value without an infinite intermediate, so anomaly mode accepts p = 0 and p = 1", () => {
    const p = tensor([0, 1], { ...f64, requiresGrad: true });
    const loss = detectAnomaly(() => bceLoss(p, tensor([1, 1], f64)));
    expect(loss.item()).toBe(50);
    detectAnomaly(() => loss.backward());
    expect(Array.from(p.grad!.data, (g) => g + 0)).toEqual([0, -0.5]);
  });

  it("keeps a finite gradient through a saturated float32 sigmoid (sigmoid(20) rounds to 1)", () => {
    const z = tensor([[20], [-20]], { requiresGrad: true });
    const loss = bceLoss(z.sigmoid(), tensor([[1], [0]]));
    loss.backward();
    for (const g of z.grad!.data) expect(Number.isFinite(g)).toBe(true);
  });
  it("passes gradcheck", () => {
    const t = rand([4, 2], { ...f64, rng: createRng(5) });
    const p = rand([4, 2], { ...f64, rng: createRng(6) }).mul(0.9).add(0.05).detach();
    p.requiresGrad = true;
    expect(gradcheck((x) => bceLoss(x, t), [p]).maxRelativeError).toBeLessThan(1e-6);
  });
  it("rejects predictions outside [0, 1], pointing to bceWithLogitsLoss", () => {
    expect(() => bceLoss(tensor([[0.5], [1.5]]), tensor([[1], [1]]))).toThrow(/^bceLoss: input \(probabilities\) must be in \[0, 1\], got 1\.5 at \[1,0\] of \[2,1\]; apply sigmoid first, or use bceWithLogitsLoss on raw scores$/);
  });
  it("rejects targets outside [0, 1] or NaN, which have no meaning as probabilities", () => {
    const p = tensor([[0.2], [0.7]]);
    for (const [bad, shown] of [[2, "2"], [-1, "-1"], [NaN, "NaN"]] as const) {
      const call = () => bceLoss(p, tensor([[1], [bad]]));
      expect(call).toThrow(DagradError);
      expect(call).toThrow(new RegExp(`^bceLoss: target must hold probabilities in \\[0, 1\\], got ${shown} at \\[1,0\\] of \\[2,1\\]; use 0/1 labels or soft targets \\(for class indices 0\\.\\.C-1 use crossEntropy\\)$`));
    }
  });
  it("lets a NaN prediction through as a NaN loss (fit stops on it), not as a misleading range error", () => {
    expect(bceLoss(tensor([[NaN], [0.5]]), tensor([[1], [0]])).item()).toBeNaN();
  });

  it("as one op gives the values and gradients of its composition from clamped logs (the oracle), clamps and floors included", () => {
    /** max(log x, -100) with zero gradient below the dtype's floor, from primitive ops (bceLoss before the fused op). */
    const clampedLog = (x: Tensor): Tensor => {
      const floor = x.dtype === "float64" ? Math.exp(-100) : 2 ** -126;
      const kept = x.ge(floor);
      const held = tensor(Array.from(x.data, (v) => (v >= floor ? 0 : Math.max(Math.log(v), -100))), { dtype: x.dtype, shape: x.shape });
      return x.mul(kept).add(sub(1, kept)).log().add(held);
    };
    const composed = (p: Tensor, t: Tensor): Tensor => t.mul(clampedLog(p)).add(sub(1, t).mul(clampedLog(sub(1, p)))).neg();
    const cases = {
      float64: { p: [0, 1, 1e-300, 1e-40, 0.3, 0.999, 1 - 1e-16, 0.5], t: [1, 0, 1, 1, 0.25, 1, 0, 0.5] },
      float32: { p: [0, 1, 1e-40, 1e-30, 0.3, 0.999, 0.9999999, 0.5], t: [1, 0, 1, 0, 0.25, 1, 0, 0.5] },
    };
    for (const [dtype, { p: pv, t: tv }] of Object.entries(cases) as ["float32" | "float64", { p: number[]; t: number[] }][]) {
      const run = (loss: (p: Tensor, t: Tensor) => Tensor): { value: number[]; gp: number[]; gt: number[] } => {
        const p = tensor(pv, { dtype, requiresGrad: true });
        const t = tensor(tv, { dtype, requiresGrad: true });
        const value = loss(p, t);
        value.mul(tensor(pv.map((_, i) => i + 1), { dtype })).sum().backward();
        return { value: values(value), gp: values(p.grad!), gt: values(t.grad!) };
      };
      const fused = run((p, t) => bceLoss(p, t, { reduction: "none" }));
      const oracle = run(composed);
      const tolerance = dtype === "float64" ? 1e-15 : 1e-6;
      for (const key of ["value", "gp", "gt"] as const) {
        fused[key].forEach((v, i) => expect(Math.abs(v - oracle[key][i]!), `${dtype} ${key}[${i}]: ${v} against ${oracle[key][i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(oracle[key][i]!))));
      }
    }
  });

  it("records one op for the elementwise loss, not the dozen its composition took", () => {
    const p = tensor([0.2, 0.7], { requiresGrad: true });
    const loss = bceLoss(p, tensor([1, 0]), { reduction: "none" });
    expect(loss.op).toBe("bce");
    expect(loss.inputs.map((x) => x.op)).toEqual([null, null]); // p and the target themselves, no chain of ops
  });
});

describe("bceWithLogitsLoss", () => {
  it("rejects targets outside [0, 1]: softplus(x) - x t has no minimum there", () => {
    const call = () => bceWithLogitsLoss(tensor([[3], [-2]]), tensor([[1], [-1]]));
    expect(call).toThrow(DagradError);
    expect(call).toThrow(/^bceWithLogitsLoss: target must hold probabilities in \[0, 1\], got -1 at \[1,0\] of \[2,1\]/);
    expect(bceWithLogitsLoss(tensor([[NaN]]), tensor([[1]])).item()).toBeNaN();
  });
  it("equals bceLoss(sigmoid(x)) for moderate scores", () => {
    const x = tensor([[-2], [0.5], [3]], f64);
    const t = tensor([[0], [1], [1]], f64);
    expect(bceWithLogitsLoss(x, t).item()).toBeCloseTo(bceLoss(x.sigmoid(), t).item(), 14);
  });
  it("is ln 2 at x = 0 with gradient sigmoid(0) - t = -0.5 (no kink at 0)", () => {
    expect(bceWithLogitsLoss(tensor([0], f64), tensor([1], f64)).item()).toBeCloseTo(Math.LN2, 15);
    expectAllClose(gradOf((x) => bceWithLogitsLoss(x, tensor([[1]], f64)), [[0]]), [[-0.5]]);
  });
  it("is finite and exact at scores of +-1000: max(x,0) - x t + log(1 + e^-|x|)", () => {
    const x = tensor([1000, -1000, 1000, -1000], { requiresGrad: true });
    const t = tensor([0, 0, 1, 1]);
    expect(bceWithLogitsLoss(x, t, { reduction: "none" }).toArray()).toEqual([1000, 0, 0, 1000]);
    bceWithLogitsLoss(x, t, { reduction: "sum" }).backward();
    expect(x.grad!.toArray()).toEqual([1, 0, 0, -1]);
  });
  it("passes gradcheck", () => {
    const t = rand([6, 1], { ...f64, rng: createRng(7) });
    expect(gradcheck((x) => bceWithLogitsLoss(x, t), [randn([6, 1], { ...f64, rng: createRng(8), requiresGrad: true }).mul(3).detach()].map((x) => { x.requiresGrad = true; return x; })).maxRelativeError).toBeLessThan(1e-6);
  });
});

describe("crossEntropy", () => {
  // log(e + e^2 + e^3) - 3 = log(1 + e^-1 + e^-2)
  const logsumexpMinus3 = Math.log(1 + Math.exp(-1) + Math.exp(-2));

  it("is logsumexp(logits) - logits[label]", () => {
    const logits = tensor([[1, 2, 3], [1, 2, 3]], f64);
    expectAllClose(crossEntropy(logits, [2, 0], { reduction: "none" }).toArray(), [logsumexpMinus3, logsumexpMinus3 + 2], 14);
    expect(crossEntropy(logits, tensor([2, 0], f64)).item()).toBeCloseTo(logsumexpMinus3 + 1, 14);
    expect(crossEntropy(logits, [2, 0], { reduction: "sum" }).item()).toBeCloseTo(2 * logsumexpMinus3 + 2, 14);
  });
  it("gives the same loss for one-hot targets, and accepts soft targets", () => {
    const logits = tensor([[1, 2, 3]], f64);
    expect(crossEntropy(logits, tensor([[0, 0, 1]], f64)).item()).toBeCloseTo(logsumexpMinus3, 14);
    // Half on class 0, half on class 2: 0.5 (lse - 1) + 0.5 (lse - 3), lse = 3 + logsumexpMinus3.
    expect(crossEntropy(logits, tensor([[0.5, 0, 0.5]], f64)).item()).toBeCloseTo(logsumexpMinus3 + 1, 14);
  });
  it("has gradient (softmax - onehot) / n", () => {
    const s = [1, 2, 3].map((v) => Math.exp(v) / (Math.E + Math.E ** 2 + Math.E ** 3));
    expectAllClose(gradOf((x) => crossEntropy(x, [2]), [[1, 2, 3]]), [[s[0]!, s[1]!, s[2]! - 1]]);
  });
  it("is finite at logits of +-1000", () => {
    const logits = tensor([[1000, -1000], [-1000, 1000]], { requiresGrad: true });
    const loss = crossEntropy(logits, [1, 1], { reduction: "none" });
    expect(values(loss)).toEqual([2000, 0]);
    loss.sum().backward();
    expect(logits.grad!.toArray()).toEqual([[1, -1], [0, 0]]);
  });
  it("passes gradcheck with labels and with soft targets", () => {
    const logits = () => randn([5, 4], { ...f64, rng: createRng(9), requiresGrad: true });
    expect(gradcheck((x) => crossEntropy(x, [0, 3, 1, 1, 2]), [logits()]).maxRelativeError).toBeLessThan(1e-6);
    const soft = rand([5, 4], { ...f64, rng: createRng(10) });
    const targets = soft.div(soft.sum(1, true));
    expect(gradcheck((x) => crossEntropy(x, targets), [logits()]).maxRelativeError).toBeLessThan(1e-6);
  });
  it("names the loss and both shapes on a mismatch, and rejects labels that are not class indices", () => {
    expect(() => crossEntropy(tensor([[1, 2, 3]]), [0, 1])).toThrow(/crossEntropy: input \[1,3\] needs 1 class labels .* got labels \[2\]/);
    expect(() => crossEntropy(tensor([[1, 2, 3]]), tensor([[0, 1]]))).toThrow(/crossEntropy: input \[1,3\] and target \[1,2\]/);
    expect(() => crossEntropy(tensor([[1, 2, 3]]), [3])).toThrow(DagradError);
    expect(() => crossEntropy(tensor([[1, 2, 3]]), [0.5])).toThrow(/label 0.5 of sample 0 is not a class index in \[0, 2\]/);
    expect(() => crossEntropy(tensor([1, 2, 3]), [0])).toThrow(/must be \[samples, classes\], got \[3\]/);
    expect(() => crossEntropy(tensor([[1, 2, 3]]), [-1])).toThrow(/label -1 of sample 0 is not a class index in \[0, 2\]/);
    expect(() => crossEntropy(tensor([[1, 2, 3]]), [NaN])).toThrow(/label NaN of sample 0 is not a class index in \[0, 2\]/);
    expect(() => crossEntropy(tensor([[1, 2, 3], [3, 2, 1]]), tensor([[0], [2]]))).toThrow(/^crossEntropy: input \[2,3\] and target \[2,1\]: class labels go in a \[2\] tensor \(reshape \[2,1\] labels to \[2\]\), class probabilities in a \[2,3\] one$/);
    expect(() => nllLoss(tensor([[-1, -2, -3], [-3, -2, -1]]), tensor([[0], [2]]))).toThrow(/got labels \[2,1\] \(reshape \[2,1\] labels to \[2\]\)/);
  });
  it("rejects class-probability targets outside [0, 1], and rows that do not sum to 1 (several labels per sample)", () => {
    const logits = tensor([[1, 2, 3], [3, 2, 1]]);
    expect(() => crossEntropy(logits, tensor([[0, 0, 1], [-0.5, 1, 0.5]]))).toThrow(/^crossEntropy: target must hold probabilities in \[0, 1\], got -0\.5 at \[1,0\] of \[2,3\]/);
    expect(() => crossEntropy(logits, tensor([[0, 0, 1], [1, 1, 0]]))).toThrow(/^crossEntropy: target row 1 sums to 2, not 1; .*for several labels per sample use bceWithLogitsLoss$/);
    // float32 soft targets that sum to 1 up to rounding are fine.
    expect(Number.isFinite(crossEntropy(logits, tensor([[0.1, 0.2, 0.7], [1 / 3, 1 / 3, 1 / 3]])).item())).toBe(true);
  });
});

describe("nllLoss", () => {
  it("is -logProbs[i, label_i]", () => {
    const logProbs = tensor([[Math.log(0.2), Math.log(0.3), Math.log(0.5)], [Math.log(0.1), Math.log(0.6), Math.log(0.3)]], f64);
    expectAllClose(nllLoss(logProbs, [2, 1], { reduction: "none" }).toArray(), [-Math.log(0.5), -Math.log(0.6)], 15);
    expect(nllLoss(logProbs, [2, 1]).item()).toBeCloseTo(-(Math.log(0.5) + Math.log(0.6)) / 2, 15);
  });
  it("has gradient -1/n at each label and 0 elsewhere", () => {
    expectAllClose(gradOf((x) => nllLoss(x, [2, 0]), [[-1, -2, -3], [-1, -2, -3]]), [[0, 0, -0.5], [-0.5, 0, 0]]);
  });
  it("composed with logSoftmax equals crossEntropy, and passes gradcheck", () => {
    const logits = randn([3, 4], { ...f64, rng: createRng(11), requiresGrad: true });
    expect(nllLoss(logits.logSoftmax(1), [1, 0, 3]).item()).toBeCloseTo(crossEntropy(logits, [1, 0, 3]).item(), 14);
    // Log-probabilities kept below -0.5 so the differences stay in the domain (<= 0).
    const logProbs = logits.logSoftmax(1).sub(0.5).detach();
    logProbs.requiresGrad = true;
    expect(gradcheck((x) => nllLoss(x, [1, 0, 3]), [logProbs]).maxRelativeError).toBeLessThan(1e-6);
  });
  it("rejects input that cannot be log-probabilities (a positive value): probabilities or raw scores passed by mistake", () => {
    const call = () => nllLoss(tensor([[0.2, 0.8]]), [1]);
    expect(call).toThrow(DagradError);
    expect(call).toThrow(/^nllLoss: input \(log-probabilities\) must be <= 0, got 0\.2\d* at \[0,0\] of \[1,2\]; apply logSoftmax\(1\) first, or use crossEntropy on raw scores$/);
    expect(nllLoss(tensor([[-Infinity, 0]]), [1]).item()).toBe(0);
  });
  it("refuses the mean over no samples (PyTorch gives NaN), for every loss; sum is 0", () => {
    const empty = tensor([[0, 0]]).slice(0, 0, 0);
    for (const [name, call] of [
      ["mseLoss", () => mseLoss(empty, empty)], ["halfSquaredError", () => halfSquaredError(empty, empty)],
      ["bceLoss", () => bceLoss(empty, empty)], ["bceWithLogitsLoss", () => bceWithLogitsLoss(empty, empty)],
      ["crossEntropy", () => crossEntropy(empty, [])], ["nllLoss", () => nllLoss(empty, [])],
    ] as const) {
      expect(call, name).toThrow(ShapeError);
      expect(call, name).toThrow(new RegExp(`^${name}: the mean over no samples is undefined`));
    }
    expect(mseLoss(empty, empty, { reduction: "sum" }).item()).toBe(0);
  });
  it("rejects an unknown reduction by name", () => {
    expect(() => nllLoss(tensor([[0, 0]]), [0], { reduction: "avg" as "mean" })).toThrow(/nllLoss: unknown reduction "avg"/);
  });
});
