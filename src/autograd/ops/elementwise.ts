// Elementwise ops. Each entry: the gradient formula as text (docs/autograd.md's op
// table is generated from it), the kernel, and the backward rule written with
// differentiable tensor ops, side by side. In the formulas g is the upstream
// gradient, y the op's output. Broadcasting is undone by the engine, not here.
import { bceFloor, broadcastBinary, broadcastWhere, binaryRuns, clampKernel, insideKernel, leakyReluKernel, stepKernel, unaryKernels, type BinaryRun, type UnaryKernel } from "../../kernels/elementwise.js";
import { type FloatArray, broadcastShapes } from "../../kernels/shape.js";
import { DTypeError, ShapeError, formatShape } from "../errors.js";
import { type BackwardFn, type Node, record, willRecord } from "../graph.js";
import type { Tensor } from "../tensor.js";
import { type RecordedOp, emptyLike, expectTensor, operands, promote, scalar } from "./common.js";

interface BinaryEntry { readonly gradient: string; readonly run: BinaryRun; readonly backward: BackwardFn }
interface UnaryEntry { readonly gradient: string; readonly kernel: UnaryKernel; readonly backward: BackwardFn }

export const binaryOps = {
  add: {
    gradient: "a: g; b: g",
    run: binaryRuns.add,
    backward: (g) => [g, g],
  },
  sub: {
    gradient: "a: g; b: -g",
    run: binaryRuns.sub,
    backward: (g, n) => [g, n.needs(1) ? g.neg() : null],
  },
  mul: {
    gradient: "a: g * b; b: g * a",
    run: binaryRuns.mul,
    backward: (g, n) => [n.needs(0) ? g.mul(n.input(1)) : null, n.needs(1) ? g.mul(n.input(0)) : null],
  },
  div: {
    gradient: "a: g / b; b: -g * y / b",
    run: binaryRuns.div,
    backward: (g, n) => [
      n.needs(0) ? g.div(n.input(1)) : null,
      n.needs(1) ? g.mul(n.output()).div(n.input(1)).neg() : null,
    ],
  },
  // PyTorch's masks: a^0 is 1 for every a, so a's gradient is 0 where b == 0 (not
  // 0 * 0^-1 = NaN); 0^b is 0 for b > 0, so b's is 0 where a == 0 and b >= 0 (not
  // 0 * ln 0). a's mask leaves b == 0 alone where b * a^(b-1) is 0 anyway, so its
  // derivative in b (a^-1 there) stays right. Inside each masked branch the base
  // is 1, so the branch is finite and its own gradients (second order) are 0, not NaN.
  pow: {
    gradient: "a: g * b * a^(b-1), 0 where b == 0 and a is 0 or NaN; b: g * y * ln(a), 0 where a == 0 and b >= 0",
    run: binaryRuns.pow,
    backward: (g, n) => {
      const [a, b] = [n.input(0), n.input(1)];
      const aMask = b.eq(0).mul(a.eq(0).add(a.eq(a).eq(0)));
      const bMask = a.eq(0).mul(b.ge(0));
      return [
        n.needs(0) ? where(aMask, 0, g.mul(b).mul(where(aMask, 1, a).pow(sub(b, 1)))) : null,
        n.needs(1) ? g.mul(where(bMask, 0, n.output().mul(where(bMask, 1, a).log()))) : null,
      ];
    },
  },
  // PyTorch's rule: a tie splits g in half; where a or b is NaN (the output NaN)
  // neither side is the smaller, so both get g. Masks are wheres, not products:
  // 0 stays 0 where g is infinite.
  maximum: {
    gradient: "a: where(a < b, 0, t); b: where(a > b, 0, t); t = where(a == b, g / 2, g)",
    run: binaryRuns.maximum,
    backward: (g, n) => {
      const [a, b] = [n.input(0), n.input(1)];
      const t = where(a.eq(b), g.mul(0.5), g);
      return [n.needs(0) ? where(a.lt(b), 0, t) : null, n.needs(1) ? where(a.gt(b), 0, t) : null];
    },
  },
  minimum: {
    gradient: "a: where(a > b, 0, t); b: where(a < b, 0, t); t = where(a == b, g / 2, g)",
    run: binaryRuns.minimum,
    backward: (g, n) => {
      const [a, b] = [n.input(0), n.input(1)];
      const t = where(a.eq(b), g.mul(0.5), g);
      return [n.needs(0) ? where(a.gt(b), 0, t) : null, n.needs(1) ? where(a.lt(b), 0, t) : null];
    },
  },
  // Backward rules of tanh, sigmoid and relu fused into one pass each (PyTorch
  // has the same ops). They are ops themselves, so second derivatives work.
  tanhBackward: {
    gradient: "g_in = g * (1 - y^2); g: g_in' * (1 - y^2); y: -2 * g_in' * g * y",
    run: binaryRuns.tanhBackward,
    backward: (gg, n) => [
      n.needs(0) ? tanhBackward(gg, n.input(1)) : null,
      n.needs(1) ? gg.mul(n.input(0)).mul(n.input(1)).mul(-2) : null,
    ],
  },
  sigmoidBackward: {
    gradient: "g_in = g * y * (1 - y); g: g_in' * y * (1 - y); y: g_in' * g * (1 - 2y)",
    run: binaryRuns.sigmoidBackward,
    backward: (gg, n) => [
      n.needs(0) ? sigmoidBackward(gg, n.input(1)) : null,
      n.needs(1) ? gg.mul(n.input(0)).mul(sub(1, n.input(1).mul(2))) : null,
    ],
  },
  // PyTorch's threshold_backward: a NaN x is not <= 0, so it passes g on.
  reluBackward: {
    gradient: "g_in = where(x <= 0, 0, g); g: where(x <= 0, 0, g_in'); x: 0",
    run: binaryRuns.reluBackward,
    backward: (gg, n) => [n.needs(0) ? reluBackward(gg, n.input(1)) : null, null],
  },
  // The elementwise loss of BCELoss (on probabilities, logs clamped at -100) as
  // one op: one pass forward, where the composition (two clamped logs, their
  // masks, the products with t and 1 - t) records a dozen ops; the same values
  // and gradients (0 where a log is held at its clamp), second order included.
  bce: {
    gradient: "p: g * bceGrad(p, t); t: g * (clog(1 - p) - clog(p)), clog(v) = max(log v, -100)",
    run: binaryRuns.bce,
    backward: (g, n) => {
      const [p, t] = [n.input(0), n.input(1)];
      return [n.needs(0) ? g.mul(bceGrad(p, t)) : null, n.needs(1) ? g.mul(bce(p, 1).sub(bce(p, 0))) : null];
    },
  },
  bceGrad: {
    gradient: "d = (1 - t) / (1 - p) - t / p (a term 0 where its log is held); p: g * ((1 - t) / (1 - p)^2 + t / p^2); t: -g * (1 / (1 - p) + 1 / p)",
    run: binaryRuns.bceGrad,
    backward: (g, n) => {
      const [p, t] = [n.input(0), n.input(1)];
      const invP = keptInverse(p);
      const invQ = keptInverse(sub(1, p));
      return [
        n.needs(0) ? g.mul(sub(1, t).mul(invQ.square()).add(t.mul(invP.square()))) : null,
        n.needs(1) ? g.mul(invQ.add(invP)).neg() : null,
      ];
    },
  },
  // The elementwise loss of BCEWithLogitsLoss as one op (PyTorch has it too):
  // one pass forward, and a backward of three ops instead of the seven its
  // composition (softplus, mul, sub) records.
  bceWithLogits: {
    gradient: "x: g * (sigmoid(x) - t); t: -g * x",
    run: binaryRuns.bceWithLogits,
    backward: (g, n) => [
      n.needs(0) ? g.mul(sub(n.input(0).sigmoid(), n.input(1))) : null,
      n.needs(1) ? g.mul(n.input(0)).neg() : null,
    ],
  },
} satisfies Record<string, BinaryEntry>;

