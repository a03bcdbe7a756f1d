// Runs a case through dagrad and says what, if anything, is wrong: a forward
// that throws or disagrees with the reference, an op that should be a
// constant and is recorded (or the reverse), first derivatives that disagree
// with central differences, then second derivatives (gradgradcheck).
import * as dg from "../../../src/index.js";
import type { GradcheckResult, InputCheck, Tensor } from "../../../src/index.js";
import type { Case, Step } from "./builder.js";
import { list } from "./draws.js";

/** gradcheck's defaults, restated so the messages can say which bound was broken. */
const TOLERANCE = 1e-6;
const ATOL = 1e-8;

export interface Failure {
  /** One line: what went wrong where. */
  readonly summary: string;
  /** Expected against got. */
  readonly details: readonly string[];
  /** What the printed program shows: one step's value, first derivatives, or second derivatives. */
  readonly show:
    | { readonly kind: "value"; readonly step: Step }
    | { readonly kind: "gradient" }
    /** withQuadratic: the loss was linear in the leaves, so sum(x²)/2 was added (see `quadratic`). */
    | { readonly kind: "second"; readonly withQuadratic: boolean };
}

const float64 = (data: readonly number[], shape: readonly number[], requiresGrad = false): Tensor =>
  dg.tensor(data, { shape, dtype: "float64", requiresGrad });

export const leafTensors = (c: Case): Tensor[] => c.leaves.map((l) => float64(l.data, l.shape, l.requiresGrad));
export const weightTensors = (c: Case): (Tensor | null)[] => c.sinks.map((s) => (s.weight === null ? null : float64(s.weight.data, s.weight.shape)));

/** Every entry's tensor by id: the leaves given, each step computed from them. */
export function evaluate(c: Case, leaves: readonly Tensor[]): Map<number, Tensor> {
  const values = new Map<number, Tensor>(c.leaves.map((l, i) => [l.id, leaves[i]!]));
  for (const s of c.steps) values.set(s.id, s.call(s.inputs.map((e) => values.get(e.id)!)));
  return values;
}

/** The sum over the sinks of sum(output * weight) (or sum(output) without a weight). */
export function lossOf(c: Case, values: ReadonlyMap<number, Tensor>, weights: readonly (Tensor | null)[]): Tensor {
  const terms = c.sinks.map((s, i) => {
    const out = values.get(s.entry.id)!;
    const w = weights[i];
    return dg.sum(w ? dg.mul(out, w) : out);
  });
  return terms.reduce((total, t) => dg.add(total, t));
}

const close = (got: number, want: number): boolean =>
  Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)) || Math.abs(got - want) <= 1e-12 * (1 + Math.abs(want));

const message = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

function forwardFailure(c: Case): Failure | null {
  const values = new Map<number, Tensor>(c.leaves.map((l) => [l.id, float64(l.data, l.shape, l.requiresGrad)]));
  for (const s of c.steps) {
    const show = { kind: "value", step: s } as const;
    let out: Tensor;
    try {
      out = s.call(s.inputs.map((e) => values.get(e.id)!));
    } catch (e) {
      return { summary: `${s.name} = ${s.op}(...) threw`, details: [`expected ${list(s.data)} of shape ${list(s.shape)}`, `got ${message(e)}`], show };
    }
    values.set(s.id, out);
    const shapeOk = out.shape.length === s.shape.length && out.shape.every((d, i) => d === s.shape[i]);
    if (!shapeOk || out.dtype !== "float64" || !s.data.every((v, i) => close(out.data[i]!, v))) {
      return {
        summary: `${s.name} = ${s.op}(...) disagrees with the float64 reference`,
        details: [`expected (reference) shape ${list(s.shape)}: ${list(s.data)}`, `got (dagrad) ${out.dtype} shape ${list(out.shape)}: ${list([...out.data])}`],
        show,
      };
    }
    const recorded = !out.isLeaf;
    if (s.constant ? recorded || out.requiresGrad : out.requiresGrad !== s.requiresGrad) {
      const want = s.constant ? "a constant (not recorded, requiresGrad false)" : `requiresGrad ${s.requiresGrad}`;
      return { summary: `${s.name} = ${s.op}(...) should be ${want}`, details: [`got requiresGrad ${out.requiresGrad}, op ${out.op}`], show };
    }
  }
  return null;
}

/**
 * sum(x²)/2 over the leaves that require grad. gradgradcheck needs a first
 * derivative that depends on the inputs; where the loss is linear in them it
 * is added, and its second derivative (the identity) adds to the graph's, so
 * a graph's own second derivatives are still checked (a gradient that should
 * vary but was cut from the graph shows up against central differences).
 */
export function quadratic(c: Case, xs: readonly Tensor[]): Tensor {
  const inLoss = new Set(c.sinks.flatMap((s) => [...s.entry.perturbedBy]));
  const squares = xs.filter((_, i) => inLoss.has(c.leaves[i]!.id)).map((x) => dg.sum(dg.square(x)));
  return dg.mul(0.5, squares.reduce((total, t) => dg.add(total, t)));
}

