// Tests of the property suite itself: its generator reaches the edges it
// claims to, its checks fail on broken ops (mutants), a failure shrinks to a
// small program, and printed programs run and print what the suite computed.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as dg from "../../../src/index.js";
import { OP_TABLE, type OpName, type Tensor } from "../../../src/index.js";
import { type Case, type Draw, type Entry, LARGE_DIMS, MARGIN, type Step } from "./builder.js";
import { centralDifferences, checkCase, evaluate, gradientIsConstant, leafTensors, lossOf, quadratic, simplify, weightTensors } from "./check.js";
import { draft, stable, tensorOperand } from "./draws.js";
import { DRAWS, OP_SPECS } from "./ops.js";
import { program } from "./program.js";
import * as R from "./reference.js";
import { assertCases, cases, casesWith, integerFromEnvironment } from "./run.js";

const sample = (focus: OpName | null, n: number, seed = 1): Case[] => fc.sample(cases(focus), { numRuns: n, seed });

/** Where operand shapes of a broadcasting binary step sit among the patterns the suite claims. */
function broadcastPattern(s: Step): string | null {
  if (!["add", "sub", "mul", "div", "pow", "maximum", "minimum", "bceWithLogits", "gt", "ge", "lt", "le", "eq"].includes(s.op)) return null;
  if (s.inputs.length === 1) return "a plain number";
  const [a, b] = s.inputs.map((e) => e.shape) as [readonly number[], readonly number[]];
  const n = Math.max(a.length, b.length);
  const [pa, pb] = [a, b].map((x) => [...new Array<number>(n - x.length).fill(1), ...x]) as [number[], number[]];
  if (pa.some((d, i) => d === 1 && pb[i] !== 1) && pb.some((d, i) => d === 1 && pa[i] !== 1)) return "1s on both sides";
  if (a.length !== b.length) return a.length === 0 || b.length === 0 ? "a 0-d tensor" : "fewer axes";
  return a.every((d, i) => d === b[i]) ? "the same shape" : "1s on one side";
}

const hasDiamond = (c: Case): boolean =>
  c.steps.some((s) => {
    const ins = [...new Set(s.inputs)];
    return ins.some((a, i) => ins.slice(i + 1).some((b) => [...a.ancestors].some((x) => b.ancestors.has(x))));
  });