export const unaryOps = {
  neg: { gradient: "-g", kernel: unaryKernels.neg, backward: (g) => [g.neg()] },
  exp: { gradient: "g * y", kernel: unaryKernels.exp, backward: (g, n) => [g.mul(n.output())] },
  log: { gradient: "g / x", kernel: unaryKernels.log, backward: (g, n) => [g.div(n.input(0))] },
  sqrt: { gradient: "g / (2 * y)", kernel: unaryKernels.sqrt, backward: (g, n) => [g.div(n.output().mul(2))] },
  abs: { gradient: "g * sign(x)", kernel: unaryKernels.abs, backward: (g, n) => [g.mul(n.input(0).sign())] },
  square: { gradient: "2 * g * x", kernel: unaryKernels.square, backward: (g, n) => [g.mul(n.input(0).mul(2))] },
  relu: { gradient: "where(x <= 0, 0, g) (reluBackward)", kernel: unaryKernels.relu, backward: (g, n) => [reluBackward(g, n.input(0))] },
  sigmoid: { gradient: "g * y * (1 - y) (sigmoidBackward)", kernel: unaryKernels.sigmoid, backward: (g, n) => [sigmoidBackward(g, n.output())] },
  tanh: { gradient: "g * (1 - y^2) (tanhBackward)", kernel: unaryKernels.tanh, backward: (g, n) => [tanhBackward(g, n.output())] },
  softplus: { gradient: "g * sigmoid(x)", kernel: unaryKernels.softplus, backward: (g, n) => [g.mul(n.input(0).sigmoid())] },
} satisfies Record<string, UnaryEntry>;

