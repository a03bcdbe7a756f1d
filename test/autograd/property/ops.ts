// How to draw an application of every op in OP_TABLE. The table is typed
// Record<OpName, OpSpec>: an op added to OP_TABLE without an entry here fails
// tsc. Each draw picks operands whose shapes fit (every broadcast pattern,
// zero-size and size-1 axes, reused entries) and keeps them inside the op's
// differentiable domain, and carries a plain-JS reference forward.
import * as dg from "../../../src/index.js";
import type { OpName, Tensor } from "../../../src/index.js";
import { type Builder, type Draft, type Draw, type Entry, MARGIN } from "./builder.js";
import {
  type Arg, axisArg, binaryDraw, broadcastPairs, broadcastable, clearWinner, distinctLeaf, draft, list, num,
  partnerShape, reductionTail, stable, tensorOperand, unaryDraw,
} from "./draws.js";
import * as R from "./reference.js";

export type OpSpec =
  /** Drawn into random graphs: forward against the reference, gradcheck, gradgradcheck. */
  | { readonly draw: Draw }
  /** Internal ops only reachable as another op's backward: checked by that op's second derivatives. */
  | { readonly via: OpName; readonly why: string }
  /** Central differences cannot check it: exact assertions instead (a failure message, or null). */
  | { readonly exact: (b: Builder) => string | null; readonly why: string };

const apart = (x: number, y: number): boolean => Math.abs(x - y) >= MARGIN;
/**
 * Saturating ops stay off their flat tails: at sigmoid(25), 1 - y is 1e-11
 * and y(1 - y), the derivative (PyTorch's formula too), keeps 5 significant
 * digits, below what a 1e-6 relative error needs. Bounds per op.
 */
const within = (bound: number) => (v: number): boolean => Math.abs(v) <= bound;
const T = (v: Tensor | number): Tensor => v as Tensor;

const comparison = (fn: string, call: (a: Tensor | number, b: Tensor | number) => Tensor, value: (x: number, y: number) => boolean): OpSpec => ({
  draw: binaryDraw({ fn, call, value: (x, y) => (value(x, y) ? 1 : 0), pairOk: apart, literals: [[0, 0.5], [0, 0.5]], constant: true }),
});

/**
 * pow's domain: a base of at least 0.1 takes any exponent; a smaller base
 * (0, negative) an integer exponent in [0, 3], as real powers of negatives
 * are NaN. An exponent that gradcheck moves needs ln(base): a base >= 0.1,
 * or exactly 0 with an exponent >= 1 that moves separately (then d/db = 0,
 * as PyTorch has it; central differences agree since 0^(b±h) = 0).
 */
function powPairOk(x: number, y: number, exponentMoves: boolean, shared: boolean): boolean {
  if (x >= 0.1) return Number.isFinite(y);
  if (!Number.isInteger(y) || y < 0 || y > 3) return false;
  return !exponentMoves || (x === 0 && y >= 1 && !shared);
}

