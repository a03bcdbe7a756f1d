// Every op in OP_TABLE has gradient checks here: float64 central differences,
// relative error < 1e-6, on random shapes including every broadcasting pattern
// of the issue; second derivatives where they are nonzero. The case table is
// typed Record<OpName, ...>, so adding an op without a case fails tsc.
import { describe, expect, it } from "vitest";
import * as dg from "../../src/index.js";
import type { OpName, Tensor } from "../../src/index.js";
import { expectGradcheck, expectGradgradcheck, randomInput } from "./helpers.js";

interface GradcheckCase {
  label: string;
  inputs: () => Tensor[];
  fn: (...xs: Tensor[]) => Tensor;
  /** Also check second derivatives (nonzero for this op). */
  second?: boolean;
}

/** For an op that central differences cannot check (float32 rounding): an exact assertion instead. */
interface ExactCase {
  label: string;
  exact: () => void;
}

type Case = GradcheckCase | ExactCase;

const float64 = (values: number[]): Tensor => dg.tensor(values, { dtype: "float64", requiresGrad: true });

const BROADCASTS: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[3, 4], [4]],
  [[3, 1], [1, 4]],
  [[2, 1, 3], [4, 1]],
  [[2, 3], []],
  [[1], [2, 3]],
];

function binaryCases(op: (a: Tensor, b: Tensor) => Tensor, opts: { aPositive?: boolean; bAway?: boolean; second?: boolean } = {}): Case[] {
  return BROADCASTS.map(([sa, sb], i) => ({
    label: `[${sa}] with [${sb}]`,
    inputs: () => [
      randomInput(sa, 10 + i, { positive: opts.aPositive }),
      randomInput(sb, 20 + i, { awayFromZero: opts.bAway }),
    ],
    fn: op,
    second: opts.second,
  }));
}

function unaryCase(op: (x: Tensor) => Tensor, opts: { positive?: boolean; awayFromZero?: boolean; second?: boolean } = {}): Case[] {
  return [
    { label: "[3,4]", inputs: () => [randomInput([3, 4], 1, opts)], fn: op, second: opts.second },
    { label: "0-d", inputs: () => [randomInput([], 2, opts)], fn: op },
  ];
}

/** Ties are measure-zero for random inputs; keep a and b apart so differences do not cross. */
function separated(shapeA: number[], shapeB: number[]): () => Tensor[] {
  return () => {
    const a = randomInput(shapeA, 3);
    const b = randomInput(shapeB, 4);
    for (let i = 0; i < b.data.length; i++) b.data[i] = b.data[i]! * 0.3 + (i % 2 === 0 ? 2 : -2);
    return [a, b];
  };
}

/**
 * Piecewise-constant ops are not recorded: their output is a constant mask, so
 * x * mask(x) must have gradient mask(x) (inputs kept away from the steps).
 */
function maskCases(mask: (x: Tensor) => Tensor, expected: (v: number) => number): Case[] {
  return [
    {
      label: "output is a constant 0/1 (or sign) tensor with the right values",
      exact: () => {
        const x = randomInput([3, 4], 5, { awayFromZero: true });
        const m = mask(x);
        expect(m.requiresGrad).toBe(false);
        expect(Array.from(m.data)).toEqual(Array.from(x.data, expected));
      },
    },
    { label: "x * mask(x) differentiates as a constant mask", inputs: () => [randomInput([3, 4], 6, { awayFromZero: true })], fn: (x) => x.mul(mask(x)) },
  ];
}

