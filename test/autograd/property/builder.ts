// A random case is built by reading two tapes of numbers that fast-check draws
// and shrinks: one of structural choices (how many steps, which op, which
// operand, which shape), one of values. Every read past the end of a tape is
// 0, and 0 always means the simplest choice (a fresh operand, a 0-d or size-1
// shape, the value 0), so a shrunk tape builds a small case. Every tape
// builds a valid case: draws check each op's domain on the reference values
// as they go (retrying with the next choices), so no case is thrown away.
import type { OpName, Tensor } from "../../../src/index.js";
import { type Ref, ref, sizeOf } from "./reference.js";

/** How far operands stay from kinks and ties (relu at 0, max ties, clamp bounds): far beyond what a 1e-6 step moves them. */
export const MARGIN = 1e-3;
/** Values beyond this (or not finite) are not used as operands or in the loss, so central differences stay accurate. */
const LIMIT = 50;

export type ValueKind = "any" | "positive" | "awayFromZero" | "weight";

const SPECIAL = [0, 1, -1, 0.5, 2, -2, 3, -0.5];

/** Dyadic values (exact in float64 and short to print); tape value 0 gives each kind's simplest value. */
function valueOf(kind: ValueKind, n: number): number {
  const zigzag = (m: number): number => (m % 2 === 0 ? m / 2 : -(m + 1) / 2);
  switch (kind) {
    case "any": return n % 8 === 7 ? SPECIAL[(n >> 3) % SPECIAL.length]! : zigzag((n >> 3) % 769) / 128; // [-3, 3]
    case "positive": return 0.125 + (n % 497) / 128; // [0.125, 4]
    case "awayFromZero": return (n % 2 === 0 ? 1 : -1) * (0.25 + ((n >> 1) % 353) / 128); // ±[0.25, 3]
    case "weight": return (n % 2 === 0 ? 1 : -1) * (1 + ((n >> 1) % 257) / 128); // ±[1, 3]
  }
}

export class Tape {
  private at = 0;
  private valueAt = 0;
  constructor(private readonly structure: readonly number[], private readonly values: readonly number[]) {}

  /** An integer in [0, n). */
  choose(n: number): number {
    const t = this.structure[this.at++] ?? 0;
    return n <= 1 ? 0 : t % n;
  }

  value(kind: ValueKind): number {
    return valueOf(kind, this.values[this.valueAt++] ?? 0);
  }
}

/** A leaf or a step's output, with its reference value. */
export interface Entry extends Ref {
  readonly id: number;
  /** x0, x1, ... for leaves, t2, t3, ... for steps: the variable names of the printed program. */
  readonly name: string;
  readonly requiresGrad: boolean;
  /** Leaves that gradcheck perturbs and this value moves with (empty for constants). */
  readonly perturbedBy: ReadonlySet<number>;
  /** Every entry this one was computed from, itself included. */
  readonly ancestors: ReadonlySet<number>;
}

/** A drawn op application: the dagrad call, the same call as program text, and its reference forward. */
export interface Draft {
  /** Tensor operands in the order `call` and `code` take them (an entry may appear twice). */
  readonly inputs: readonly Entry[];
  /** The call as a TypeScript expression, given the operands' variable names. */
  readonly code: (names: readonly string[]) => string;
  /** The dagrad functions `code` calls. */
  readonly imports: readonly string[];
  readonly call: (xs: readonly Tensor[]) => Tensor;
  readonly reference: (xs: readonly Ref[]) => Ref;
  /** Not recorded: the output is a constant (comparisons, sign, argmax). */
  readonly constant?: boolean;
  /** Second derivatives are undefined at this point (pow at a zero base with a differentiable exponent). */
  readonly firstOrderOnly?: boolean;
}

export interface Step extends Entry, Omit<Draft, "reference"> {
  readonly op: OpName;
}

export type Draw = (b: Builder) => Draft | null;

export interface Sink {
  readonly entry: Entry;
  /** Constant weights the loss multiplies this output by, or null for all ones (then the loss is its plain sum). */
  readonly weight: Ref | null;
}

export interface Case {
  readonly leaves: readonly Entry[];
  readonly steps: readonly Step[];
  /** The loss: the sum over these outputs of sum(output * weight). Empty when nothing requires grad. */
  readonly sinks: readonly Sink[];
  /** gradgradcheck applies too (false when some step's second derivatives are undefined at its point). */
  readonly secondOrder: boolean;
}

/** Central differences cost two evaluations per leaf element: leaves and outputs stay below these sizes. */
const MAX_LEAF = 160;
const MAX_OUTPUT = 1024;

/** 1, 2, 3, or (one time in eight) 0. */
export const SMALL_DIMS = [1, 2, 3, 1, 2, 3, 2, 0];
/** With 8 and 9, so elementwise ops and sums reach the sizes (64 elements and up) where the WebAssembly kernels take over. */
export const LARGE_DIMS = [1, 8, 9, 8, 2, 9, 3, 0];

const isUsable = (e: Ref): boolean => e.data.every((v) => Number.isFinite(v) && Math.abs(v) <= LIMIT);

export class Builder {
  readonly entries: Entry[] = [];
  readonly leaves: Entry[] = [];
  readonly steps: Step[] = [];

  /** `dims`: the dimensions shapes are drawn from, the first the simplest. */
  constructor(readonly tape: Tape, private readonly dims: readonly number[] = SMALL_DIMS) {}

