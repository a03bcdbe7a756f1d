// fast-check glue: how many cases, from which seed, and the report of a
// failure (shrunk by fast-check) as a runnable program with the replay command.
//   DAGRAD_PROPERTY_RUNS=5000   cases per property (default: a bounded number for `npm test`)
//   DAGRAD_PROPERTY_SEED=123    another part of the case space (default: a fixed seed, so runs repeat)
//   DAGRAD_PROPERTY_PATH="..."  with the seed, replay one failing case (the report prints both)
import fc from "fast-check";
import type { OpName } from "../../../src/index.js";
import { Builder, type Case, type Draw, SMALL_DIMS, Tape, buildCase } from "./builder.js";
import { type Failure, checkCase, simplify } from "./check.js";
import { DRAWS } from "./ops.js";
import { program } from "./program.js";

const DEFAULT_RUNS = 60;
const DEFAULT_SEED = 20261125;

export function integerFromEnvironment(name: string, fallback: number, min: number, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got "${text}"`);
  return value;
}

export const RUNS = integerFromEnvironment("DAGRAD_PROPERTY_RUNS", DEFAULT_RUNS, 1);
export const SEED = integerFromEnvironment("DAGRAD_PROPERTY_SEED", DEFAULT_SEED, -(2 ** 31));
const PATH = process.env["DAGRAD_PROPERTY_PATH"] || undefined;
/** A vitest timeout: the default for the bounded run, none when more runs were asked for. */
export const TIMEOUT = RUNS > DEFAULT_RUNS ? 0 : undefined;

/** The two tapes a case is built from; fast-check shrinks them towards shorter tapes of smaller numbers. */
export const tapes = fc.record({
  structure: fc.array(fc.nat({ max: 0xffff }), { maxLength: 256, size: "max" }),
  values: fc.array(fc.nat({ max: 0xffff }), { maxLength: 512, size: "max" }),
});

/** Random graphs of 1 to 6 steps over the ops of `draws`; `focus`, when given, is one of the steps. */
export const casesWith = (draws: Readonly<Partial<Record<OpName, Draw>>>, focus: OpName | null, dims = SMALL_DIMS): fc.Arbitrary<Case> =>
  tapes.map(({ structure, values }) => buildCase(new Tape(structure, values), draws, focus, dims));

/** Random graphs over every drawable op. */
export const cases = (focus: OpName | null, dims = SMALL_DIMS): fc.Arbitrary<Case> => casesWith(DRAWS, focus, dims);

class CaseFailure extends Error {
  constructor(readonly found: Case, readonly failure: Failure) {
    super(failure.summary);
  }
}

/** Each property draws from its own seed (the base seed and its name), so no two walk the same tapes. */
function seedOf(test: string): number {
  let h = SEED;
  for (let i = 0; i < test.length; i++) h = Math.imul(h ^ test.charCodeAt(i), 0x01000193);
  return h | 0;
}

function replay(test: string, path: string | null): string {
  return `DAGRAD_PROPERTY_SEED=${SEED}${path === null ? "" : ` DAGRAD_PROPERTY_PATH="${path}"`} npx vitest run test/autograd/property -t "${test}"`;
}

function assertProperty<T>(test: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, describe: (error: unknown) => string, runs: number): void {
  const details = fc.check(fc.property(arbitrary, predicate), { seed: seedOf(test), numRuns: runs, path: PATH });
  if (!details.failed) return;
  const where = `seed ${SEED}, ${details.numRuns} runs, shrunk ${details.numShrinks} times`;
  const replayLine = `replay: ${replay(test, details.counterexamplePath)}`;
  throw new Error(`${test}: a case fails (${where})\n${replayLine}\n\n${describe(details.errorInstance)}`);
}

/** What went wrong, without the step names (which change as a case shrinks). */
const kindOf = (failure: Failure): string => failure.summary.replace(/\bt\d+\b/g, "t");

/**
 * Every case of `arbitrary` passes checkCase (`runs` of them); a failure
 * throws with the shrunk case as a program. Shrinking keeps the kind of the
 * first failure (a forward that disagrees stays one, rather than slipping to
 * whatever else a smaller case breaks).
 */
export function assertCases(test: string, arbitrary: fc.Arbitrary<Case>, runs = RUNS): void {
  let kind: string | null = null;
  assertProperty(
    test,
    arbitrary,
    (c) => {
      const failure = checkCase(c);
      if (failure === null) return;
      kind ??= kindOf(failure);
      if (kindOf(failure) === kind) throw new CaseFailure(c, failure);
    },
    (error) => {
      if (!(error instanceof CaseFailure)) return error instanceof Error ? (error.stack ?? error.message) : String(error);
      const { found, failure } = simplify(error.found, error.failure);
      return program(found, failure, { header: [failure.summary, ...failure.details] });
    },
    runs,
  );
}

/** An exact check (a message on failure) over builders reading random tapes. */
export function assertExact(test: string, check: (b: Builder) => string | null): void {
  assertProperty(
    test,
    tapes,
    ({ structure, values }) => {
      const failure = check(new Builder(new Tape(structure, values)));
      if (failure !== null) throw new Error(failure);
    },
    (error) => (error instanceof Error ? error.message : String(error)),
    RUNS,
  );
}