function powDraw(b: Builder): Draft | null {
  // A fresh base is 0 at a third of its elements: pow's derivatives at a zero base are where PyTorch masks.
  const freshBase = (): Entry | null => b.leafOf(b.shape(), () => (b.choose(3) === 0 ? 0 : b.tape.value("any")));
  const form = b.choose(3);
  if (form === 1) {
    const base = b.operand(() => true, freshBase);
    const exponent = b.pick([2, 0, 1, 3, 0.5, -1, 1.5]);
    if (base === null || !base.data.every((x) => powPairOk(x, exponent, false, false))) return null;
    return draft("pow", [base, exponent], ([x, y]) => dg.pow(x!, y!), ([x, y]) => R.zip(x!, y!, Math.pow));
  }
  const base: Arg | null = form === 2 ? b.pick([2, 0.5, 0, 3]) : b.operand(() => true, freshBase);
  if (base === null) return null;
  const baseShape = typeof base === "number" ? [] : base.shape;
  const baseAt = (i: number): number => (typeof base === "number" ? base : base.data[i]!);
  const baseMoves = typeof base !== "number" && !stable(base);
  const shares = (e: Entry): boolean => typeof base !== "number" && [...e.perturbedBy].some((id) => base.perturbedBy.has(id));
  const exponent = b.operand(
    (e) => broadcastable(baseShape, e.shape) && broadcastPairs(baseShape, e.shape).every(([i, j]) => powPairOk(baseAt(i), e.data[j]!, !stable(e), shares(e))),
    () => {
      const shape = partnerShape(b, baseShape);
      const met: number[][] = Array.from({ length: R.sizeOf(shape) }, () => []);
      for (const [i, j] of broadcastPairs(baseShape, shape)) met[j]!.push(baseAt(i));
      const moves = met.every((xs) => xs.every((x) => x >= 0.1 || x === 0)) && b.choose(4) !== 3;
      return b.leafOf(shape, (j) => {
        const v = b.tape.value("any");
        if (met[j]!.every((x) => x >= 0.1)) return v;
        const integer = Math.min(3, Math.abs(Math.trunc(v)));
        return moves ? Math.max(1, integer) : integer;
      }, moves);
    },
    typeof base === "number" ? undefined : base,
  );
  if (exponent === null) return null;
  const firstOrderOnly = baseMoves && !stable(exponent) && broadcastPairs(baseShape, exponent.shape).some(([i]) => baseAt(i) === 0);
  return draft("pow", [base, exponent], ([x, y]) => dg.pow(x!, y!), ([x, y]) => R.zip(x!, y!, Math.pow), [], { firstOrderOnly });
}

function leakyReluDraw(b: Builder): Draft | null {
  const slope = b.pick([0.01, 0.2, -0.5, 1.5]);
  return unaryDraw("leakyRelu", (x) => dg.leakyRelu(x, slope), (v) => (v > 0 ? v : slope * v), { kinks: [0], tail: slope === 0.01 ? [] : [num(slope)] })(b);
}

function clampDraw(b: Builder): Draft | null {
  const low = b.pick([-0.5, -1, 0, 0.25]);
  const high = low + b.pick([1, 0.5, 2, 0]);
  const [min, max, tail] = b.pick<[number, number, string[]]>([
    [low, high, [num(low), num(high)]],
    [low, Infinity, [num(low)]],
    [-Infinity, high, ["-Infinity", num(high)]],
  ]);
  const kinks = [min, max].filter(Number.isFinite);
  return unaryDraw("clamp", (x) => dg.clamp(x, min, max), (v) => Math.min(Math.max(v, min), max), { kinks, tail })(b);
}

type Reduction = (x: Tensor, axis?: number | number[], keepdim?: boolean) => Tensor;

/** A reduction over a drawn axis argument; `winner` ops (max, min) need non-empty lanes without ties. */
function reductionDraw(fn: string, call: Reduction, fold: (lane: number[]) => number, winner?: "max" | "min", ok: (v: number) => boolean = () => true): Draw {
  return (b) => {
    const x = winner ? b.operand(() => true, () => distinctLeaf(b, b.shape())) : tensorOperand(b, () => true, () => b.shape(), "any", ok);
    if (x === null) return null;
    const axis = axisArg(b, x.shape.length);
    const keepdim = b.choose(2) === 1;
    if (winner) {
      const empty = R.reducedMask(x.shape.length, axis).some((r, d) => r && x.shape[d] === 0);
      if (empty || !clearWinner(x, axis, winner === "min")) return null;
    }
    return draft(fn, [x], ([t]) => call(T(t!), axis, keepdim), ([r]) => R.reduce(r!, axis, keepdim, fold), reductionTail(axis, keepdim));
  };
}