interface Bounds { readonly min: number; readonly max: number }

/** Ops with a parameter: forward kernel and backward rule take it as `saved`. */
export const parametrisedOps = {
  // PyTorch's leaky_relu_backward: a NaN x takes the slope.
  leakyRelu: {
    gradient: "g * (x > 0 ? 1 : slope)",
    forward: (x: Tensor, slope: number): Tensor => mapped("leakyRelu", x, (s, d) => leakyReluKernel(s, d, slope), true),
    backward: (g: Tensor, n: Node, slope: number) => [g.mul(stepMask(n.input(0), slope))],
  },
  // PyTorch's clamp_backward: g where min <= x <= max (not at a NaN x), exactly 0 elsewhere.
  clamp: {
    gradient: "where(min <= x <= max, g, 0)",
    forward: (x: Tensor, { min, max }: Bounds): Tensor => mapped("clamp", x, (s, d) => clampKernel(s, d, min, max), true),
    backward: (g: Tensor, n: Node, { min, max }: Bounds) => [where(mapped("clamp", n.input(0), (s, d) => insideKernel(s, d, min, max)), g, 0)],
  },
  where: {
    gradient: "a: where(c, g, 0); b: where(c, 0, g) (c: the condition, a constant)",
    forward: (a: Tensor, b: Tensor, condition: Tensor): Tensor => {
      const values = broadcastShapes(a.shape, b.shape);
      const shape = values === null ? null : broadcastShapes(condition.shape, values);
      if (shape === null) {
        throw new ShapeError("where", `cannot broadcast condition ${formatShape(condition.shape)}, input ${formatShape(a.shape)} and other ${formatShape(b.shape)}: aligned from the right, each dimension must be equal or 1`, [condition.shape, a.shape, b.shape]);
      }
      const out = emptyLike("where", promote(a.dtype, b.dtype), shape, willRecord(a, b));
      broadcastWhere(condition.data, condition.shape, a.data, a.shape, b.data, b.shape, out.data, shape);
      return out;
    },
    backward: (g: Tensor, n: Node, condition: Tensor) => [
      n.needs(0) ? where(condition, g, 0) : null,
      n.needs(1) ? where(condition, 0, g) : null,
    ],
  },
} satisfies Record<string, RecordedOp>;

