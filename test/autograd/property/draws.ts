// The pieces every op's draw is made of: operands that keep to a domain,
// partner shapes in every broadcast pattern, axis arguments, and the glue that
// turns a list of operands (tensors or plain numbers) into the dagrad call,
// its program text and its reference forward at once, so the three agree.
import type { Tensor } from "../../../src/index.js";
import { type Builder, type Draft, type Entry, MARGIN, type ValueKind } from "./builder.js";
import * as R from "./reference.js";

export const num = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));
export const list = (values: readonly number[]): string => `[${values.map(num).join(", ")}]`;

/** gradcheck never moves it: every leaf it depends on is a constant. */
export const stable = (e: Entry): boolean => e.perturbedBy.size === 0;

/** Away from every point in `points` (a kink), unless nothing can move it there. */
const awayFrom = (e: Entry, points: readonly number[]): boolean =>
  stable(e) || e.data.every((v) => points.every((p) => Math.abs(v - p) >= MARGIN));

const valueAwayFrom = (points: readonly number[]) => (v: number): boolean => points.every((p) => Math.abs(v - p) >= MARGIN);

/** An operand: any usable entry passing `accept`, or a fresh leaf of `shape()` whose values pass `valueOk`. */
export function tensorOperand(
  b: Builder,
  accept: (e: Entry) => boolean = () => true,
  shape: () => number[] = () => b.shape(),
  kind: ValueKind = "any",
  valueOk: (v: number) => boolean = () => true,
): Entry | null {
  return b.operand((e) => accept(e) && e.data.every(valueOk), () => b.leaf(shape(), kind, valueOk));
}

/** For each element of the broadcast of shapes a and b: the flat positions it reads in a and in b. */
export function broadcastPairs(a: readonly number[], b: readonly number[]): [number, number][] {
  const out = R.broadcastShape(a, b)!;
  const source = (index: number[], shape: readonly number[]): number =>
    R.ravel(shape.map((d, i) => (d === 1 ? 0 : index[index.length - shape.length + i]!)), shape);
  return Array.from({ length: R.sizeOf(out) }, (_, i) => {
    const index = R.unravel(i, out);
    return [source(index, a), source(index, b)];
  });
}

export const broadcastable = (a: readonly number[], b: readonly number[]): boolean => R.broadcastShape(a, b) !== null;

/**
 * A shape that broadcasts with `shape`, in one of the patterns: the same
 * shape, fewer leading axes (down to 0-d), some axes 1, 1s on both sides
 * ([3,1] with [1,4], [3] with [2,1], [1] with [0]), or extra leading axes.
 */
export function partnerShape(b: Builder, shape: readonly number[]): number[] {
  if (shape.length === 0) return b.choose(2) === 0 ? [] : b.shape(1);
  const twoSided = (): number[] => shape.map((d) => (d === 1 ? b.dim() : b.choose(2) === 0 ? d : 1));
  switch (b.choose(5)) {
    case 0: return [...shape];
    case 1: return shape.slice(1 + b.choose(shape.length));
    case 2: return shape.map((d) => (b.choose(2) === 0 ? d : 1));
    case 3: {
      if (shape.includes(1)) return twoSided();
      const ones = shape.map((d, i) => (i === b.choose(shape.length) ? 1 : d));
      return [b.pick([2, 3]), ...ones];
    }
    default: return [b.dim(), ...twoSided()];
  }
}

export type Arg = Entry | number;
const isEntry = (a: Arg): a is Entry => typeof a !== "number";

/** The operands in order, with each tensor operand taken from `xs` and each number from `literal`. */
function resolve<T>(args: readonly Arg[], xs: readonly T[], literal: (v: number) => T): T[] {
  let k = 0;
  return args.map((a) => (isEntry(a) ? xs[k++]! : literal(a)));
}