function argDraw(fn: "argmax" | "argmin"): Draw {
  const smallest = fn === "argmin";
  return (b) => {
    const x = b.operand((e) => e.data.length > 0, () => distinctLeaf(b, b.shape().map((d) => d || 1)));
    if (x === null) return null;
    const axis = axisArg(b, x.shape.length, false) as number | undefined;
    const keepdim = axis !== undefined && b.choose(2) === 1;
    if (!clearWinner(x, axis, smallest)) return null;
    const reference = (r: R.Ref): R.Ref =>
      axis === undefined ? R.ref([], [R.argExtreme([...r.data], smallest)]) : R.reduce(r, axis, keepdim, (lane) => R.argExtreme(lane, smallest));
    const call = smallest ? dg.argmin : dg.argmax;
    return draft(fn, [x], ([t]) => call(T(t!), axis, keepdim), ([r]) => reference(r!), reductionTail(axis, keepdim), { constant: true });
  };
}

function softmaxDraw(fn: "softmax" | "logSoftmax"): Draw {
  return (b) => {
    const x = tensorOperand(b, (e) => e.shape.length >= 1, () => b.shape(1), "any", within(10));
    if (x === null) return null;
    const d = b.choose(x.shape.length);
    const axis = b.choose(2) === 0 ? d : d - x.shape.length;
    const lane = (values: number[]): number[] => {
      const lse = R.logsumexpOf(values);
      return values.map((v) => (fn === "softmax" ? Math.exp(v - lse) : v - lse));
    };
    const call = fn === "softmax" ? dg.softmax : dg.logSoftmax;
    return draft(fn, [x], ([t]) => call(T(t!), axis), ([r]) => R.mapLanes(r!, axis, lane), [num(axis)]);
  };
}

function matrixShape(b: Builder): number[] {
  return b.pick([() => [b.dim(), b.dim()], () => [b.dim()], () => [b.dim(), b.dim(), b.dim()], () => [b.dim(), b.dim(), b.dim(), b.dim()]])();
}

/** Inner dimensions agree and batch axes broadcast (torch.matmul's rules). */
function multipliable(a: readonly number[], c: readonly number[]): boolean {
  if (a.length === 0 || c.length === 0) return false;
  const k = a[a.length - 1]!;
  const kc = c.length === 1 ? c[0]! : c[c.length - 2]!;
  return k === kc && broadcastable(a.slice(0, -2), c.slice(0, -2));
}

function matmulDraw(b: Builder): Draft | null {
  const anchorRight = b.choose(2) === 1;
  const anchor = tensorOperand(b, (e) => e.shape.length >= 1, () => matrixShape(b));
  if (anchor === null) return null;
  const s = anchor.shape;
  const inner = s.length === 1 ? s[0]! : anchorRight ? s[s.length - 2]! : s[s.length - 1]!;
  const fresh = (): number[] => {
    const matrix = anchorRight ? [b.dim(), inner] : [inner, b.dim()];
    return b.pick([() => matrix, () => [inner], () => [...partnerShape(b, s.slice(0, -2)), ...matrix]])();
  };
  const partner = b.operand((e) => (anchorRight ? multipliable(e.shape, s) : multipliable(s, e.shape)), () => b.leaf(fresh()), anchor);
  if (partner === null) return null;
  const [left, right] = anchorRight ? [partner, anchor] : [anchor, partner];
  return draft("matmul", [left, right], ([x, y]) => dg.matmul(T(x!), T(y!)), ([x, y]) => R.matmul(x!, y!));
}

function linearDraw(b: Builder): Draft | null {
  const x = tensorOperand(b, (e) => e.shape.length >= 1, () => b.shape(1));
  if (x === null) return null;
  const inFeatures = x.shape[x.shape.length - 1]!;
  const weight = b.operand((e) => e.shape.length === 2 && e.shape[1] === inFeatures, () => b.leaf([b.dim(), inFeatures]), x);
  if (weight === null) return null;
  const outFeatures = weight.shape[0]!;
  const biasForm = b.choose(3);
  const bias = biasForm === 1 ? null : biasForm === 0 ? b.leaf([outFeatures]) : b.operand((e) => e.shape.length === 1 && e.shape[0] === outFeatures, () => b.leaf([outFeatures]));
  const operands = bias === null ? [x, weight] : [x, weight, bias];
  return draft("linear", operands, ([t, w, c]) => dg.linear(T(t!), T(w!), c === undefined ? null : T(c)), ([t, w, c]) => R.linear(t!, w!, c ?? null));
}

