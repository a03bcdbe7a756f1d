// toDot escapes each label line, then joins the lines with DOT's \n escape.
import { describe, expect, it } from "vitest";
import { tensor, toDot } from "../../src/autograd/index.js";

describe("toDot labels", () => {
  it("separate a node's lines with DOT's \\n escape, not an escaped backslash", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const dot = toDot(x.tanh().sum());
    expect(dot).toContain('label="tanh\\n[2] float32"');
    expect(dot).not.toContain("\\\\n");
  });

  it("escape quotes inside a label", () => {
    const x = tensor([1], { requiresGrad: true });
    x.name = 'say "hi"';
    expect(toDot(x.mul(2))).toContain('label="say \\"hi\\"\\n[1] float32"');
  });
});