  choose(n: number): number {
    return this.tape.choose(n);
  }

  /** One of the given options; the first is the simplest. */
  pick<T>(options: readonly T[]): T {
    return options[this.choose(options.length)]!;
  }

  dim(): number {
    return this.pick(this.dims);
  }

  shape(minRank = 0, maxRank = 3): number[] {
    const rank = minRank + this.choose(maxRank - minRank + 1);
    return Array.from({ length: rank }, () => this.dim());
  }

  /**
   * A fresh leaf. `accept` may refuse a value for flat position i (a tie with
   * what it will meet, say); a refused value is moved up by 1/64 until it passes.
   */
  leaf(shape: readonly number[], kind: ValueKind = "any", accept: (v: number, i: number) => boolean = () => true, requiresGrad?: boolean): Entry | null {
    return this.leafOf(shape, (i) => {
      let v = this.tape.value(kind);
      for (let tries = 0; !accept(v, i); tries++) {
        if (tries === 400) return null;
        v += 1 / 64;
      }
      return v;
    }, requiresGrad);
  }

  /** A fresh leaf with the value `valueAt(i)` at flat position i; null if some position has none, or it is too large. */
  leafOf(shape: readonly number[], valueAt: (i: number) => number | null, requiresGrad?: boolean): Entry | null {
    if (sizeOf(shape) > MAX_LEAF) return null;
    const data: number[] = [];
    for (let i = 0; i < sizeOf(shape); i++) {
      const v = valueAt(i);
      if (v === null) return null;
      data.push(v);
    }
    const grad = requiresGrad ?? this.choose(4) !== 3;
    const id = this.entries.length;
    const leaf: Entry = { id, name: `x${id}`, shape: [...shape], data, requiresGrad: grad, perturbedBy: new Set(grad ? [id] : []), ancestors: new Set([id]) };
    this.entries.push(leaf);
    this.leaves.push(leaf);
    return leaf;
  }

  /**
   * An operand: a fresh leaf (choice 0), the latest usable entry that
   * `accept`s, or any such entry; given `near`, one that shares an input with
   * it when there is one (the two paths meet again: a diamond).
   */
  operand(accept: (e: Entry) => boolean, fresh: () => Entry | null, near?: Entry): Entry | null {
    const candidates = this.entries.filter((e) => isUsable(e) && accept(e));
    const how = this.choose(4);
    if (how === 0 || candidates.length === 0) return fresh();
    const relatives = near === undefined ? [] : candidates.filter((e) => e !== near && [...e.ancestors].some((a) => near.ancestors.has(a)));
    if (how >= 2 && relatives.length > 0) return relatives[this.choose(relatives.length)]!;
    return how === 2 ? candidates[this.choose(candidates.length)]! : candidates[candidates.length - 1]!;
  }

  /** Draw `op` (up to three tries, each reading new choices) and add its output; null if every try failed. */
  step(op: OpName, draw: Draw): Step | null {
    for (let attempt = 0; attempt < 3; attempt++) {
      const draft = draw(this);
      if (draft === null) continue;
      const out = draft.reference(draft.inputs);
      if (out.data.length > MAX_OUTPUT) continue;
      const id = this.entries.length;
      const requiresGrad = !draft.constant && draft.inputs.some((e) => e.requiresGrad);
      const perturbedBy = new Set(requiresGrad ? draft.inputs.flatMap((e) => [...e.perturbedBy]) : []);
      const ancestors = new Set([id, ...draft.inputs.flatMap((e) => [...e.ancestors])]);
      const step: Step = {
        op, id, name: `t${id}`, shape: out.shape, data: out.data, requiresGrad, perturbedBy, ancestors,
        inputs: draft.inputs, code: draft.code, imports: draft.imports, call: draft.call, constant: draft.constant, firstOrderOnly: draft.firstOrderOnly,
      };
      this.entries.push(step);
      this.steps.push(step);
      return step;
    }
    return null;
  }

  /** The finished case: every output that requires grad and feeds no recorded step goes into the loss. */
  finish(): Case {
    const consumed = new Set(this.steps.filter((s) => s.requiresGrad).flatMap((s) => s.inputs.map((e) => e.id)));
    const sinks = this.steps
      .filter((s) => s.requiresGrad && !consumed.has(s.id) && isUsable(s))
      .map((entry): Sink => {
        const ones = this.choose(2) === 0;
        const weight = ones ? null : ref(entry.shape, entry.data.map(() => this.tape.value("weight")));
        return { entry, weight };
      });
    return { leaves: this.leaves, steps: this.steps, sinks, secondOrder: this.steps.every((s) => !s.firstOrderOnly) };
  }
}

/** A case of 1 to 6 steps; `focus` (when given) is one of them, the others are drawn from `draws`. */
export function buildCase(tape: Tape, draws: Readonly<Partial<Record<OpName, Draw>>>, focus: OpName | null, dims = SMALL_DIMS): Case {
  const b = new Builder(tape, dims);
  const ops = Object.keys(draws) as OpName[];
  const count = 1 + b.choose(6);
  const focusAt = b.choose(count);
  for (let i = 0; i < count; i++) {
    const op = focus !== null && i === focusAt ? focus : b.pick(ops);
    b.step(op, draws[op]!);
  }
  return b.finish();
}
