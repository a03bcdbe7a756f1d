// Regression from the command line, as 001 derives it (identity output, a
// squared error): the sine and surface sets, CSV files of real-valued targets,
// R² and MSE in train, evaluate and metrics.json, values from predict, and the
// pictures of a fit.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { byClass, parseXml } from "../report/svg-dom.js";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

const json = <T>(dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as T;

function expectUsageError(result: CliResult, message: string): void {
  expect(result.code, result.stdout).toBe(2);
  expect(result.stderr).toBe(`dagrad: ${message}\n`);
}

describe("train --data sine", () => {
  let out: string, result: CliResult;
  beforeAll(async () => {
    out = tempDir();
    result = await runCli(["train", "--data", "sine", "--epochs", "600", "--log-every", "200", "--out", out]);
  });

  it("fits a noisy sine with an identity output and MSE, reporting R² and MSE where a classifier reports accuracy", () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Training MLP [1, 8, 1] (tanh hidden, identity output, mse loss) on sine: 240 train / 60 test samples");
    expect(result.stdout).toMatch(/^Epoch  200: Loss = \d\.\d{4}, R² = 0\.\d{4}$/m);
    const test = result.stdout.match(/^Test: {2}loss (\d\.\d{4}), R² (\S+), MSE (\S+)$/m)!;
    expect(Number(test[2])).toBeGreaterThan(0.85);
    expect(test[3]).toBe(test[1]); // the loss is the MSE
    const metrics = json<Record<string, number>>(out, "metrics.json");
    expect(Object.keys(metrics)).toEqual(["epochsRun", "interrupted", "diverged", "seconds", "trainLoss", "trainR2", "trainMse", "testLoss", "testR2", "testMse"]);
    expect(metrics.testR2!.toFixed(4)).toBe(test[2]);
    expect(json<{ task: string; classes: number }>(out, "config.json")).toMatchObject({ task: "regression", classes: 0 });
  });

  it("draws the fitted curve through the points, R² per epoch, and predicted against true", () => {
    const fit = parseXml(readFileSync(join(out, "fit.svg"), "utf8"));
    expect(byClass(fit, "point")).toHaveLength(300);
    expect(byClass(fit, "train")).toHaveLength(240);
    expect(byClass(fit, "model")).toHaveLength(1);
    expect(byClass(parseXml(readFileSync(join(out, "r2.svg"), "utf8")), "series").map((s) => s.attrs["data-name"])).toEqual(["train", "test"]);
    expect(byClass(parseXml(readFileSync(join(out, "predicted-vs-true.svg"), "utf8")), "point")).toHaveLength(300);
    expect(Object.keys(json<{ files: Record<string, string> }>(out, "manifest.json").files)).not.toContain("decision-boundary.svg");
  });

  it("evaluate reports the same R² and MSE, and predict gives values in the data's own units", async () => {
    const evaluated = await runCli(["evaluate", "--run", out]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const test = result.stdout.match(/^Test: {2}loss (\S+), (R² \S+, MSE \S+)$/m)!;
    expect(evaluated.stdout).toContain(`Test:  60 samples, loss ${test[1]}, ${test[2]}`);
    const predicted = await runCli(["predict", "--run", out, "--input", "1.5708;-1.5708"]);
    expect(predicted.code, predicted.stderr).toBe(0);
    const values = [...predicted.stdout.matchAll(/^\[\S+\] -> (-?\d\.\d{4})$/gm)].map((m) => Number(m[1]));
    expect(values).toHaveLength(2);
    expect(Math.abs(values[0]! - 1)).toBeLessThan(0.2);
    expect(Math.abs(values[1]! + 1)).toBeLessThan(0.2);
  });
});

describe("other regression data", () => {
  it("surface: two inputs, a predicted-surface picture", async () => {
    const out = tempDir();
    const result = await runCli(["train", "--data", "surface", "--epochs", "600", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(Number(result.stdout.match(/^Test: {2}loss \S+, R² (\S+),/m)![1])).toBeGreaterThan(0.6);
    expect(byClass(parseXml(readFileSync(join(out, "surface.svg"), "utf8")), "colorbar-title").map((t) => t.text)).toEqual(["Predicted value"]);
  });

  it("a CSV file of real-valued targets with --task regression; without it, the error says to add it", async () => {
    const dir = tempDir();
    const path = join(dir, "line.csv");
    const rows = Array.from({ length: 80 }, (_, i) => {
      const [a, b] = [Math.sin(i), Math.cos(3 * i)];
      return `${a.toFixed(4)},${b.toFixed(4)},${(2 * a - b + 0.5).toFixed(4)}`;
    });
    writeFileSync(path, rows.join("\n") + "\n");
    const result = await runCli(["train", "--data", `csv:${path}`, "--task", "regression", "--epochs", "400", "--out", join(dir, "run")]);
    expect(result.code, result.stderr).toBe(0);
    expect(Number(result.stdout.match(/^Test: {2}loss \S+, R² (\S+),/m)![1])).toBeGreaterThan(0.95);
    const refused = await runCli(["train", "--data", `csv:${path}`, "--out", join(dir, "other")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the label of data row 1 is \S+, not a class index; labels of classes must be 0, 1, 2, \.\.\. \(one per class\), and for real-valued targets add --task regression\n$/);
  });

  it("refuses a classification loss or a squashing output for regression, and --task for a built-in set", async () => {
    expectUsageError(await runCli(["train", "--data", "sine", "--loss", "bce"]), "--output sigmoid (the default) with --loss bce on sine (regression): bce compares classes; regression predicts real numbers: use loss mse or halfSquaredError");
    expectUsageError(await runCli(["train", "--data", "sine", "--output", "sigmoid"]), "--output sigmoid with --loss mse (the default) on sine (regression): a sigmoid squashes every output into (0, 1), so most real targets cannot be reached; use output identity");
    expectUsageError(await runCli(["train", "--data", "moons", "--task", "regression"]), "--task does not apply to moons; leave it out");
  });
});