const primeFactors = (n: number): number[] => {
  const out: number[] = [];
  for (let p = 2; n > 1; p++) while (n % p === 0) { out.push(p); n /= p; }
  return out;
};

/** A shape of `size` elements (a zero-size one has a 0 somewhere), maybe with one -1 where PyTorch can infer it. */
function reshapeTarget(b: Builder, size: number): number[] {
  let dims: number[];
  if (size === 0) {
    dims = b.shape(1);
    dims[b.choose(dims.length)] = 0;
  } else {
    dims = new Array<number>(size === 1 ? b.choose(3) : 1 + b.choose(3)).fill(1);
    for (const p of primeFactors(size)) dims[b.choose(dims.length)]! *= p;
  }
  const at = b.choose(dims.length + 1);
  const others = R.sizeOf(dims.filter((_, i) => i !== at));
  if (at < dims.length && others > 0 && b.choose(2) === 1) dims[at] = -1;
  return dims;
}

/** reshape, flatten, squeeze, unsqueeze: the same values under a new shape. */
type View = { shape: number[]; tail: string[]; call: (x: Tensor) => Tensor };

function viewDraw(fn: string, view: (b: Builder, x: Entry) => View): Draw {
  return (b) => {
    const x = tensorOperand(b);
    if (x === null) return null;
    const v = view(b, x);
    return draft(fn, [x], ([t]) => v.call(T(t!)), ([r]) => R.ref(v.shape, r!.data), v.tail);
  };
}

const withAxis = (shape: readonly number[], at: number): number[] => [...shape.slice(0, at), 1, ...shape.slice(at)];

function permuteDraw(b: Builder): Draft | null {
  const x = tensorOperand(b);
  if (x === null) return null;
  const dims = x.shape.map((_, i) => i);
  for (let i = dims.length - 1; i > 0; i--) {
    const j = b.choose(i + 1);
    [dims[i], dims[j]] = [dims[j]!, dims[i]!];
  }
  const signed = dims.map((d) => (b.choose(4) === 3 ? d - dims.length : d));
  return draft("permute", [x], ([t]) => dg.permute(T(t!), signed), ([r]) => R.permute(r!, signed), [list(signed)]);
}

function transposeDraw(b: Builder): Draft | null {
  const x = tensorOperand(b, (e) => e.shape.length >= 2, () => b.shape(2));
  if (x === null) return null;
  const n = x.shape.length;
  const [d0, d1] = [b.choose(n), b.choose(n)];
  const dims = x.shape.map((_, i) => (i === d0 ? d1 : i === d1 ? d0 : i));
  const a0 = b.choose(2) === 0 ? d0 : d0 - n;
  return draft("transpose", [x], ([t]) => dg.transpose(T(t!), a0, d1), ([r]) => R.permute(r!, dims), [num(a0), num(d1)]);
}

function expandDraw(b: Builder): Draft | null {
  const x = tensorOperand(b);
  if (x === null) return null;
  const lead = Array.from({ length: b.choose(3) }, () => b.dim());
  const shape = [...lead, ...x.shape.map((d) => (d === 1 ? b.dim() : d))];
  return draft("expand", [x], ([t]) => dg.expand(T(t!), shape), ([r]) => R.expand(r!, shape), [list(shape)]);
}

function sliceDraw(b: Builder): Draft | null {
  const x = tensorOperand(b, (e) => e.shape.length >= 1, () => b.shape(1));
  if (x === null) return null;
  const d = b.choose(x.shape.length);
  const n = x.shape[d]!;
  const start = b.choose(n + 1);
  const end = start + b.choose(n - start + 1);
  const axis = b.choose(2) === 0 ? d : d - x.shape.length;
  const startArg = start < n && b.choose(2) === 1 ? start - n : start;
  const endArg = b.pick([end, end === n ? undefined : end, end < n ? end - n : end]);
  const positions = Array.from({ length: end - start }, (_, i) => start + i);
  const tail = [num(axis), num(startArg), ...(endArg === undefined ? [] : [num(endArg)])];
  return draft("slice", [x], ([t]) => dg.slice(T(t!), axis, startArg, endArg), ([r]) => R.gather(r!, axis, positions), tail);
}