/** A draft calling `fn` on operands that are tensors or numbers, followed by constant arguments `tail` (already program text). */
export function draft(
  fn: string,
  operands: readonly Arg[],
  call: (xs: readonly (Tensor | number)[]) => Tensor,
  reference: (xs: readonly R.Ref[]) => R.Ref,
  tail: readonly string[] = [],
  flags: { constant?: boolean; firstOrderOnly?: boolean } = {},
): Draft {
  return {
    inputs: operands.filter(isEntry),
    code: (names) => `${fn}(${[...resolve(operands, names, num), ...tail].join(", ")})`,
    imports: [fn],
    call: (xs) => call(resolve<Tensor | number>(operands, xs, (v) => v)),
    reference: (xs) => reference(resolve(operands, xs, (v) => R.ref([], [v]))),
    ...flags,
  };
}

interface BinaryRule {
  readonly fn: string;
  readonly call: (a: Tensor | number, b: Tensor | number) => Tensor;
  readonly value: (x: number, y: number) => number;
  /** Domain of each operand's values (e.g. a divisor away from 0). */
  readonly roleOk?: readonly [(v: number) => boolean, (v: number) => boolean];
  /** A condition on each broadcast pair that gradcheck could break (ties); skipped when nothing moves them. */
  readonly pairOk?: (x: number, y: number) => boolean;
  readonly kinds?: readonly [ValueKind, ValueKind];
  /** Plain numbers each operand may be (none: a tensor only). */
  readonly literals?: readonly [readonly number[], readonly number[]];
  /** The first operand must be a tensor (bceWithLogits). */
  readonly tensorFirst?: boolean;
  readonly constant?: boolean;
}

const anyValue = (): boolean => true;

/** A broadcasting binary op: an anchor operand, then a partner in any broadcast pattern (or a number), in either order. */
export function binaryDraw(rule: BinaryRule): (b: Builder) => Draft | null {
  const roleOk = rule.roleOk ?? [anyValue, anyValue];
  const kinds = rule.kinds ?? ["any", "any"];
  const literals = rule.literals ?? [[], []];
  const pairOk = rule.pairOk;
  return (b) => {
    const anchorRole = rule.tensorFirst ? 0 : b.choose(2);
    const partnerRole = 1 - anchorRole;
    const ordered = (anchor: number, partner: number): [number, number] => (anchorRole === 0 ? [anchor, partner] : [partner, anchor]);
    const anchor = tensorOperand(b, () => true, () => b.shape(), kinds[anchorRole]!, roleOk[anchorRole]!);
    if (anchor === null) return null;
    const meets = (partnerShape: readonly number[]): number[][] => {
      const seen: number[][] = Array.from({ length: R.sizeOf(partnerShape) }, () => []);
      for (const [i, j] of broadcastPairs(anchor.shape, partnerShape)) seen[j]!.push(anchor.data[i]!);
      return seen;
    };
    const pairsOk = (e: Entry): boolean => {
      if (pairOk === undefined || e === anchor || (stable(e) && stable(anchor))) return true;
      return broadcastPairs(anchor.shape, e.shape).every(([i, j]) => pairOk(...ordered(anchor.data[i]!, e.data[j]!)));
    };
    let partner: Arg | null;
    if (literals[partnerRole]!.length > 0 && b.choose(4) === 3) {
      const v = b.pick(literals[partnerRole]!);
      if (pairOk !== undefined && !stable(anchor) && !anchor.data.every((x) => pairOk(...ordered(x, v)))) return null;
      partner = v;
    } else {
      const fresh = (): Entry | null => {
        const shape = partnerShape(b, anchor.shape);
        const met = meets(shape);
        const ok = (v: number, j: number): boolean => roleOk[partnerRole]!(v) && (pairOk === undefined || met[j]!.every((x) => pairOk(...ordered(x, v))));
        return b.leaf(shape, kinds[partnerRole]!, ok);
      };
      // Half the partners are fresh, so every broadcast pattern comes up; the rest reuse entries.
      const compatible = (e: Entry): boolean => broadcastable(anchor.shape, e.shape) && e.data.every(roleOk[partnerRole]!) && pairsOk(e);
      partner = b.choose(2) === 0 ? fresh() : b.operand(compatible, fresh, anchor);
    }
    if (partner === null) return null;
    const operands = anchorRole === 0 ? [anchor, partner] : [partner, anchor];
    return draft(rule.fn, operands, ([x, y]) => rule.call(x!, y!), ([x, y]) => R.zip(x!, y!, rule.value), [], { constant: rule.constant });
  };
}

