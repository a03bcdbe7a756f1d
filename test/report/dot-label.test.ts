// Known bug in src/autograd/dot.ts (reported to the lead, not worked around):
// toDot joins a node's label lines with DOT's line-break escape \n and then
// escapes backslashes, so the file holds \\n and Graphviz prints a literal
// "\n" instead of breaking the line. `it.fails` keeps this suite green while
// the bug stands and turns red once it is fixed: then drop `.fails`.
import { describe, expect, it } from "vitest";
import { tensor, toDot } from "../../src/autograd/index.js";

describe("toDot labels", () => {
  it.fails("separate a node's lines with DOT's \\n escape, not an escaped backslash", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const dot = toDot(x.tanh().sum());
    expect(dot).toContain('label="tanh\\n[2] float32"');
    expect(dot).not.toContain("\\\\n");
  });
});
