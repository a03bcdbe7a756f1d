// dagrad experiment and dagrad activations on small settings: the tables on
// stdout and the pictures in the output folder.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { byClass, parseXml, pathPoints } from "../report/svg-dom.js";
import { runCli, tempDir } from "./run-cli.js";

function tableRows(stdout: string, firstHeader: string): string[][] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith(firstHeader) && l.includes(" | "));
  return lines.slice(start + 2).filter((l) => l.includes(" | ")).map((l) => l.split("|").map((c) => c.trim()));
}

describe("dagrad experiment", () => {
  it("hidden-sizes: a row and a decision boundary per hidden size", async () => {
    const out = tempDir();
    const result = await runCli(["experiment", "hidden-sizes", "--epochs", "100", "--out", out]);
    expect(result.code).toBe(0);
    const rows = tableRows(result.stdout, "hidden size");
    expect(rows.map((r) => r[0])).toEqual(["2", "4", "8", "16", "32"]);
    for (const r of rows) expect(Number(r[1])).toBeGreaterThan(0.5);
    const svg = parseXml(readFileSync(join(out, "hidden-sizes.svg"), "utf8"));
    expect(byClass(svg, "boundary")).toHaveLength(5);
    expect(byClass(svg, "point")).toHaveLength(5 * 60);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { table: { rows: unknown[] } };
    expect(results.table.rows).toHaveLength(5);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("<svg ");
  });

  it("depth: sigmoid's first-layer gradient is orders of magnitude below ReLU + He's", async () => {
    const out = tempDir();
    const result = await runCli(["experiment", "depth", "--epochs", "5", "--depth", "8", "--out", out]);
    expect(result.code).toBe(0);
    const rows = tableRows(result.stdout, "network");
    expect(rows.map((r) => r[0])).toEqual(["sigmoid, Xavier", "ReLU + He init", "sigmoid + BatchNorm", "sigmoid + residual", "ReLU, N(0, 1) weights", "ReLU, N(0, 1) + clip norm 1"]);
    const first = (label: string) => Number(rows.find((r) => r[0] === label)![1]);
    expect(first("sigmoid, Xavier") * 1e3).toBeLessThan(first("ReLU + He init"));
    expect(first("ReLU, N(0, 1) weights")).toBeGreaterThan(100 * first("ReLU + He init"));
    const perLayer = parseXml(readFileSync(join(out, "depth-gradient-per-layer.svg"), "utf8"));
    expect(byClass(perLayer, "series")).toHaveLength(6);
    // Clipping the gradient norm keeps the N(0, 1) network from the overflow that stops the unclipped one.
    expect(rows.find((r) => r[0] === "ReLU, N(0, 1) + clip norm 1")![5]).toBe("-");
  });

  it.each([
    ["activations", "activation", ["sigmoid", "tanh", "relu"], "activations-loss.svg"],
    ["init", "init", ["zeros", "small normal (std 0.01)", "Xavier", "He"], "init-loss.svg"],
    ["lr", "learning rate", ["0.01", "0.1", "0.5", "1"], "lr-loss.svg"],
  ] as const)("%s: one row and one loss curve per setting", async (name, header, labels, picture) => {
    const out = tempDir();
    const result = await runCli(["experiment", name, "--epochs", "60", "--out", out]);
    expect(result.code).toBe(0);
    expect(tableRows(result.stdout, header).map((r) => r[0])).toEqual([...labels]);
    const svg = parseXml(readFileSync(join(out, picture), "utf8"));
    expect(byClass(svg, "series").map((s) => s.attrs["data-name"])).toEqual(labels.map((l) => (name === "lr" ? `lr ${l}` : l)));
  });

  it("landscape: a row per network and depth, a loss surface per row on one colour scale, sharpness along training, reproducible", async () => {
    const [out, again] = [tempDir(), tempDir()];
    const args = ["experiment", "landscape", "--depths", "1,3", "--epochs", "20", "--grid", "5"];
    const [result, repeat] = await Promise.all([runCli([...args, "--out", out]), runCli([...args, "--out", again])]);
    expect(result.code, result.stderr).toBe(0);
    const rows = tableRows(result.stdout, "network");
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual([
      "sigmoid, Xavier 1", "sigmoid, Xavier 3", "ReLU, He 1", "ReLU, He 3",
      "ReLU, He, residual 1", "ReLU, He, residual 3", "sigmoid, Xavier, batch norm 1", "sigmoid, Xavier, batch norm 3",
    ]);
    for (const r of rows) {
      // λmax at the start and at the end, and the loss at α = ±1: numbers, not "-".
      expect(Number(r[4])).toBeGreaterThan(0);
      expect(Number(r[5])).toBeGreaterThan(0);
      expect(Number(r[6])).toBeGreaterThan(0);
    }
    const surfaces = parseXml(readFileSync(join(out, "landscape-2d.svg"), "utf8"));
    expect(byClass(surfaces, "marker")).toHaveLength(8);
    expect(byClass(surfaces, "colorbar-title").map((t) => t.text)).toEqual(["Training loss (log scale)"]);
    const sharpness = parseXml(readFileSync(join(out, "sharpness.svg"), "utf8"));
    // Four panels of two depths; each line has the start and 10 points along training.
    const lines = byClass(sharpness, "series");
    expect(lines).toHaveLength(8);
    for (const line of lines) expect(pathPoints(line.attrs.d!)).toHaveLength(11);
    for (const file of ["landscape-1d.svg", "landscape-path.svg", "report.html"]) expect(readFileSync(join(out, file), "utf8")).toContain("<svg ");
    expect(repeat.code).toBe(0);
    expect(readFileSync(join(again, "results.json"), "utf8")).toBe(readFileSync(join(out, "results.json"), "utf8"));
    expect(readFileSync(join(again, "landscape-2d.svg"), "utf8")).toBe(readFileSync(join(out, "landscape-2d.svg"), "utf8"));
  });

  it("landscape: refuses an even grid and no depths", async () => {
    expect((await runCli(["experiment", "landscape", "--grid", "4"])).stderr).toBe("dagrad: --grid must be odd (so the trained weights are on it) and at most 201, got 4\n");
    expect((await runCli(["experiment", "landscape", "--depths", ""])).stderr).toBe("dagrad: --depths needs at least one depth, e.g. 2,5,10,20\n");
  });

  it("init: all-zero weights never leave the starting loss log(2)", async () => {
    const result = await runCli(["experiment", "init", "--epochs", "200", "--out", tempDir()]);
    const zeros = tableRows(result.stdout, "init").find((r) => r[0] === "zeros")!;
    expect(Math.abs(Number(zeros[2]) - Math.log(2))).toBeLessThan(2e-3);
  });
});

describe("dagrad activations", () => {
  it("plots five functions and their autograd derivatives, and prints sigmoid's peak 0.25", async () => {
    const out = tempDir();
    const result = await runCli(["activations", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Sigmoid\s+derivative max 0\.2500 at z = 0\.00;/m);
    expect(result.stdout).toMatch(/^Tanh\s+derivative max 1\.0000 at z = 0\.00;/m);
    const svg = parseXml(readFileSync(join(out, "activations.svg"), "utf8"));
    expect(byClass(svg, "series")).toHaveLength(10);
    expect(byClass(svg, "title").map((t) => t.text)).toContain("Sigmoid derivative");
  });
});
