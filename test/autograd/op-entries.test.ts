// No op can escape the gradient tests: record() takes only OP_TABLE's names
// (a type error otherwise), and every op's gradient formula text sits in one
// entry with its forward and its backward rule.
import { describe, expect, it } from "vitest";
import { OP_TABLE, type OpName, type Tensor, tensor } from "../../src/index.js";
import { record } from "../../src/autograd/graph.js";
import { binaryOps, constantOps, parametrisedOps, unaryOps } from "../../src/autograd/ops/elementwise.js";
import { matmulOps } from "../../src/autograd/ops/matmul.js";
import { reduceOps } from "../../src/autograd/ops/reduce.js";
import { shapeOps } from "../../src/autograd/ops/shape.js";

const tables: Record<string, Record<string, object>> = { binaryOps, unaryOps, parametrisedOps, constantOps, matmulOps, reduceOps, shapeOps };

/** Ops that record nothing of their own: composites of recorded ops, and constants. */
const unrecorded = (gradient: string): boolean => /^(composite:|0 \(not recorded|none \()/.test(gradient);

describe("op entries", () => {
  it("record() accepts only the names of OP_TABLE (checked by tsc)", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const out = tensor([2, 4]);
    // @ts-expect-error: "double" is not an OpName, so it cannot be recorded.
    const escaped: Tensor = record("double", [x], out, (g) => [g.mul(2)]);
    const named: OpName = "mul";
    expect(record(named, [x], tensor([3, 6]), (g) => [g.mul(3)]).op).toBe("mul");
    expect(escaped.op).toBe("double"); // at run time nothing stops it: the type does
  });

  for (const [table, entries] of Object.entries(tables)) {
    for (const [name, entry] of Object.entries(entries)) {
      it(`${name} (${table}): formula, forward and backward in one entry`, () => {
        const fields = entry as { gradient?: unknown; forward?: unknown; run?: unknown; kernel?: unknown; backward?: unknown };
        expect(typeof fields.gradient).toBe("string");
        expect(OP_TABLE[name as OpName]).toBe(fields.gradient);
        const forward = fields.forward ?? fields.run ?? fields.kernel;
        expect(typeof forward, `${name} has no forward in its entry`).toBe("function");
        if (unrecorded(fields.gradient as string)) expect(fields.backward).toBeUndefined();
        else expect(typeof fields.backward, `${name} has no backward rule in its entry`).toBe("function");
      });
    }
  }

  it("OP_TABLE lists exactly the entries of the op files", () => {
    const names = Object.values(tables).flatMap((entries) => Object.keys(entries));
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(Object.keys(OP_TABLE).sort());
  });
});
