// One decision rule on every path of the command: train's accuracy, evaluate,
// the confusion matrix, predict's printout and the pictures read a model's
// outputs through the same ClassifierHead, and combinations that cannot mean
// anything are refused before training.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/args.js";
import { resolveHead } from "../../src/cli/options.js";
import { byClass, byTag, parseXml } from "../report/svg-dom.js";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

/** "Test:  loss 0.1234, accuracy 0.9500" -> 0.95 */
function accuracyOf(stdout: string, part: "Train" | "Test"): number {
  return Number(new RegExp(`^${part}:.*accuracy (\\d\\.\\d{4})$`, "m").exec(stdout)![1]);
}

/** Colour of a raster run "#rrggbb": is it on the class-0 (blue) side? */
const bluish = (hex: string) => parseInt(hex.slice(5, 7), 16) > parseInt(hex.slice(1, 3), 16) + 16;
const reddish = (hex: string) => parseInt(hex.slice(1, 3), 16) > parseInt(hex.slice(5, 7), 16) + 16;

describe("resolveHead fills in the name left out to fit the other, and refuses what cannot mean anything", () => {
  it.each([
    [{}, 2, "sigmoid", "bce", 1],
    [{}, 3, "identity", "crossEntropy", 3],
    [{ loss: "crossEntropy" }, 2, "identity", "crossEntropy", 2],
    [{ loss: "bceWithLogits" }, 2, "identity", "bceWithLogits", 1],
    [{ loss: "mse" }, 2, "sigmoid", "mse", 1],
    [{ loss: "mse" }, 3, "identity", "mse", 3],
    [{ output: "identity" }, 2, "identity", "bceWithLogits", 1],
    [{ output: "identity" }, 3, "identity", "crossEntropy", 3],
  ] as const)("%o on %i classes: %s output, %s loss, %i outputs", (choice, classes, output, loss, outputs) => {
    const head = resolveHead(choice, classes, "data");
    expect([head.output, head.loss, head.outputs]).toEqual([output, loss, outputs]);
  });

  it("says which names the user gave, which were defaults, the data and what to use instead", () => {
    expect(() => resolveHead({ output: "softmax" }, 3, "spirals")).toThrow(UsageError);
    expect(() => resolveHead({ output: "softmax" }, 3, "spirals")).toThrow("--output softmax with --loss crossEntropy (the default) on spirals (3 classes): crossEntropy takes raw scores and applies log-softmax itself, so a softmax output would squash twice; use output identity (the softmax of its outputs gives the probabilities)");
    expect(() => resolveHead({ output: "softmax" }, 2, "moons")).toThrow("--output softmax with --loss bce (the default) on moons (2 classes): bce takes one probability per sample from a sigmoid");
    expect(() => resolveHead({ loss: "bce" }, 3, "blobs")).toThrow("--output sigmoid (the default) with --loss bce on blobs (3 classes): bce is for two classes (one output); for 3 classes use loss crossEntropy with output identity");
  });
});