/** Piecewise-constant ops: their output is a constant (not recorded), so their gradient is zero. */
export const constantOps = {
  sign: { gradient: "0 (not recorded)", kernel: unaryKernels.sign },
  gt: { gradient: "0 (not recorded; 1 where a > b, else 0)", run: binaryRuns.gt },
  ge: { gradient: "0 (not recorded; 1 where a >= b, else 0)", run: binaryRuns.ge },
  lt: { gradient: "0 (not recorded; 1 where a < b, else 0)", run: binaryRuns.lt },
  le: { gradient: "0 (not recorded; 1 where a <= b, else 0)", run: binaryRuns.le },
  eq: { gradient: "0 (not recorded; 1 where a == b, else 0)", run: binaryRuns.eq },
} satisfies Record<string, { gradient: string; run: BinaryRun } | { gradient: string; kernel: UnaryKernel }>;

type BinaryOpName = keyof typeof binaryOps;
type UnaryOpName = keyof typeof unaryOps;

/** `recorded`: the op records its output (a comparison's output is a constant). */
function broadcastForward(op: string, run: BinaryRun, a: Tensor | number, b: Tensor | number, recorded: boolean): [Tensor, Tensor, Tensor] {
  const [x, y] = operands(op, a, b);
  const shape = broadcastShapes(x.shape, y.shape);
  if (shape === null) {
    throw new ShapeError(op, `cannot broadcast ${formatShape(x.shape)} with ${formatShape(y.shape)}: aligned from the right, each pair of dimensions must be equal or one of them 1`, [x.shape, y.shape]);
  }
  const out = emptyLike(op, promote(x.dtype, y.dtype), shape, recorded && willRecord(x, y));
  broadcastBinary(run, x.data, x.shape, y.data, y.shape, out.data, shape);
  return [x, y, out];
}

function binary(op: BinaryOpName, a: Tensor | number, b: Tensor | number): Tensor {
  const entry = binaryOps[op];
  const [x, y, out] = broadcastForward(op, entry.run, a, b, true);
  return record(op, [x, y], out, entry.backward);
}

function comparison(op: Exclude<keyof typeof constantOps, "sign">, a: Tensor | number, b: Tensor | number): Tensor {
  return broadcastForward(op, constantOps[op].run, a, b, false)[2];
}

/** `recorded`: the op records its output (a mask is a constant). */
function mapped(op: string, x: Tensor, fill: (src: FloatArray, dst: FloatArray) => void, recorded = false): Tensor {
  expectTensor(op, x);
  const out = emptyLike(op, x.dtype, x.shape, recorded && willRecord(x));
  fill(x.data, out.data);
  return out;
}

function unary(op: UnaryOpName, x: Tensor): Tensor {
  const entry = unaryOps[op];
  return record(op, [x], mapped(op, x, entry.kernel, true), entry.backward);
}

/** 1/x where x >= bceFloor, 0 below (the mask a constant): differentiable, never 1/0. */
function keptInverse(x: Tensor): Tensor {
  const kept = x.ge(bceFloor(x.dtype === "float64" ? "float64" : "float32"));
  return kept.div(x.mul(kept).add(sub(1, kept)));
}

/** 1 where x > 0, `slope` elsewhere; a constant (not recorded). */
function stepMask(x: Tensor, slope: number): Tensor {
  return mapped("step", x, (s, d) => stepKernel(s, d, slope));
}

function finiteParameter(op: string, name: string, v: number): void {
  if (typeof v !== "number" || Number.isNaN(v)) throw new DTypeError(op, `${name} must be a number, got ${String(v)}`);
}