/** concat and stack take a list: its text is one argument. */
function listDraft(fn: string, parts: readonly Entry[], axis: number, call: (xs: Tensor[]) => Tensor, reference: (xs: readonly R.Ref[]) => R.Ref): Draft {
  return {
    inputs: parts,
    code: (names) => `${fn}([${names.join(", ")}], ${num(axis)})`,
    imports: [fn],
    call: (xs) => call([...xs]),
    reference,
  };
}

function concatDraw(b: Builder): Draft | null {
  const first = tensorOperand(b, (e) => e.shape.length >= 1, () => b.shape(1));
  if (first === null) return null;
  const d = b.choose(first.shape.length);
  const fits = (e: Entry): boolean => e.shape.length === first.shape.length && e.shape.every((v, i) => i === d || v === first.shape[i]);
  const parts: Entry[] = [first];
  for (let i = b.choose(3); i > 0; i--) {
    const part = b.pick([
      () => b.leaf(first.shape.map((v, k) => (k === d ? b.dim() : v))),
      () => first,
      () => b.operand(fits, () => b.leaf(first.shape.map((v, k) => (k === d ? b.dim() : v))), first),
    ])();
    if (part === null) return null;
    parts.push(part);
  }
  const axis = b.choose(2) === 0 ? d : d - first.shape.length;
  return listDraft("concat", parts, axis, (xs) => dg.concat(xs, axis), (xs) => R.concat(xs, axis));
}

function stackDraw(b: Builder): Draft | null {
  const first = tensorOperand(b);
  if (first === null) return null;
  const same = (e: Entry): boolean => e.shape.length === first.shape.length && e.shape.every((v, i) => v === first.shape[i]);
  const parts: Entry[] = [first];
  for (let i = b.choose(3); i > 0; i--) {
    const part = b.pick([() => b.leaf(first.shape), () => first, () => b.operand(same, () => b.leaf(first.shape), first)])();
    if (part === null) return null;
    parts.push(part);
  }
  const n = first.shape.length + 1;
  const d = b.choose(n);
  const axis = b.choose(2) === 0 ? d : d - n;
  const lifted = withAxis(first.shape, d);
  return listDraft("stack", parts, axis, (xs) => dg.stack(xs, axis), (xs) => R.concat(xs.map((r) => R.ref(lifted, r.data)), d));
}

function indexSelectDraw(b: Builder): Draft | null {
  const x = tensorOperand(b, (e) => e.shape.length >= 1, () => b.shape(1));
  if (x === null) return null;
  const d = b.choose(x.shape.length);
  const n = x.shape[d]!;
  const indices = n === 0 ? [] : Array.from({ length: b.choose(5) }, () => b.choose(n));
  const axis = b.choose(2) === 0 ? d : d - x.shape.length;
  return draft("indexSelect", [x], ([t]) => dg.indexSelect(T(t!), indices, axis), ([r]) => R.gather(r!, axis, indices), [list(indices), num(axis)]);
}

/** cast float64 -> float32 rounds, so central differences cannot see through it: exact checks of values, dtype and gradient. */
/** where(condition, input, other): the condition a constant 0/1 tensor; the three broadcast (input or other may be a number). */
function whereDraw(b: Builder): Draft | null {
  const isMask = (e: Entry): boolean => stable(e) && e.data.every((v) => v === 0 || v === 1);
  const condition = b.operand(isMask, () => b.leafOf(b.shape(), () => b.choose(2), false));
  if (condition === null) return null;
  const input = tensorOperand(b, (e) => broadcastable(e.shape, condition.shape), () => partnerShape(b, condition.shape));
  if (input === null) return null;
  const both = R.broadcastShape(condition.shape, input.shape)!;
  const other: Arg | null = b.choose(4) === 3 ? b.pick([0, -1.5]) : tensorOperand(b, (e) => broadcastable(e.shape, both), () => partnerShape(b, both));
  if (other === null) return null;
  const [first, second] = b.choose(2) === 0 ? [input, other] : [other, input];
  const reference = ([c, x, y]: readonly R.Ref[]): R.Ref => {
    const shape = R.broadcastShape(c!.shape, R.broadcastShape(x!.shape, y!.shape)!)!;
    const [ce, xe, ye] = [c!, x!, y!].map((r) => R.expand(r, shape)) as [R.Ref, R.Ref, R.Ref];
    return R.ref(shape, ce.data.map((v, i) => (v !== 0 ? xe.data[i]! : ye.data[i]!)));
  };
  return draft("where", [condition, first, second], ([c, x, y]) => dg.where(T(c!), x!, y!), reference);
}

