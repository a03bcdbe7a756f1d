// dagrad train, evaluate and predict on small settings: output lines, exit
// codes and the run folder they write and read.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { byClass, parseXml } from "../report/svg-dom.js";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

describe("dagrad train on moons", () => {
  const out = join(tempDir(), "moons");
  let result: CliResult;
  beforeAll(async () => {
    result = await runCli(["train", "--epochs", "300", "--log-every", "100", "--out", out]);
  });

  it("prints the documents' epoch lines when not on a terminal, then final metrics", () => {
    expect(result.code).toBe(0);
    const epochs = [...result.stdout.matchAll(/^Epoch +(\d+): Loss = (\d+\.\d{4}), Accuracy = (\d\.\d{4})$/gm)];
    expect(epochs.map((m) => Number(m[1]))).toEqual([1, 100, 200, 300]);
    // The loss falls as it learns.
    expect(Number(epochs[3]![2])).toBeLessThan(Number(epochs[0]![2]));
    expect(result.stdout).toMatch(/^Train: loss \d+\.\d{4}, accuracy \d\.\d{4}$/m);
    expect(result.stdout).toMatch(/^Test: {2}loss \d+\.\d{4}, accuracy \d\.\d{4}$/m);
    expect(result.stdout).toContain(`Report: ${join(out, "report.html")}`);
    expect(result.stdout).not.toContain("\r");
  });

  it("writes the model, the history, the metrics, the pictures and report.html", () => {
    for (const file of ["config.json", "model.json", "history.json", "metrics.json", "report.html", "loss.svg", "loss-after-100.svg", "accuracy.svg", "gradient-flow.svg", "data.svg", "decision-boundary.svg"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { epochs: { epoch: number; gradNorms: Record<string, number> }[] };
    expect(history.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(Object.keys(history.epochs[0]!.gradNorms)).toEqual(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { testAccuracy: number; epochsRun: number; interrupted: boolean };
    expect(metrics.epochsRun).toBe(300);
    expect(metrics.interrupted).toBe(false);
    expect(result.stdout).toContain(`accuracy ${metrics.testAccuracy.toFixed(4)}`);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html.match(/<svg /g)).toHaveLength(9);
  });

  it("keeps train and test in one colour each in every chart", () => {
    for (const file of ["loss.svg", "loss-after-100.svg", "accuracy.svg"]) {
      const colours = Object.fromEntries(byClass(parseXml(readFileSync(join(out, file), "utf8")), "series").map((s) => [s.attrs["data-name"], s.attrs.stroke]));
      expect(colours, file).toEqual({ train: "#1f77b4", test: "#ff7f0e" });
    }
  });

  it("draws each layer's update-to-weight ratio, the tanh layer's saturation and the trained weights' histograms", () => {
    const ratio = parseXml(readFileSync(join(out, "update-ratio.svg"), "utf8"));
    expect(byClass(ratio, "series").map((s) => s.attrs["data-name"])).toEqual(["Layer 1 (2→8)", "Layer 2 (8→1)"]);
    expect(byClass(ratio, "reference")).toHaveLength(1);
    const saturation = parseXml(readFileSync(join(out, "saturation.svg"), "utf8"));
    expect(byClass(saturation, "series").map((s) => s.attrs["data-name"])).toEqual(["Layer 1 (2→8)"]);
    const histograms = parseXml(readFileSync(join(out, "weight-histograms.svg"), "utf8"));
    expect(byClass(histograms, "bar")).toHaveLength(2 * 30);
    expect(byClass(histograms, "title").map((t) => t.text)).toEqual(["Trained weights by layer", "Layer 1 (2→8)", "Layer 2 (8→1)"]);
  });

  it("measures the hidden layers' activity on the training rows about 100 times a run, first and last epoch included", () => {
    const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { epochs: { epoch: number; activity?: { layer: number; saturated: number }[] }[] };
    const measured = history.epochs.filter((r) => r.activity !== undefined);
    expect(measured.map((r) => r.epoch)).toEqual([1, ...Array.from({ length: 100 }, (_, i) => 3 * (i + 1))]);
    for (const r of measured) {
      expect(r.activity!.map((a) => a.layer)).toEqual([1]);
      expect(r.activity![0]!.saturated).toBeGreaterThanOrEqual(0);
      expect(r.activity![0]!.saturated).toBeLessThanOrEqual(1);
    }
  });

  it("draws 000 section 3's training and test data side by side, every point of each part", () => {
    const svg = parseXml(readFileSync(join(out, "data.svg"), "utf8"));
    expect(byClass(svg, "title").map((t) => t.text)).toEqual(["Training data (240 points)", "Test data (60 points)"]);
    expect(byClass(svg, "point")).toHaveLength(300);
  });

  it("draws the 60 test points and a boundary on the decision-boundary picture", () => {
    const svg = parseXml(readFileSync(join(out, "decision-boundary.svg"), "utf8"));
    expect(byClass(svg, "point")).toHaveLength(60);
    expect(byClass(svg, "boundary")[0]!.attrs.d!.length).toBeGreaterThan(100);
  });

  it("evaluate reloads the run and finds the same test accuracy", async () => {
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { testAccuracy: number; trainAccuracy: number };
    const evaluation = await runCli(["evaluate", "--run", out]);
    expect(evaluation.code).toBe(0);
    expect(evaluation.stdout).toContain(`Test:  60 samples, loss`);
    expect(evaluation.stdout).toContain(`accuracy ${metrics.testAccuracy.toFixed(4)}`);
    expect(evaluation.stdout).toContain(`accuracy ${metrics.trainAccuracy.toFixed(4)}`);
  });

  it("predict classifies points given in the data's own units", async () => {
    // (0, 1) is the top of moon 0 and (1, -0.5) the bottom of moon 1 in make_moons' coordinates.
    const prediction = await runCli(["predict", "--run", out, "--input", "0,1;1,-0.5"]);
    expect(prediction.code).toBe(0);
    const lines = prediction.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^\[0, 1\] -> class 0 \(p\(class 1\) = 0\.\d{4}\)$/);
    expect(lines[1]).toMatch(/^\[1, -0\.5\] -> class 1 \(p\(class 1\) = 0\.\d{4}\)$/);
  });

  it("predict rejects a point with the wrong number of features", async () => {
    const prediction = await runCli(["predict", "--run", out, "--input", "1,2,3"]);
    expect(prediction.code).toBe(2);
    expect(prediction.stderr).toBe('dagrad: --input: point 1 "1,2,3" must be 2 comma-separated numbers\n');
  });
});

describe("dagrad train, other data", () => {
  it("learns XOR with one hidden layer", async () => {
    const out = join(tempDir(), "xor");
    const result = await runCli(["train", "--data", "xor", "--layers", "4", "--epochs", "2000", "--log-every", "1000", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Test:  loss");
    expect(result.stdout).toMatch(/^Test: {2}loss \d\.\d{4}, accuracy 1\.0000$/m);
  });

  it("trains a small MNIST model and draws its weights, confusion matrix and mistakes", async () => {
    const out = join(tempDir(), "mnist");
    const result = await runCli(["train", "--data", "mnist", "--samples", "600", "--epochs", "2", "--layers", "16", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Training MLP \[784, 16, 10\] \(relu hidden, identity output, crossEntropy loss\) on mnist: 480 train \/ 120 test samples$/m);
    const weights = parseXml(readFileSync(join(out, "first-layer-weights.svg"), "utf8"));
    expect(byClass(weights, "image")).toHaveLength(16);
    const confusion = parseXml(readFileSync(join(out, "confusion-matrix.svg"), "utf8"));
    const counts = byClass(confusion, "count").map((t) => Number(t.text));
    expect(counts).toHaveLength(100);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(120);
    expect(existsSync(join(out, "misclassified.svg"))).toBe(true);
  });
});

describe("dagrad train --capture", () => {
  const cases: [string, string[]][] = [
    ["", []],
    [", with dropout and batch norm", ["--dropout", "0.2", "--batch-norm"]],
  ];
  for (const [what, extra] of cases) it(`writes the same model, history and metrics as the run through the graph, byte for byte (but the seconds)${what}`, async () => {
    const dir = tempDir();
    const args = ["train", "--epochs", "60", "--batch-size", "50", "--optimizer", "adam", "--lr", "0.01", ...extra];
    const plain = await runCli([...args, "--out", join(dir, "plain")]);
    const captured = await runCli([...args, "--capture", "--out", join(dir, "captured")]);
    expect([plain.code, captured.code]).toEqual([0, 0]);
    for (const file of ["model.json", "history.json", "config.json"]) {
      expect(readFileSync(join(dir, "captured", file), "utf8"), file).toBe(readFileSync(join(dir, "plain", file), "utf8"));
    }
    const metrics = (folder: string): Record<string, unknown> => {
      const { seconds: _seconds, ...rest } = JSON.parse(readFileSync(join(dir, folder, "metrics.json"), "utf8")) as Record<string, unknown>;
      return rest;
    };
    expect(metrics("captured")).toEqual(metrics("plain"));
  });
});
