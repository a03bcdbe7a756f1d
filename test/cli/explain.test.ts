// dagrad explain, gradcheck and graph: the documents' worked numbers printed
// by both paths, the gradient table, and the graph files.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { byClass, parseXml } from "../report/svg-dom.js";
import { runCli, tempDir } from "./run-cli.js";

/** The values printed for a step: { manual, autograd, diff }. */
function step(stdout: string, name: string): { manual: number[]; autograd: number[]; diff: number } {
  const block = stdout.split("\n");
  const start = block.findIndex((line) => line.startsWith(`${name} = `));
  expect(start, `step ${name}`).toBeGreaterThanOrEqual(0);
  const rest = block.slice(start + 1).join("\n");
  const numbers = (label: string) => {
    const m = rest.match(new RegExp(`^  ${label}\\s+(\\[[^a-z]*?\\])\\n  [a-z]`, "m"))!;
    return [...m[1]!.matchAll(/-?\d+\.\d+/g)].map((n) => Number(n[0]));
  };
  const diff = Number(rest.match(/max \|manual - autograd\| = (\S+)/)![1]);
  return { manual: numbers("manual"), autograd: numbers("autograd"), diff };
}

describe("dagrad explain", () => {
  it("prints 000 section 7 step by step, both paths agreeing", async () => {
    const result = await runCli(["explain", "--out", tempDir()]);
    expect(result.code).toBe(0);
    const names = [...result.stdout.matchAll(/^(\w+) = /gm)].map((m) => m[1]);
    expect(names).toEqual(["Z1", "A1", "Z2", "A2", "loss", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]);
    expect(step(result.stdout, "Z1").manual).toEqual([0.65, 0.55]);
    expect(step(result.stdout, "A2").autograd).toEqual([0.65225817]);
    expect(step(result.stdout, "dW2").autograd).toEqual([-0.1987935602, -0.1740518142]);
    expect(step(result.stdout, "dZ1").manual).toEqual([-0.0936390089, -0.1563752275]);
    for (const name of names) expect(step(result.stdout, name!).diff).toBeLessThan(1e-15);
    expect(result.stdout.indexOf("--- Forward Pass ---")).toBeLessThan(result.stdout.indexOf("--- Backward Pass ---"));
  });

  it("prints 001's numbers", async () => {
    const result = await runCli(["explain", "--example", "001", "--out", tempDir()]);
    expect(result.code).toBe(0);
    expect(step(result.stdout, "loss").manual).toEqual([0.00405]);
    expect(step(result.stdout, "dW2").autograd).toEqual([-0.045, -0.099]);
    expect(step(result.stdout, "dW1").autograd).toEqual([-0.045, -0.09, -0.054, -0.108]);
  });

  it("prints 004's numbers, with the dA2 step its loss needs", async () => {
    const result = await runCli(["explain", "--example", "004", "--out", tempDir()]);
    expect(result.code).toBe(0);
    expect(step(result.stdout, "A2").manual).toEqual([0.4213767598]);
    expect(step(result.stdout, "dZ2").autograd).toEqual([-0.1410789846]);
    expect(step(result.stdout, "dA2").autograd).toEqual([-0.5786232402]);
  });

  it("ends 004 with the update the document prints at lr 0.1: the change in W1 and W2 and the new weights", async () => {
    const result = await runCli(["explain", "--example", "004", "--out", tempDir()]);
    expect(result.stdout).toContain("--- Update: gradient descent at lr 0.1 (the weights only, as the document) ---");
    // The document's [in, out] numbers, transposed to dagrad's [out, in].
    const round = (v: number[]) => v.map((x) => Number(x.toFixed(4)));
    expect(round(step(result.stdout, "ΔW1").manual)).toEqual([0, 0.0012, 0, 0.0014]);
    expect(round(step(result.stdout, "new W1").autograd)).toEqual([-0.083, -0.5011, 0.2203, -0.1991]);
    expect(round(step(result.stdout, "ΔW2").autograd)).toEqual([-0.0053, -0.0064]);
    expect(round(step(result.stdout, "new W2").manual)).toEqual([-0.3479, -0.4013]);
    expect(result.stdout).not.toMatch(/^Δb/m);
  });

  it("--lr adds an update of every weight and bias to any example", async () => {
    const result = await runCli(["explain", "--example", "001", "--lr", "0.5", "--out", tempDir()]);
    expect(result.stdout).toContain("--- Update: gradient descent at lr 0.5 ---");
    // W2 = [0.5, 0.6] and dW2 = [-0.045, -0.099] in 001.
    expect(step(result.stdout, "new W2").manual).toEqual([0.5225, 0.6495]);
    expect(step(result.stdout, "new b2").autograd).toEqual([0.045]);
    const refused = join(tempDir(), "not-made");
    expect((await runCli(["explain", "--lr", "0", "--out", refused])).stderr).toBe('dagrad: --lr must be a finite number > 0, got "0"\n');
    expect(existsSync(refused)).toBe(false);
  });

  it("writes explain.html: the equations, then every step's formula and both paths' values as matrices", async () => {
    const out = tempDir();
    const result = await runCli(["explain", "--example", "001", "--out", out]);
    expect(result.stdout).toContain(`Wrote ${join(out, "explain.html")}: the equations and every value above as matrices`);
    const html = readFileSync(join(out, "explain.html"), "utf8");
    expect(html).toContain("<h2>The equations</h2>");
    expect(html).toContain("dWₗ = dZₗᵀ Aₗ₋₁");
    expect([...html.matchAll(/<div class="step"><h3>(\w+) = /g)].map((m) => m[1])).toEqual(["Z1", "A1", "Z2", "A2", "loss", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]);
    // 001's loss and dW1, each printed once by the manual formulas and once by autograd.
    expect(html.match(/<td>0\.0040500000<\/td>/g)).toHaveLength(2);
    expect(html.match(/<td>-0\.1080000000<\/td>/g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("explains a seeded random network of the user's size over a batch", async () => {
    const out = tempDir();
    const result = await runCli(["explain", "--layers", "3,2", "--inputs", "4", "--samples", "2", "--seed", "7", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("random MLP [4, 3, 2, 1], tanh hidden, sigmoid output, bce loss, seed 7");
    expect(step(result.stdout, "Z1").manual).toHaveLength(6);
    expect(step(result.stdout, "dW1").manual).toHaveLength(12);
    const again = await runCli(["explain", "--layers", "3,2", "--inputs", "4", "--samples", "2", "--seed", "7", "--out", out]);
    expect(again.stdout).toBe(result.stdout);
  });
});

describe("dagrad gradcheck", () => {
  it("passes every parameter at 001's threshold, with a row per parameter", async () => {
    const result = await runCli(["gradcheck", "--layers", "4,3", "--activation", "sigmoid"]);
    expect(result.code).toBe(0);
    const rows = result.stdout.split("\n").filter((l) => l.startsWith("layers."));
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "layers.4.weight", "layers.4.bias"]);
    for (const row of rows) {
      const [, , , numerical, manual, , verdict] = row.split(/\s+/);
      expect(Number(numerical)).toBeLessThan(1e-5);
      expect(Number(manual)).toBeLessThan(1e-12);
      expect(verdict).toBe("pass");
    }
    expect(result.stdout).toContain("All 6 parameters pass.");
  });

  it("tells a deep sigmoid net's vanishing gradients (below central differences' resolution) from a failure: exit code 0", async () => {
    const result = await runCli(["gradcheck", "--layers", new Array(20).fill("4").join(","), "--activation", "sigmoid"]);
    expect(result.code, result.stdout).toBe(0);
    const rows = result.stdout.split("\n").filter((l) => l.startsWith("layers."));
    expect(rows).toHaveLength(42);
    const verdict = (row: string) => row.split(/ {2,}/).at(-1);
    const norm = (row: string) => Number(row.split(/ {2,}/)[2]);
    // Layer 1's gradient is about 1e-13: central differences at eps 1e-5 see only rounding.
    expect(verdict(rows[0]!)).toBe("below resolution");
    expect(norm(rows[0]!)).toBeLessThan(1e-12);
    expect(verdict(rows[41]!)).toBe("pass");
    expect(rows.every((r) => verdict(r) === "pass" || verdict(r) === "below resolution")).toBe(true);
    expect(result.stdout).toMatch(/^No parameter fails: \d+ pass; \d+ are below central differences' resolution \(off by no more than their rounding noise\), and on those autograd and the manual formulas agree to \d\.\de-1[5-7]\.$/m);
  });

  it("a threshold below what central differences can reach is a resolution limit, not a failure", async () => {
    const result = await runCli(["gradcheck", "--threshold", "1e-15"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/FAIL/);
    expect(result.stdout).toMatch(/below resolution/);
  });

  it("fails, with exit code 1, where central differences are off by more than rounding: a step of 0.1 leaves a truncation error", async () => {
    const result = await runCli(["gradcheck", "--eps", "0.1"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^layers\.0\.weight .* FAIL: numerical$/m);
    expect(result.stdout).toMatch(/^\d of 4 parameters FAIL: \d where it differs from central differences by more than their rounding noise\.$/m);
  });
});

describe("dagrad graph", () => {
  it("prints DOT and writes graph.dot and graph.svg of 000's network", async () => {
    const out = tempDir();
    const result = await runCli(["graph", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith("digraph dagrad {")).toBe(true);
    expect(readFileSync(join(out, "graph.dot"), "utf8")).toBe(result.stdout.slice(0, result.stdout.indexOf("}\n") + 2));
    const svg = parseXml(readFileSync(join(out, "graph.svg"), "utf8"));
    const parameters = byClass(svg, "parameter").map((g) => g.children.filter((c) => c.tag === "text").map((t) => t.text));
    expect(parameters.map((lines) => lines[0]).sort()).toEqual(["layers.0.bias", "layers.0.weight", "layers.2.bias", "layers.2.weight"]);
    for (const lines of parameters) expect(lines[2]).toMatch(/^\|grad\| \d\.\d{3}/);
    expect(byClass(svg, "edge").length).toBeGreaterThan(10);
    expect(result.stdout).toContain("loss 0.4273148292");
  });
});