describe("an identity output trained with MSE on XOR (001's network) is read as values, on every path", () => {
  const out = join(tempDir(), "xor");
  let trained: CliResult;
  beforeAll(async () => {
    trained = await runCli(["train", "--data", "xor", "--layers", "4", "--output", "identity", "--loss", "mse", "--epochs", "2000", "--log-every", "1000", "--out", out]);
  });

  it("train and evaluate: accuracy 1 by the 0.5 threshold", async () => {
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain("Training MLP [2, 4, 1] (tanh hidden, identity output, mse loss) on xor: 4 train / 4 test samples");
    expect(accuracyOf(trained.stdout, "Test")).toBe(1);
    const evaluation = await runCli(["evaluate", "--run", out]);
    expect(accuracyOf(evaluation.stdout, "Test")).toBe(1);
  });

  it("predict prints each point's class and output value, not a sigmoid of it called a probability", async () => {
    const result = await runCli(["predict", "--run", out, "--input", "0,0;0,1;1,0;1,1"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.map((l) => Number(/-> class (\d)/.exec(l)![1]))).toEqual([0, 1, 1, 0]);
    for (const line of lines) expect(line).toMatch(/^\[\d, \d\] -> class \d \(output \d\.\d{4}, class 1 above 0\.5\)$/);
    expect(result.stdout).not.toContain("p(class 1)");
  });

  it("the decision boundary shows output values (labelled so) with both classes' regions and the 0.5 line", () => {
    const svg = parseXml(readFileSync(join(out, "decision-boundary.svg"), "utf8"));
    expect(byClass(svg, "title")[0]!.text).toBe("Decision boundary (test accuracy 1.000)");
    expect(byClass(svg, "colorbar-title").map((t) => t.text)).toEqual(["Output value"]);
    expect(byClass(svg, "colorbar-label").map((t) => t.text)).toEqual(["≤ 0", "0.5", "≥ 1"]);
    const fills = byTag(byClass(svg, "raster")[0]!, "path").map((p) => p.attrs.fill!);
    expect(fills.some(bluish)).toBe(true);
    expect(fills.some(reddish)).toBe(true);
    expect(byClass(svg, "boundary")[0]!.attrs.d!.length).toBeGreaterThan(100);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("the network's output value over the input range (not a probability: identity output with mse)");
    expect(html).not.toContain("P(class 1)");
  });
});

describe("crossEntropy on two classes means two logits and class-index targets, as in PyTorch", () => {
  const out = join(tempDir(), "moons-ce");
  let trained: CliResult;
  beforeAll(async () => {
    trained = await runCli(["train", "--loss", "crossEntropy", "--epochs", "300", "--log-every", "1000", "--out", out]);
  });

  it("trains an MLP [2, 8, 2] whose test accuracy evaluate reproduces", async () => {
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain("Training MLP [2, 8, 2] (tanh hidden, identity output, crossEntropy loss) on moons");
    expect(accuracyOf(trained.stdout, "Test")).toBeGreaterThan(0.8);
    const evaluation = await runCli(["evaluate", "--run", out]);
    expect(accuracyOf(evaluation.stdout, "Test")).toBe(accuracyOf(trained.stdout, "Test"));
  });

  it("predict prints the softmax of the two logits and the class of the larger", async () => {
    const result = await runCli(["predict", "--run", out, "--input", "0,1;1,-0.5"]);
    const rows = [...result.stdout.matchAll(/-> class (\d) \(p = \[(0\.\d{4}), (0\.\d{4})\]\)/g)];
    expect(rows).toHaveLength(2);
    expect(rows.map((m) => Number(m[1]))).toEqual([0, 1]);
    for (const [, c, p0, p1] of rows) {
      expect(Number(p0) + Number(p1)).toBeCloseTo(1, 3);
      expect(Number(p1) > Number(p0) ? 1 : 0).toBe(Number(c));
    }
  });
});

describe("three classes with MSE on one-hot targets: argmax of values on every path", () => {
  it("train, evaluate, its confusion matrix, the confusion picture and predict agree", async () => {
    const out = join(tempDir(), "spirals-mse");
    const trained = await runCli(["train", "--data", "spirals", "--loss", "mse", "--layers", "16", "--epochs", "300", "--log-every", "1000", "--out", out]);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain("Training MLP [2, 16, 3] (tanh hidden, identity output, mse loss) on spirals");
    const accuracy = accuracyOf(trained.stdout, "Test");
    const evaluation = await runCli(["evaluate", "--run", out]);
    expect(accuracyOf(evaluation.stdout, "Test")).toBe(accuracy);
    const matrix = [...evaluation.stdout.matchAll(/^ +(\d) \| +(\d+) +(\d+) +(\d+)$/gm)].map((m) => [Number(m[2]), Number(m[3]), Number(m[4])]);
    expect(matrix).toHaveLength(3);
    expect((matrix[0]![0]! + matrix[1]![1]! + matrix[2]![2]!) / 60).toBeCloseTo(accuracy, 4);
    const counts = byClass(parseXml(readFileSync(join(out, "confusion-matrix.svg"), "utf8")), "count").map((t) => Number(t.text));
    expect(counts).toEqual(matrix.flat());
    const prediction = await runCli(["predict", "--run", out, "--input", "0,0.5"]);
    expect(prediction.stdout).toMatch(/^\[0, 0\.5\] -> class \d \(outputs \[-?\d\.\d{4}, -?\d\.\d{4}, -?\d\.\d{4}\]\)$/m);
  });
});

describe("combinations that cannot mean anything stop before training, with exit code 2 and one line", () => {
  it.each([
    [["--output", "softmax", "--loss", "bce"], "--output softmax with --loss bce on moons (2 classes): bce takes one probability per sample from a sigmoid; use output sigmoid (or output identity with loss crossEntropy)"],
    [["--output", "sigmoid", "--loss", "bceWithLogits"], "--output sigmoid with --loss bceWithLogits on moons (2 classes): bceWithLogits takes raw scores and applies the sigmoid itself, so a sigmoid output would squash twice; use output identity (or output sigmoid with loss bce)"],
    [["--output", "sigmoid", "--loss", "crossEntropy"], "--output sigmoid with --loss crossEntropy on moons (2 classes): crossEntropy takes raw scores and applies log-softmax itself, so a sigmoid output would squash twice; use output identity (the softmax of its outputs gives the probabilities)"],
    [["--output", "softmax", "--loss", "mse"], "--output softmax with --loss mse on moons (2 classes): two classes with a squared error get one output, and a softmax of one value is always 1; use output sigmoid or identity"],
  ])("train %j", async (args, message) => {
    const out = join(tempDir(), "refused");
    const result = await runCli(["train", ...args, "--out", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`dagrad: ${message}\n`);
    expect(result.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });
});