export const add = (a: Tensor | number, b: Tensor | number): Tensor => binary("add", a, b);
export const sub = (a: Tensor | number, b: Tensor | number): Tensor => binary("sub", a, b);
export const mul = (a: Tensor | number, b: Tensor | number): Tensor => binary("mul", a, b);
export const div = (a: Tensor | number, b: Tensor | number): Tensor => binary("div", a, b);
export const pow = (a: Tensor | number, b: Tensor | number): Tensor => binary("pow", a, b);
export const maximum = (a: Tensor | number, b: Tensor | number): Tensor => binary("maximum", a, b);
export const minimum = (a: Tensor | number, b: Tensor | number): Tensor => binary("minimum", a, b);
/**
 * -(t log p + (1 - t) log(1 - p)) elementwise, each log clamped at -100 as
 * PyTorch's: binary cross-entropy on probabilities p with targets t,
 * unreduced (bceLoss checks that both lie in [0, 1]).
 */
export const bce = (p: Tensor, target: Tensor | number): Tensor => binary("bce", p, target);
const bceGrad = (p: Tensor, target: Tensor): Tensor => binary("bceGrad", p, target);
/** softplus(x) - x * t elementwise: binary cross-entropy on logits x with targets t, unreduced. */
export const bceWithLogits = (x: Tensor, target: Tensor | number): Tensor => binary("bceWithLogits", x, target);
const tanhBackward = (g: Tensor, y: Tensor): Tensor => binary("tanhBackward", g, y);
const sigmoidBackward = (g: Tensor, y: Tensor): Tensor => binary("sigmoidBackward", g, y);
const reluBackward = (g: Tensor, x: Tensor): Tensor => binary("reluBackward", g, x);
export const gt = (a: Tensor | number, b: Tensor | number): Tensor => comparison("gt", a, b);
export const ge = (a: Tensor | number, b: Tensor | number): Tensor => comparison("ge", a, b);
export const lt = (a: Tensor | number, b: Tensor | number): Tensor => comparison("lt", a, b);
export const le = (a: Tensor | number, b: Tensor | number): Tensor => comparison("le", a, b);
export const eq = (a: Tensor | number, b: Tensor | number): Tensor => comparison("eq", a, b);

export const neg = (x: Tensor): Tensor => unary("neg", x);
export const exp = (x: Tensor): Tensor => unary("exp", x);
export const log = (x: Tensor): Tensor => unary("log", x);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
export const abs = (x: Tensor): Tensor => unary("abs", x);
export const square = (x: Tensor): Tensor => unary("square", x);
export const relu = (x: Tensor): Tensor => unary("relu", x);
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
export const softplus = (x: Tensor): Tensor => unary("softplus", x);
export const sign = (x: Tensor): Tensor => mapped("sign", x, constantOps.sign.kernel);

export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  finiteParameter("leakyRelu", "slope", slope);
  const entry = parametrisedOps.leakyRelu;
  return record("leakyRelu", [x], entry.forward(x, slope), entry.backward, slope);
}

/**
 * `input` where `condition` is nonzero, `other` elsewhere (torch.where), all
 * three broadcast together. Differentiable in input and other; the condition
 * is a constant (no gradient reaches it).
 */
export function where(condition: Tensor, input: Tensor | number, other: Tensor | number): Tensor {
  expectTensor("where", condition, "condition");
  const [a, b] = typeof input === "number" && typeof other === "number"
    ? [scalar(input, "float32"), scalar(other, "float32")]
    : operands("where", input, other);
  const entry = parametrisedOps.where;
  return record("where", [a, b], entry.forward(a, b, condition), entry.backward, condition);
}

export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  finiteParameter("clamp", "min", min);
  finiteParameter("clamp", "max", max);
  if (min > max) throw new DTypeError("clamp", `min ${min} is greater than max ${max}`);
  const entry = parametrisedOps.clamp;
  return record("clamp", [x], entry.forward(x, { min, max }), entry.backward, { min, max });
}
