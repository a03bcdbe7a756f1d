// Property-based gradient suite: random graphs of every op in OP_TABLE, each
// forward checked against a plain-JS float64 reference and each graph's
// gradients against central differences (gradcheck) and its second
// derivatives (gradgradcheck). A failure is shrunk and printed as a runnable
// program with the command that replays it. More cases:
//   DAGRAD_PROPERTY_RUNS=5000 npx vitest run test/autograd/property
import { describe, it } from "vitest";
import type { OpName } from "../../../src/index.js";
import { LARGE_DIMS } from "./builder.js";
import { OP_SPECS } from "./ops.js";
import { RUNS, SEED, TIMEOUT, assertCases, assertExact, cases } from "./run.js";

const property = (name: string, check: (name: string) => void): void => {
  it(name, () => check(name), TIMEOUT);
};

describe(`random graphs (${RUNS} cases per op, seed ${SEED})`, () => {
  for (const [op, spec] of Object.entries(OP_SPECS)) {
    if ("draw" in spec) property(`${op} in random graphs`, (name) => assertCases(name, cases(op as OpName)));
    else if ("via" in spec) property(`${op} through ${spec.via}'s second derivatives`, (name) => assertCases(name, cases(spec.via)));
    else property(`${op} exactly`, (name) => assertExact(name, spec.exact));
  }
  // Graphs of any ops, none singled out: five times the cases.
  property("any ops in random graphs", (name) => assertCases(name, cases(null), 5 * RUNS));
  property("any ops on large tensors (the WebAssembly kernels)", (name) => assertCases(name, cases(null, LARGE_DIMS)));
});