describe("the generator", () => {
  it("has a spec for every op of OP_TABLE, and each drawn op is in (nearly) every case that focuses on it", () => {
    expect(Object.keys(OP_SPECS).sort()).toEqual(Object.keys(OP_TABLE).sort());
    const missing: string[] = [];
    for (const [op, spec] of Object.entries(OP_SPECS)) {
      if ("via" in spec) expect(DRAWS[spec.via], `${op} is checked through ${spec.via}`).toBeDefined();
      if (!("draw" in spec)) continue;
      const found = sample(op as OpName, 20).filter((c) => c.steps.some((s) => s.op === op)).length;
      if (found < 18) missing.push(`${op}: in ${found} of 20`);
    }
    expect(missing).toEqual([]);
  });

  it("reaches every broadcast pattern, zero-size and size-1 axes, reuse, diamonds and constants", () => {
    const found = sample(null, 400);
    const count = (p: (c: Case) => boolean): number => found.filter(p).length;
    const entries = (c: Case): Entry[] => [...c.leaves, ...c.steps];
    const patterns = new Map<string, number>();
    for (const s of found.flatMap((c) => c.steps)) {
      const p = broadcastPattern(s);
      if (p !== null) patterns.set(p, (patterns.get(p) ?? 0) + 1);
    }
    for (const p of ["the same shape", "fewer axes", "a 0-d tensor", "1s on one side", "1s on both sides", "a plain number"]) {
      expect(patterns.get(p) ?? 0, p).toBeGreaterThanOrEqual(5);
    }
    const counts = {
      zeroSize: count((c) => entries(c).some((e) => e.data.length === 0)),
      sizeOneAxis: count((c) => entries(c).some((e) => e.shape.includes(1))),
      zeroD: count((c) => entries(c).some((e) => e.shape.length === 0)),
      sameTensorTwiceInOneOp: count((c) => c.steps.some((s) => new Set(s.inputs).size < s.inputs.length)),
      usedBySeveralOps: count((c) => entries(c).some((e) => c.steps.filter((s) => s.inputs.includes(e)).length > 1)),
      diamond: count(hasDiamond),
      constantFeedsRecordedOp: count((c) => c.steps.some((s) => !s.constant && s.inputs.some((e) => !e.requiresGrad))),
      leafWithoutGrad: count((c) => c.leaves.some((l) => !l.requiresGrad)),
      secondOrder: count((c) => c.sinks.length > 0 && c.secondOrder),
    };
    for (const [what, n] of Object.entries(counts)) expect(n, what).toBeGreaterThanOrEqual(20);
  });

  it("on large tensors, reaches elementwise ops of 64 elements and up over whole arrays (where the WebAssembly kernels run)", () => {
    const elementwise = ["add", "sub", "mul", "div", "maximum", "minimum", "neg", "exp", "log", "sqrt", "abs", "square", "relu", "sigmoid", "softplus"];
    const wasmSized = fc.sample(cases(null, LARGE_DIMS), { numRuns: 200, seed: 2 }).flatMap((c) => c.steps).filter((s) =>
      elementwise.includes(s.op) && s.data.length >= 64 && s.inputs.every((e) => e.data.length === s.data.length || e.data.length === 1));
    expect(new Set(wasmSized.map((s) => s.op)).size).toBeGreaterThanOrEqual(8);
  });

  it("keeps operands off kinks, ties and bounds, unless nothing moves them", () => {
    const off = (e: Entry, points: number[]): boolean => stable(e) || e.data.every((v) => points.every((p) => Math.abs(v - p) >= MARGIN));
    for (const s of sample(null, 300).flatMap((c) => c.steps)) {
      const [x, y] = s.inputs;
      if (["relu", "abs", "sign", "leakyRelu"].includes(s.op)) expect(off(x!, [0]), `${s.op} of ${x!.data}`).toBe(true);
      if (["log", "sqrt"].includes(s.op)) expect(x!.data.every((v) => v >= 0.05), `${s.op} of ${x!.data}`).toBe(true);
      if (s.op === "div" && y !== undefined) expect(y.data.every((v) => Math.abs(v) >= 0.25), `divisor ${y.data}`).toBe(true);
      if (["maximum", "minimum", "gt", "ge", "lt", "le", "eq"].includes(s.op) && x !== undefined && y !== undefined && x !== y && !(stable(x) && stable(y))) {
        expect(R.zip(x, y, (a, b) => Math.abs(a - b)).data.every((d) => d >= MARGIN), `${s.op} of ${x.data} and ${y.data}`).toBe(true);
      }
    }
  });
});

/** A one-op case table whose "neg" entry is a mutant: `call` is what dagrad runs, `value` what the reference says. */
function mutant(call: (x: Tensor) => Tensor, value: (v: number) => number, flags: { constant?: boolean } = {}): Readonly<Partial<Record<OpName, Draw>>> {
  const draw: Draw = (b) => {
    const x = tensorOperand(b);
    return x && draft("neg", [x], ([t]) => call(t as Tensor), ([r]) => R.map(r!, value), [], flags);
  };
  return { neg: draw };
}

/** The first failure among cases of a mutant table. */
function firstFailure(draws: Readonly<Partial<Record<OpName, Draw>>>): { found: Case; summary: string; details: readonly string[] } {
  for (const c of fc.sample(casesWith(draws, "neg"), { numRuns: 200, seed: 3 })) {
    const failure = checkCase(c);
    if (failure !== null) return { found: c, ...failure };
  }
  throw new Error("no case of the mutant failed");
}