/**
 * bce(p, t): probabilities p in (1/16, 15/16), away from the clamps (central
 * differences would step over 0 or 1); targets in [0, 1], or a number 0, 1, 1/2.
 */
function bceDraw(b: Builder): Draft | null {
  const probability = (): number => 0.0625 + ((b.tape.value("positive") - 0.125) % 0.875);
  const inside = (e: Entry): boolean => e.data.every((v) => v >= 0.0625 && v <= 0.9375);
  const p = b.operand(inside, () => b.leafOf(b.shape(), probability));
  if (p === null) return null;
  const t: Arg | null = b.choose(4) === 3
    ? b.pick([0, 1, 0.5])
    : b.operand((e) => broadcastable(p.shape, e.shape) && inside(e), () => b.leafOf(partnerShape(b, p.shape), probability), p);
  if (t === null) return null;
  const value = (x: number, y: number): number => -(y * Math.log(x) + (1 - y) * Math.log(1 - x));
  return draft("bce", [p, t], ([x, y]) => dg.bce(T(x!), y!), ([x, y]) => R.zip(x!, y!, value));
}

/** An op reached as a property of a tensor (x.mT, x.T), with the axis order it produces. */
function propertyDraw(name: "mT" | "T", minRank: number, order: (ndim: number) => number[]): Draw {
  return (b) => {
    const x = tensorOperand(b, (e) => e.shape.length >= minRank, () => b.shape(minRank));
    if (x === null) return null;
    const dims = order(x.shape.length);
    return { inputs: [x], code: ([n]) => `${n}.${name}`, imports: [], call: ([t]) => t![name], reference: ([r]) => R.permute(r!, dims) };
  };
}

function castCheck(b: Builder): string | null {
  const shape = b.shape();
  const x = b.leafOf(shape, () => b.tape.value("any") / 3, true)!;
  const w = b.leaf(shape, "weight", () => true, false)!;
  const xt = dg.tensor(x.data, { shape, dtype: "float64", requiresGrad: true });
  const y = dg.cast(xt, "float32");
  const program = [
    `import { cast, mul, sum, tensor } from "dagrad";`,
    `const x = tensor(${list(x.data)}, { shape: ${list(shape)}, dtype: "float64", requiresGrad: true });`,
    `const y = cast(x, "float32");`,
    `sum(mul(y, tensor(${list(w.data)}, { shape: ${list(shape)}, dtype: "float32" }))).backward();`,
    `console.log(y.dtype, y.toArray(), x.grad?.dtype, x.grad?.toArray());`,
  ].join("\n");
  const fail = (what: string): string => `${what}\n${program}`;
  if (dg.cast(xt, "float64") !== xt) return fail("cast to the tensor's own dtype should return the tensor itself");
  if (y.dtype !== "float32" || !y.requiresGrad) return fail(`cast(x, "float32") gave dtype ${y.dtype}, requiresGrad ${y.requiresGrad}`);
  const rounded = x.data.map(Math.fround);
  if (!rounded.every((v, i) => v === y.data[i])) return fail(`values: expected ${list(rounded)}, got ${list([...y.data])}`);
  dg.sum(dg.mul(y, dg.tensor(w.data, { shape, dtype: "float32" }))).backward();
  const g = xt.grad;
  const want = w.data.map(Math.fround);
  if (g === null || g.dtype !== "float64" || !want.every((v, i) => v === g.data[i])) {
    return fail(`gradient: expected float64 ${list(want)}, got ${g === null ? "null" : `${g.dtype} ${list([...g.data])}`}`);
  }
  return null;
}