const cases: Record<OpName, Case[]> = {
  add: binaryCases((a, b) => a.add(b)),
  sub: binaryCases((a, b) => a.sub(b)),
  mul: binaryCases((a, b) => a.mul(b), { second: true }),
  div: binaryCases((a, b) => a.div(b), { bAway: true, second: true }),
  pow: [
    ...binaryCases((a, b) => a.pow(b), { aPositive: true, second: true }),
    { label: "number exponent", inputs: () => [randomInput([3], 6, { positive: true })], fn: (a) => a.pow(3), second: true },
    { label: "number base", inputs: () => [randomInput([3], 7)], fn: (b) => dg.pow(2, b), second: true },
    { label: "base 0 with exponents 1, 2, 3: both gradients finite (0^b is 0 for b > 0)", inputs: () => [float64([0, 0, 0, 0.5]), float64([1, 2, 3, 2])], fn: (a, b) => a.pow(b) },
    {
      label: "base 0, constant exponents 0..3 (a^0 is 1 for every a)",
      inputs: () => [float64([0, 0, 0, 0, 0.7])],
      fn: (a) => a.pow(dg.tensor([0, 1, 2, 3, 0], { dtype: "float64" })),
      second: true,
    },
    { label: "exponent 0 with bases 2, 0.5, 3: d²/da db is a^-1 there", inputs: () => [float64([2, 0.5, 3]), float64([0, 0, 0])], fn: (a, b) => a.pow(b), second: true },
    {
      label: "PyTorch's masks at base 0: d/da of a^0 is 0, d/db of 0^b is 0 for b >= 0",
      exact: () => {
        const a = float64([0, 0, 0, 2, 0]);
        const b = float64([0, 1, 2, 0, -1]);
        a.pow(b).sum().backward();
        expect(a.grad!.toArray()).toEqual([0, 1, 0, 0, -Infinity]);
        expect(b.grad!.toArray()).toEqual([0, 0, 0, Math.log(2), -Infinity]);
      },
    },
  ],
  where: [
    { label: "condition [3,1], input [1,4], other []: all three broadcast", inputs: () => [randomInput([1, 4], 1), randomInput([], 2)], fn: (a, b) => dg.where(dg.tensor([[1], [0], [1]]), a, b) },
    { label: "one shape, through square and exp (second order)", inputs: () => [randomInput([3, 4], 3), randomInput([3, 4], 4)], fn: (a, b) => dg.where(randomInput([3, 4], 5).detach().gt(0), a.square(), b.exp()), second: true },
    { label: "a number as other; a NaN condition counts as true", inputs: () => [randomInput([4], 6)], fn: (a) => dg.where(dg.tensor([NaN, 0, 1, 0]), a, 0).mul(a) , second: true },
  ],
  // The fused backward rules, checked as ops of their own (g, y) and through the forward op twice.
  tanhBackward: [{ label: "through tanh: its second derivative differentiates tanhBackward", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.tanh().square(), second: true }],
  sigmoidBackward: [{ label: "through sigmoid: its second derivative differentiates sigmoidBackward", inputs: () => [randomInput([3, 4], 2)], fn: (x) => x.sigmoid().square(), second: true }],
  reluBackward: [{ label: "through relu: its second derivative differentiates reluBackward", inputs: () => [randomInput([3, 4], 3, { awayFromZero: true })], fn: (x) => x.relu().pow(3), second: true }],
  // Probabilities from sigmoid keep p inside (0, 1) while central differences move it.
  bce: [
    ...binaryCases((x, t) => dg.bce(x.sigmoid(), t.sigmoid()), { second: true }),
    { label: "a number target 1", inputs: () => [randomInput([3, 4], 7)], fn: (x) => dg.bce(x.sigmoid(), 1), second: true },
    {
      label: "at the clamps (p = 0 and 1): the loss holds at 100, the gradient is 0 there, as the composition of clamped logs gives",
      exact: () => {
        const p = float64([0, 1, 0, 1, 0.25]);
        const t = float64([1, 0, 0, 1, 1]);
        const loss = dg.bce(p, t);
        expect(loss.toArray()).toEqual([100, 100, 0, 0, -Math.log(0.25)]);
        loss.sum().backward();
        expect(p.grad!.toArray()).toEqual([0, 0, 1, -1, -4]);
        expect(t.grad!.toArray()).toEqual([100, -100, 100, -100, Math.log(0.75) - Math.log(0.25)]);
      },
    },
  ],
  bceGrad: [{ label: "through bce: its second derivative differentiates bceGrad", inputs: () => [randomInput([3, 4], 8), randomInput([3, 4], 9)], fn: (x, t) => dg.bce(x.sigmoid(), t.sigmoid()).square(), second: true }],
  bceWithLogits: [
    ...binaryCases((x, t) => dg.bceWithLogits(x, t), { second: true }),
    { label: "0/1 targets, logits far out (±30)", inputs: () => [dg.tensor([30, -30, 0.5, -0.5], { dtype: "float64", requiresGrad: true }), dg.tensor([1, 0, 1, 0], { dtype: "float64", requiresGrad: true })], fn: (x, t) => dg.bceWithLogits(x, t) },
  ],
  maximum: [
    { label: "[3,4] with [4]", inputs: separated([3, 4], [4]), fn: (a, b) => a.maximum(b) },
    { label: "[2,3] with []", inputs: separated([2, 3], []), fn: (a, b) => a.maximum(b) },
  ],
  minimum: [
    { label: "[3,4] with [4]", inputs: separated([3, 4], [4]), fn: (a, b) => a.minimum(b) },
    { label: "[3,1] with [1,4]", inputs: separated([3, 1], [1, 4]), fn: (a, b) => a.minimum(b) },
  ],
  neg: unaryCase((x) => x.neg()),
  exp: unaryCase((x) => x.exp(), { second: true }),
  log: unaryCase((x) => x.log(), { positive: true, second: true }),
  sqrt: unaryCase((x) => x.sqrt(), { positive: true, second: true }),
  abs: unaryCase((x) => x.abs(), { awayFromZero: true }),
  square: unaryCase((x) => x.square(), { second: true }),
  relu: unaryCase((x) => x.relu(), { awayFromZero: true }),
  sigmoid: unaryCase((x) => x.sigmoid(), { second: true }),
  tanh: unaryCase((x) => x.tanh(), { second: true }),
  softplus: unaryCase((x) => x.softplus(), { second: true }),
  leakyRelu: unaryCase((x) => x.leakyRelu(0.1), { awayFromZero: true }),
  clamp: [
    { label: "inside and outside [-0.5, 0.7]", inputs: () => [randomInput([4, 5], 8, { awayFromZero: true })], fn: (x) => x.clamp(-0.5, 0.7).mul(x) , second: true },
  ],
  sign: maskCases((x) => x.sign(), (v) => Math.sign(v)),
  gt: maskCases((x) => x.gt(0.5), (v) => (v > 0.5 ? 1 : 0)),
  ge: maskCases((x) => x.ge(0.5), (v) => (v >= 0.5 ? 1 : 0)),
  lt: maskCases((x) => x.lt(0.5), (v) => (v < 0.5 ? 1 : 0)),
  le: maskCases((x) => x.le(0.5), (v) => (v <= 0.5 ? 1 : 0)),
  eq: maskCases((x) => x.eq(x.abs()), (v) => (v >= 0 ? 1 : 0)),
  matmul: [
    { label: "2-D x 2-D", inputs: () => [randomInput([3, 4], 1), randomInput([4, 5], 2)], fn: (a, b) => a.matmul(b), second: true },
    { label: "1-D x 2-D", inputs: () => [randomInput([4], 1), randomInput([4, 3], 2)], fn: (a, b) => a.matmul(b) },
    { label: "2-D x 1-D", inputs: () => [randomInput([3, 4], 1), randomInput([4], 2)], fn: (a, b) => a.matmul(b) },
    { label: "1-D x 1-D", inputs: () => [randomInput([5], 1), randomInput([5], 2)], fn: (a, b) => a.matmul(b) },
    { label: "batched [2,3,4] x [2,4,5]", inputs: () => [randomInput([2, 3, 4], 1), randomInput([2, 4, 5], 2)], fn: (a, b) => a.matmul(b), second: true },
    { label: "shared matrix [2,3,4] x [4,5]", inputs: () => [randomInput([2, 3, 4], 1), randomInput([4, 5], 2)], fn: (a, b) => a.matmul(b) },
    { label: "broadcast batch [2,1,3,4] x [3,4,2]", inputs: () => [randomInput([2, 1, 3, 4], 1), randomInput([3, 4, 2], 2)], fn: (a, b) => a.matmul(b) },
    { label: "1-D x batched [3] x [2,3,4]", inputs: () => [randomInput([3], 1), randomInput([2, 3, 4], 2)], fn: (a, b) => a.matmul(b) },
    { label: "x used twice: x·xᵀ", inputs: () => [randomInput([3, 4], 3)], fn: (x) => x.matmul(x.mT), second: true },
  ],
  linear: [
    { label: "[4,3] · [2,3]ᵀ + [2]", inputs: () => [randomInput([4, 3], 1), randomInput([2, 3], 2), randomInput([2], 3)], fn: (x, w, b) => dg.linear(x, w, b), second: true },
    { label: "1-D input, no bias", inputs: () => [randomInput([3], 1), randomInput([2, 3], 2)], fn: (x, w) => dg.linear(x, w) },
    { label: "batched input [2,4,3]", inputs: () => [randomInput([2, 4, 3], 1), randomInput([5, 3], 2), randomInput([5], 3)], fn: (x, w, b) => dg.linear(x, w, b) },
  ],
  sum: [
    { label: "all", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.sum() },
    { label: "axis 0", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.sum(0) },
    { label: "axis -1 keepdim", inputs: () => [randomInput([2, 3, 4], 1)], fn: (x) => x.sum(-1, true) },
    { label: "axes [0,2]", inputs: () => [randomInput([2, 3, 4], 1)], fn: (x) => x.sum([0, 2]) },
    { label: "squared sum, second order", inputs: () => [randomInput([2, 3], 1)], fn: (x) => x.sum(1).square(), second: true },
  ],
  mean: [
    { label: "all", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.mean() },
    { label: "axis 1 keepdim", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.mean(1, true) },
    { label: "axes [-1,-3]", inputs: () => [randomInput([2, 3, 4], 1)], fn: (x) => x.mean([-1, -3]) },
  ],
  max: [
    { label: "all", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.max() },
    { label: "axis 1", inputs: () => [randomInput([3, 4], 2)], fn: (x) => x.max(1) },
    { label: "axes [0,2] keepdim", inputs: () => [randomInput([2, 3, 4], 3)], fn: (x) => x.max([0, 2], true) },
  ],
  min: [
    { label: "all", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.min() },
    { label: "axis 0", inputs: () => [randomInput([3, 4], 2)], fn: (x) => x.min(0) },
  ],
  logsumexp: [
    { label: "axis -1", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.logsumexp(-1), second: true },
    { label: "all", inputs: () => [randomInput([3, 4], 2)], fn: (x) => x.logsumexp() },
    { label: "axis 0 keepdim", inputs: () => [randomInput([3, 4], 3)], fn: (x) => x.logsumexp(0, true) },
  ],
  softmax: [
    { label: "axis -1", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.softmax(-1), second: true },
    { label: "axis 0", inputs: () => [randomInput([3, 4], 2)], fn: (x) => x.softmax(0) },
  ],
  logSoftmax: [
    { label: "axis -1", inputs: () => [randomInput([3, 5], 1)], fn: (x) => x.logSoftmax(-1), second: true },
    { label: "axis 1 of 3-D", inputs: () => [randomInput([2, 3, 2], 2)], fn: (x) => x.logSoftmax(1) },
  ],
  argmax: [{ label: "indices are constants", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.mul(x.argmax(1, true).add(1)) }],
  argmin: [{ label: "indices are constants", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.mul(x.argmin(0, true).add(1)) }],
  reshape: [
    { label: "[2,6] to [3,-1]", inputs: () => [randomInput([2, 6], 1)], fn: (x) => x.reshape(3, -1).mul(x.reshape([3, 4])) },
  ],
  expand: [
    { label: "[3,1] to [2,3,4]", inputs: () => [randomInput([3, 1], 1)], fn: (x) => x.expand(2, 3, 4).mul(randomInput([2, 3, 4], 9).detach()) },
  ],
  permute: [
    { label: "[2,3,4] by [2,0,1]", inputs: () => [randomInput([2, 3, 4], 1)], fn: (x) => x.permute(2, 0, 1) },
  ],
  slice: [
    { label: "axis 1 [1,3)", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.slice(1, 1, 3) },
    { label: "negative start, squared (second order through padSlice)", inputs: () => [randomInput([4, 2], 1)], fn: (x) => x.slice(0, -2).square(), second: true },
  ],
  padSlice: [
    { label: "the gradient of slice, differentiated again", inputs: () => [randomInput([5], 2)], fn: (x) => x.slice(0, 1, 4).pow(3), second: true },
  ],
  concat: [
    { label: "axis 0", inputs: () => [randomInput([2, 3], 1), randomInput([1, 3], 2)], fn: (a, b) => dg.concat([a, b, a], 0) },
    { label: "axis -1", inputs: () => [randomInput([2, 3], 1), randomInput([2, 2], 2)], fn: (a, b) => dg.concat([a, b], -1) },
  ],
  indexSelect: [
    { label: "rows with repeats accumulate", inputs: () => [randomInput([4, 3], 1)], fn: (x) => x.indexSelect([2, 0, 2, 2]) },
    { label: "axis 1", inputs: () => [randomInput([2, 4], 1)], fn: (x) => x.indexSelect([3, 1], 1) },
  ],
  indexAdd: [
    { label: "the gradient of indexSelect, differentiated again", inputs: () => [randomInput([4, 2], 3)], fn: (x) => x.indexSelect([1, 1, 3]).square(), second: true },
  ],
  clone: [{ label: "identity", inputs: () => [randomInput([2, 3], 1)], fn: (x) => x.clone().mul(x) }],
  cast: [{
    label: "float64 -> float32: the gradient comes back as float64, scaled by the upstream values",
    exact: () => {
      const x = dg.tensor([1.5, -2, 3], { dtype: "float64", requiresGrad: true });
      const y = x.to("float32");
      expect(y.dtype).toBe("float32");
      y.mul(dg.tensor([1, 2, 4])).sum().backward();
      expect(x.grad!.dtype).toBe("float64");
      expect(x.grad!.toArray()).toEqual([1, 2, 4]);
    },
  }],
  flatten: [{ label: "[2,3,4] axes 1..2", inputs: () => [randomInput([2, 3, 4], 1)], fn: (x) => x.flatten(1) }],
  squeeze: [{ label: "[3,1,2] axis 1", inputs: () => [randomInput([3, 1, 2], 1)], fn: (x) => x.squeeze(1) }],
  unsqueeze: [{ label: "[3,2] axis -1", inputs: () => [randomInput([3, 2], 1)], fn: (x) => x.unsqueeze(-1) }],
  transpose: [
    { label: "[2,3,4] axes 0 and 1", inputs: () => [randomInput([2, 3, 4], 1)], fn: (x) => x.transpose(0, 1) },
    { label: "[3,4] axes -1 and 0", inputs: () => [randomInput([3, 4], 2)], fn: (x) => x.transpose(-1, 0) },
  ],
  mT: [{ label: "[2,3,4]: each matrix transposed", inputs: () => [randomInput([2, 3, 4], 1)], fn: (x) => x.mT }],
  T: [
    { label: "[3,4]", inputs: () => [randomInput([3, 4], 1)], fn: (x) => x.T },
    { label: "[2,3,4]: axes reversed", inputs: () => [randomInput([2, 3, 4], 2)], fn: (x) => x.T },
  ],
  stack: [{ label: "axis 1", inputs: () => [randomInput([2, 3], 1), randomInput([2, 3], 2)], fn: (a, b) => dg.stack([a, b], 1) }],
};

describe("gradcheck: every op, float64 central differences, relative error < 1e-6", () => {
  for (const [op, opCases] of Object.entries(cases)) {
    describe(op, () => {
      for (const c of opCases) {
        if ("exact" in c) {
          it(c.label, c.exact);
          continue;
        }
        it(c.label, () => expectGradcheck(c.fn, c.inputs()));
        if (c.second) it(`${c.label}: second derivatives`, () => expectGradgradcheck(c.fn, c.inputs()));
      }
    });
  }
});