describe("the checks fail on broken ops", () => {
  it("a wrong forward disagrees with the reference", () => {
    const f = firstFailure(mutant((x) => dg.mul(x, 2), (v) => 3 * v));
    expect(f.summary).toMatch(/^t\d+ = neg\(\.\.\.\) disagrees with the float64 reference$/);
    expect(f.details[0]).toMatch(/^expected \(reference\)/);
  });

  it("a wrong gradient disagrees with central differences, and both are printed", () => {
    // x·x with one factor detached: the right values, half the gradient.
    const f = firstFailure(mutant((x) => dg.mul(x, x.detach()), (v) => v * v));
    expect(f.summary).toBe("the gradients disagree with central differences");
    expect(f.details.join("\n")).toMatch(/numerical \(central differences\): +\[.*\]\n +analytic \(backward\): +\[/);
  });

  it("a NaN gradient fails even where its last element is right (gradcheck alone passes it)", () => {
    // The identity, with NaN put into every gradient element but the last.
    const f = firstFailure(mutant((x) => {
      const y = dg.clone(x);
      if (y.requiresGrad) y.registerHook((g) => dg.tensor(Array.from(g.data, (v, i) => (i < g.size - 1 ? NaN : v)), { shape: g.shape, dtype: "float64" }));
      return y;
    }, (v) => v));
    expect(f.summary).toBe("the gradients disagree with central differences");
    expect(f.details.join("\n")).toMatch(/analytic \(backward\): +\[NaN, /);
  });

  it("a gradient that should vary but is cut from the graph fails gradgradcheck", () => {
    // x²·x where the gradient reaching x² is detached: first derivatives right, second ones not.
    const f = firstFailure(mutant((x) => {
      const y = dg.square(x);
      if (y.requiresGrad) y.registerHook((g) => g.detach());
      return dg.mul(y, x);
    }, (v) => v ** 3));
    expect(f.summary).toBe("the second derivatives (gradgradcheck) disagree with central differences");
  });

  it("a recorded op posing as a constant is caught", () => {
    const f = firstFailure(mutant((x) => dg.relu(x), (v) => Math.max(v, 0), { constant: true }));
    expect(f.summary).toMatch(/should be a constant/);
  });

  it("a failure shrinks to one op on a two-element leaf with one smallest nonzero value, with the replay command", () => {
    // Wrong only on tensors of two or more elements.
    const draws = mutant((x) => (x.size > 1 ? dg.mul(x, 2) : dg.clone(x)), (v) => v);
    let report = "";
    try {
      assertCases("shrinking demo", casesWith(draws, "neg"));
    } catch (e) {
      report = (e as Error).message;
    }
    expect(report).toMatch(/^shrinking demo: a case fails \(seed -?\d+, \d+ runs, shrunk \d+ times\)\nreplay: DAGRAD_PROPERTY_SEED=-?\d+ DAGRAD_PROPERTY_PATH="[\d:]+" npx vitest run test\/autograd\/property -t "shrinking demo"/);
    expect(report.match(/^const t\d+ = /gm)).toHaveLength(1);
    expect(report).toMatch(/^const x\d+ = tensor\(\[(-?0\.0078125, 0|0, -?0\.0078125)\], \{ shape: \[2\], dtype: "float64"/m);
  });

  it("simplify drops outputs and weights the failure does not need", () => {
    const found = firstFailure(mutant((x) => dg.mul(x, x.detach()), (v) => v * v)).found;
    const extra = { ...found, sinks: [...found.sinks, { entry: found.sinks[0]!.entry, weight: R.ref(found.sinks[0]!.entry.shape, found.sinks[0]!.entry.data.map(() => 2)) }] };
    const { found: simple } = simplify(extra, checkCase(extra)!);
    expect(simple.sinks).toHaveLength(1);
    expect(simple.sinks[0]!.weight).toBeNull();
  });
});

describe("environment", () => {
  it("reads the number of runs and the seed, and refuses what is not an integer", () => {
    expect(integerFromEnvironment("RUNS", 12, 1, {})).toBe(12);
    expect(integerFromEnvironment("RUNS", 12, 1, { RUNS: "5000" })).toBe(5000);
    expect(() => integerFromEnvironment("RUNS", 12, 1, { RUNS: "many" })).toThrow('RUNS must be an integer >= 1, got "many"');
    expect(() => integerFromEnvironment("RUNS", 12, 1, { RUNS: "0" })).toThrow(/>= 1/);
  });
});

/** What a printed program logs, computed here by the suite's own evaluation (the program must agree). */
function expectedLog(c: Case): unknown[][] {
  if (c.sinks.length === 0) {
    const last = c.steps[c.steps.length - 1]!;
    return [[last.name, evaluate(c, leafTensors(c)).get(last.id)!.toArray()]];
  }
  const leaves = leafTensors(c);
  const weights = weightTensors(c);
  const f = (): Tensor => lossOf(c, evaluate(c, leaves), weights);
  const needed = new Set(c.sinks.flatMap((s) => [...s.entry.ancestors]));
  const checked = c.leaves.map((l, i) => ({ l, x: leaves[i]! })).filter(({ l }) => needed.has(l.id) && l.requiresGrad);
  const loss = f();
  const log: unknown[][] = [["loss", loss.item()]];
  loss.backward();
  for (const { l, x } of checked) log.push([`${l.name}.grad (backward)`, x.grad?.toArray()]);
  for (const { l, x } of checked) log.push([`${l.name}.grad (central differences)`, dg.tensor(centralDifferences(f, x), { shape: l.shape }).toArray()]);
  return log;
}

/** What the second-order form of a case's program logs (gradgradcheck, with sum(x²)/2 added where the loss is linear). */
function expectedSecondOrderLog(c: Case, withQuadratic: boolean): unknown[][] {
  const leaves = leafTensors(c);
  const weights = weightTensors(c);
  const f = (...xs: Tensor[]): Tensor => {
    const loss = lossOf(c, evaluate(c, xs), weights);
    return withQuadratic ? dg.add(loss, quadratic(c, xs)) : loss;
  };
  const check = dg.gradgradcheck(f, leaves);
  const needed = new Set(c.sinks.flatMap((s) => [...s.entry.ancestors]));
  const rows = c.leaves.flatMap((l, i) => (needed.has(l.id) && l.requiresGrad ? [[`${l.name}: double backward`, check.inputs[i]?.analytic, "central differences", check.inputs[i]?.numerical]] : []));
  return [["loss", f(...leaves).item()], ["second derivatives pass", check.passed], ...rows];
}

const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === "number" && !Number.isFinite(x) ? String(x) : x)));

describe("printed programs", () => {
  it("run on their own (tsx) and print what the suite computed: a case of every drawn op, and the second-order form", () => {
    const chosen = Object.keys(DRAWS).map((op) => {
      const c = sample(op as OpName, 30, 5).find((x) => x.steps.some((s) => s.op === op) && checkCase(x) === null);
      if (c === undefined) throw new Error(`no passing case with ${op}`);
      return c;
    });
    const programs = chosen.map((c) => ({ text: (from: string) => program(c, null, { importFrom: from }), expected: expectedLog(c) }));
    // The second-order form, for a loss linear in its leaves (sum(x²)/2 added) and for one that is not.
    for (const withQuadratic of [true, false]) {
      const c = chosen.find((x) => x.sinks.length > 0 && x.secondOrder && gradientIsConstant(x) === withQuadratic)!;
      const show = { kind: "second", withQuadratic } as const;
      programs.push({ text: (from) => program(c, { summary: "", details: [], show }, { importFrom: from }), expected: expectedSecondOrderLog(c, withQuadratic) });
    }
    const dir = mkdtempSync(join(tmpdir(), "dagrad-property-"));
    try {
      const src = fileURLToPath(new URL("../../../src/index.js", import.meta.url));
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
      programs.forEach((p, i) => writeFileSync(join(dir, `case${i}.ts`), p.text(src)));
      // Each program logs through console.log; the runner collects what each one logs and prints it all as JSON.
      writeFileSync(join(dir, "run.ts"), [
        "const logs: unknown[][][] = [];",
        "console.log = (...args: unknown[]) => { logs[logs.length - 1]!.push(args); };",
        `for (let i = 0; i < ${programs.length}; i++) { logs.push([]); await import(\`./case\${i}.ts\`); }`,
        "process.stdout.write(JSON.stringify(logs, (_, v) => (typeof v === \"number\" && !Number.isFinite(v) ? String(v) : v)));",
      ].join("\n"));
      const run = spawnSync(process.execPath, ["--import", "tsx", join(dir, "run.ts")], { encoding: "utf8", cwd: fileURLToPath(new URL("../../..", import.meta.url)) });
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout)).toEqual(asJson(programs.map((p) => p.expected)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