export const OP_SPECS: Record<OpName, OpSpec> = {
  add: { draw: binaryDraw({ fn: "add", call: dg.add, value: (x, y) => x + y, literals: [[2, -0.5], [2, -0.5]] }) },
  sub: { draw: binaryDraw({ fn: "sub", call: dg.sub, value: (x, y) => x - y, literals: [[2, -0.5], [2, -0.5]] }) },
  mul: { draw: binaryDraw({ fn: "mul", call: dg.mul, value: (x, y) => x * y, literals: [[2, -0.5], [2, -0.5]] }) },
  div: {
    draw: binaryDraw({
      fn: "div", call: dg.div, value: (x, y) => x / y,
      roleOk: [() => true, (v) => Math.abs(v) >= 0.25], kinds: ["any", "awayFromZero"], literals: [[1, -2], [2, -0.5]],
    }),
  },
  pow: { draw: powDraw },
  maximum: { draw: binaryDraw({ fn: "maximum", call: dg.maximum, value: Math.max, pairOk: apart, literals: [[0, 0.5], [0, 0.5]] }) },
  minimum: { draw: binaryDraw({ fn: "minimum", call: dg.minimum, value: Math.min, pairOk: apart, literals: [[0, 0.5], [0, 0.5]] }) },
  tanhBackward: { via: "tanh", why: "the fused backward of tanh: its gradient is tanh's second derivative" },
  sigmoidBackward: { via: "sigmoid", why: "the fused backward of sigmoid: its gradient is sigmoid's second derivative" },
  reluBackward: { via: "relu", why: "the fused backward of relu: its gradient is relu's second derivative" },
  bce: { draw: bceDraw },
  bceGrad: { via: "bce", why: "the fused derivative of bce: its gradient is bce's second derivative" },
  bceWithLogits: {
    draw: binaryDraw({
      fn: "bceWithLogits", call: (x, t) => dg.bceWithLogits(T(x), t), value: (x, t) => R.softplusOf(x) - x * t,
      roleOk: [within(12), () => true], literals: [[], [0, 1, 0.5]], tensorFirst: true,
    }),
  },
  neg: { draw: unaryDraw("neg", dg.neg, (v) => -v) },
  exp: { draw: unaryDraw("exp", dg.exp, Math.exp) },
  log: { draw: unaryDraw("log", dg.log, Math.log, { kind: "positive", ok: (v) => v >= 0.05 }) },
  sqrt: { draw: unaryDraw("sqrt", dg.sqrt, Math.sqrt, { kind: "positive", ok: (v) => v >= 0.05 }) },
  abs: { draw: unaryDraw("abs", dg.abs, Math.abs, { kinks: [0] }) },
  square: { draw: unaryDraw("square", dg.square, (v) => v * v) },
  relu: { draw: unaryDraw("relu", dg.relu, (v) => (v > 0 ? v : 0), { kinks: [0] }) },
  sigmoid: { draw: unaryDraw("sigmoid", dg.sigmoid, R.sigmoidOf, { ok: within(12) }) },
  tanh: { draw: unaryDraw("tanh", dg.tanh, Math.tanh, { ok: within(6) }) },
  softplus: { draw: unaryDraw("softplus", dg.softplus, R.softplusOf, { ok: within(12) }) },
  leakyRelu: { draw: leakyReluDraw },
  clamp: { draw: clampDraw },
  where: { draw: whereDraw },
  sign: { draw: unaryDraw("sign", dg.sign, Math.sign, { kinks: [0], constant: true }) },
  gt: comparison("gt", dg.gt, (x, y) => x > y),
  ge: comparison("ge", dg.ge, (x, y) => x >= y),
  lt: comparison("lt", dg.lt, (x, y) => x < y),
  le: comparison("le", dg.le, (x, y) => x <= y),
  eq: comparison("eq", dg.eq, (x, y) => x === y),
  matmul: { draw: matmulDraw },
  linear: { draw: linearDraw },
  sum: { draw: reductionDraw("sum", dg.sum, R.total) },
  max: { draw: reductionDraw("max", dg.max, (lane) => Math.max(...lane), "max") },
  min: { draw: reductionDraw("min", dg.min, (lane) => Math.min(...lane), "min") },
  mean: { draw: reductionDraw("mean", dg.mean, (lane) => R.total(lane) / lane.length) },
  logsumexp: { draw: reductionDraw("logsumexp", dg.logsumexp, R.logsumexpOf, undefined, within(10)) },
  softmax: { draw: softmaxDraw("softmax") },
  logSoftmax: { draw: softmaxDraw("logSoftmax") },
  argmax: { draw: argDraw("argmax") },
  argmin: { draw: argDraw("argmin") },
  reshape: {
    draw: viewDraw("reshape", (b, x) => {
      const target = reshapeTarget(b, x.data.length);
      const known = R.sizeOf(target.filter((d) => d !== -1));
      return { shape: target.map((d) => (d === -1 ? x.data.length / known : d)), tail: [list(target)], call: (t) => dg.reshape(t, target) };
    }),
  },
  expand: { draw: expandDraw },
  permute: { draw: permuteDraw },
  slice: { draw: sliceDraw },
  padSlice: { via: "slice", why: "slice's backward (zeros with g in the sliced range): its gradient is slice's second derivative" },
  concat: { draw: concatDraw },
  indexSelect: { draw: indexSelectDraw },
  indexAdd: { via: "indexSelect", why: "indexSelect's backward (a scatter-add): its gradient is indexSelect's second derivative" },
  clone: { draw: unaryDraw("clone", dg.clone, (v) => v) },
  cast: { exact: castCheck, why: "float64 -> float32 rounds the values, so central differences through it are meaningless" },
  flatten: {
    draw: viewDraw("flatten", (b, x) => {
      const n = x.shape.length;
      if (n === 0) return { shape: [1], tail: [], call: (t) => dg.flatten(t) };
      const start = b.choose(n);
      const end = start + b.choose(n - start);
      const endArg = b.choose(2) === 0 ? end : end - n;
      const shape = [...x.shape.slice(0, start), R.sizeOf(x.shape.slice(start, end + 1)), ...x.shape.slice(end + 1)];
      return { shape, tail: [num(start), num(endArg)], call: (t) => dg.flatten(t, start, endArg) };
    }),
  },
  squeeze: {
    draw: viewDraw("squeeze", (b, x) => {
      const ones = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
      if (ones.length === 0 || b.choose(2) === 0) return { shape: x.shape.filter((d) => d !== 1), tail: [], call: (t) => dg.squeeze(t) };
      const d = b.pick(ones);
      const axis = b.choose(2) === 0 ? d : d - x.shape.length;
      return { shape: x.shape.filter((_, i) => i !== d), tail: [num(axis)], call: (t) => dg.squeeze(t, axis) };
    }),
  },
  unsqueeze: {
    draw: viewDraw("unsqueeze", (b, x) => {
      const n = x.shape.length + 1;
      const d = b.choose(n);
      const axis = b.choose(2) === 0 ? d : d - n;
      return { shape: withAxis(x.shape, d), tail: [num(axis)], call: (t) => dg.unsqueeze(t, axis) };
    }),
  },
  transpose: { draw: transposeDraw },
  mT: { draw: propertyDraw("mT", 2, (n) => [...Array.from({ length: n - 2 }, (_, i) => i), n - 1, n - 2]) },
  T: { draw: propertyDraw("T", 0, (n) => Array.from({ length: n }, (_, i) => n - 1 - i)) },
  stack: { draw: stackDraw },
};

/** The draw of every op drawn into random graphs. */
export const DRAWS: Partial<Record<OpName, Draw>> = Object.fromEntries(
  Object.entries(OP_SPECS).flatMap(([op, spec]) => ("draw" in spec ? [[op, spec.draw]] : [])),
);
