// captureStep on random graphs of every drawable op: record a graph's forward
// and backward, change every leaf's values, replay, and compare with the same
// graph built afresh on the new values. Equal bit for bit, or the tape missed
// a computation (a stale value). Cases and seed as in graphs.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as dg from "../../../src/index.js";
import type { OpName, Tensor } from "../../../src/index.js";
import { type Case, LARGE_DIMS } from "./builder.js";
import { evaluate, leafTensors, lossOf, weightTensors } from "./check.js";
import { OP_SPECS } from "./ops.js";
import { program } from "./program.js";
import { RUNS, SEED, TIMEOUT, cases } from "./run.js";

/** Loss and gradients of the case on `leaves`, through the graph. */
function eager(c: Case, leaves: readonly Tensor[], weights: readonly (Tensor | null)[]): { loss: Tensor; grads: (Tensor | null)[] } {
  const loss = lossOf(c, evaluate(c, leaves), weights);
  loss.backward();
  return { loss, grads: leaves.map((x) => x.grad) };
}

const sameBits = (a: Tensor | null, b: Tensor | null): boolean =>
  a === null || b === null ? a === b : a.data.length === b.data.length && a.data.every((v, i) => Object.is(v, b.data[i]));

/** Null when the replay on new values equals the graph on them; else what differs. */
function replayFailure(c: Case): string | null {
  if (c.sinks.length === 0) return null; // no loss to build
  const leaves = leafTensors(c);
  const weights = weightTensors(c);
  if (!eager(c, leafTensors(c), weights).loss.requiresGrad) return null; // nothing to differentiate: no step to capture
  const step = dg.captureStep(() => lossOf(c, evaluate(c, leaves), weights));
  step.run(); // records
  step.run(); // checks against the graph on the same values
  // New values: every leaf scaled a little (orders and signs kept, so each op stays in its domain).
  for (const x of leaves) for (let i = 0; i < x.data.length; i++) x.data[i] = x.data[i]! * 1.001 + 1e-4;
  const replayed = step.run();
  const fresh = leaves.map((x) => dg.tensor([...x.data], { shape: x.shape, dtype: "float64", requiresGrad: x.requiresGrad }));
  const want = eager(c, fresh, weights);
  if (!sameBits(replayed, want.loss)) return `loss: replayed ${replayed.data[0]}, through the graph ${want.loss.data[0]}`;
  for (let i = 0; i < leaves.length; i++) {
    if (!sameBits(leaves[i]!.grad, want.grads[i]!)) return `gradient of leaf ${i}: replayed ${String(leaves[i]!.grad?.data)}, through the graph ${String(want.grads[i]?.data)}`;
  }
  return null;
}

function assertReplays(name: string, arbitrary: fc.Arbitrary<Case>): void {
  const details = fc.check(
    fc.property(arbitrary, (c) => {
      const failure = replayFailure(c);
      if (failure !== null) throw new Error(failure);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  if (!details.failed) return;
  const found = details.counterexample![0];
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  expect.fail(`${name}: ${error}\n\n${program(found, null)}`);
}

describe(`captureStep replays random graphs (${RUNS} cases per op, seed ${SEED})`, () => {
  // Each drawable op in graphs of its own: an op that writes data off the tape fails here.
  for (const [op, spec] of Object.entries(OP_SPECS)) {
    if ("draw" in spec) it(`${op}: a replay on new values equals the graph built on them, bit for bit`, () => assertReplays(op, cases(op as OpName)), TIMEOUT);
  }
  it("any ops", () => assertReplays("any", cases(null)), TIMEOUT);
  it("any ops on large tensors (the WebAssembly kernels)", () => assertReplays("large", cases(null, LARGE_DIMS)), TIMEOUT);
});