/** The loss's gradient does not depend on the leaves (the loss is linear in them). */
export function gradientIsConstant(c: Case): boolean {
  const leaves = leafTensors(c);
  const loss = lossOf(c, evaluate(c, leaves), weightTensors(c));
  const grads = dg.grad(loss, leaves.filter((x) => x.requiresGrad), { createGraph: true, allowUnused: true });
  return grads.every((g) => g === null || !g.requiresGrad);
}

/** gradcheck's step. */
export const STEP = 1e-6;

/**
 * d f / d x by central differences, one element at a time. gradcheck does the
 * same but on f times a random upstream factor; this one's numbers compare
 * directly with what backward() leaves in x.grad (the printed program repeats it).
 */
export function centralDifferences(f: () => Tensor, x: Tensor): Float64Array {
  const out = new Float64Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i]!;
    x.data[i] = v + STEP;
    const plus = dg.noGrad(f).item();
    x.data[i] = v - STEP;
    const minus = dg.noGrad(f).item();
    x.data[i] = v;
    out[i] = (plus - minus) / (2 * STEP);
  }
  return out;
}

const disagreement = (name: string, analyticLabel: string, analytic: Float64Array, numerical: Float64Array): string[] => {
  const e = dg.gradientErrors(analytic, numerical);
  return [
    `${name}: relative error ${e.relativeError} (bound ${TOLERANCE.toExponential()}), largest |analytic - numerical| ${e.maxAbsError} at flat index ${e.worstIndex}`,
    `  ${"numerical (central differences):".padEnd(34)}${list([...numerical])}`,
    `  ${`analytic (${analyticLabel}):`.padEnd(34)}${list([...analytic])}`,
  ];
};

function derivativeFailure(c: Case, order: "first" | "second"): Failure | null {
  const leaves = leafTensors(c);
  const weights = weightTensors(c);
  const loss = (...xs: Tensor[]): Tensor => lossOf(c, evaluate(c, xs), weights);
  const what = order === "first" ? "gradients" : "second derivatives (gradgradcheck)";
  let show: Failure["show"] = { kind: "gradient" };
  let result: GradcheckResult;
  try {
    if (order === "first") {
      result = dg.gradcheck(loss, leaves);
    } else {
      const withQuadratic = gradientIsConstant(c);
      show = { kind: "second", withQuadratic };
      result = dg.gradgradcheck(withQuadratic ? (...xs) => dg.add(loss(...xs), quadratic(c, xs)) : loss, leaves);
    }
  } catch (e) {
    return { summary: `computing the ${what} threw`, details: [message(e)], show };
  }
  // gradcheck's own verdict, and non-finite values: its largest-error scan drops a NaN followed by a
  // finite element (`!(|d| <= NaN)` is true), so it can pass a NaN gradient on its absolute bound.
  const accepted = (r: InputCheck | null): boolean =>
    r === null || (r.analytic.every(Number.isFinite) && r.numerical.every(Number.isFinite) && (r.relativeError < TOLERANCE || r.maxAbsError < ATOL));
  if (result.passed && result.inputs.every(accepted)) return null;
  const failing = result.inputs.flatMap((r, i) => (accepted(r) ? [] : [i]));
  const details = failing.flatMap((i) => {
    if (order === "second") return disagreement(c.leaves[i]!.name, "double backward", result.inputs[i]!.analytic, result.inputs[i]!.numerical);
    const x = leaves[i]!;
    const [g] = dg.grad(loss(...leaves), [x], { allowUnused: true });
    const analytic = g ? Float64Array.from(g.data) : new Float64Array(x.size);
    return disagreement(c.leaves[i]!.name, "backward", analytic, centralDifferences(() => loss(...leaves), x));
  });
  const note = result.passed ? [`(${order === "first" ? "gradcheck" : "gradgradcheck"} itself passed this case: it drops a NaN followed by a finite element when it looks for the largest error)`] : [];
  return { summary: `the ${what} disagree with central differences`, details: [...details, ...note], show };
}

export function checkCase(c: Case): Failure | null {
  const forward = forwardFailure(c);
  if (forward !== null || c.sinks.length === 0) return forward;
  return derivativeFailure(c, "first") ?? (c.secondOrder ? derivativeFailure(c, "second") : null);
}

/**
 * fast-check shrinks the tapes; this shrinks what the tapes cannot reach
 * without rebuilding the graph: outputs dropped from the loss, weights made 1,
 * as long as the case fails the same way.
 */
export function simplify(c: Case, failure: Failure): { found: Case; failure: Failure } {
  let best = { found: c, failure };
  const attempt = (candidate: Case): boolean => {
    const f = checkCase(candidate);
    if (f === null || f.summary !== best.failure.summary) return false;
    best = { found: candidate, failure: f };
    return true;
  };
  for (let i = 0; i < best.found.sinks.length && best.found.sinks.length > 1;) {
    if (!attempt({ ...best.found, sinks: best.found.sinks.filter((_, k) => k !== i) })) i++;
  }
  best.found.sinks.forEach((s, i) => {
    if (s.weight !== null) attempt({ ...best.found, sinks: best.found.sinks.map((t, k) => (k === i ? { entry: t.entry, weight: null } : t)) });
  });
  return best;
}