/** An elementwise op of one tensor; `kinks` are points it must stay away from unless nothing moves it. */
export function unaryDraw(
  fn: string,
  call: (x: Tensor) => Tensor,
  value: (v: number) => number,
  options: { kind?: ValueKind; ok?: (v: number) => boolean; kinks?: readonly number[]; constant?: boolean; tail?: readonly string[] } = {},
): (b: Builder) => Draft | null {
  const ok = options.ok ?? anyValue;
  const kinks = options.kinks ?? [];
  return (b) => {
    const x = b.operand(
      (e) => e.data.every(ok) && awayFrom(e, kinks),
      () => b.leaf(b.shape(), options.kind ?? "any", (v) => ok(v) && valueAwayFrom(kinks)(v)),
    );
    if (x === null) return null;
    return draft(fn, [x], ([t]) => call(t as Tensor), ([r]) => R.map(r!, value), options.tail ?? [], { constant: options.constant });
  };
}

/** An `axis` argument: all axes (undefined), one axis, or a list of distinct axes; negative half the time. */
export function axisArg(b: Builder, ndim: number, allowList = true): number | number[] | undefined {
  const signed = (d: number): number => (b.choose(2) === 0 ? d : d - ndim);
  const form = ndim === 0 ? 0 : b.choose(allowList ? 3 : 2);
  if (form === 0) return undefined;
  if (form === 1) return signed(b.choose(ndim));
  const axes = Array.from({ length: ndim }, (_, d) => d).filter(() => b.choose(2) === 1);
  return (axes.length > 0 ? axes : [b.choose(ndim)]).map(signed);
}

const axisText = (axis: number | readonly number[] | undefined): string =>
  axis === undefined ? "undefined" : typeof axis === "number" ? num(axis) : list(axis);

/** `axis` and `keepdim` as trailing arguments, omitted where they are the defaults. */
export function reductionTail(axis: number | readonly number[] | undefined, keepdim: boolean): string[] {
  if (keepdim) return [axisText(axis), "true"];
  return axis === undefined ? [] : [axisText(axis)];
}

/** The flat positions of each lane a reduction over `axis` folds. */
function lanesOf(shape: readonly number[], axis: number | readonly number[] | undefined): number[][] {
  const positions = R.ref(shape, Array.from({ length: R.sizeOf(shape) }, (_, i) => i));
  const lanes: number[][] = [];
  R.reduce(positions, axis, false, (lane) => { lanes.push(lane); return 0; });
  return lanes;
}

/** Every lane's largest (or smallest) value beats the rest by MARGIN, so gradcheck cannot change which one wins. */
export function clearWinner(e: Entry, axis: number | readonly number[] | undefined, smallest: boolean): boolean {
  if (stable(e)) return true;
  return lanesOf(e.shape, axis).every((lane) => {
    const values = lane.map((i) => e.data[i]!);
    const best = values[R.argExtreme(values, smallest)]!;
    return values.filter((v) => Math.abs(v - best) < MARGIN).length === 1;
  });
}

/** Fresh values all at least MARGIN apart (no ties anywhere). */
export function distinctLeaf(b: Builder, shape: number[]): Entry | null {
  const taken: number[] = [];
  return b.leaf(shape, "any", (v, i) => {
    if (!taken.slice(0, i).every((u) => Math.abs(u - v) >= MARGIN)) return false;
    taken[i] = v;
    return true;
  });
}
