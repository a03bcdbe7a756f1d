// Runs that blow up: fit stops with a TrainingError (reason "loss", "gradient"
// or "weights", its epoch and parameter), and the experiments report that
// error's epoch and cause and no final loss or accuracy (their models' numbers
// mean nothing), in the tables, the logs and the pictures; train says so
// instead of printing an accuracy.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type TrainedRun, boundaryPanel, lossSeries, trainRun } from "../../src/cli/experiments/common.js";
import { gradientNormsAtStart } from "../../src/cli/experiments/depth.js";
import { divergenceCause, prepareData } from "../../src/cli/setup.js";
import { fitInSlices } from "../../src/cli/train-loop.js";
import { ClassifierHead, MLP, SGD, TrainingError, fit, init } from "../../src/nn/index.js";
import { toSvg } from "../../src/report/index.js";
import { byClass, parseXml } from "../report/svg-dom.js";
import { runCli, tempDir } from "./run-cli.js";

// The data every experiment trains on by default.
const data = prepareData({ data: "moons", samples: 300, noise: 0.2, testSize: 0.2, seed: 42, standardize: true, scaleOn: "train", csvHeader: false, task: "classification" });
const logits = new ClassifierHead({ output: "identity", loss: "bceWithLogits", classes: 2 });
const probabilities = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });

function settings(epochs: number, log: string[] = []) {
  return { data, epochs, seed: 42, shouldStop: () => false, log: (line: string) => { log.push(line); } };
}

/** 001's exploding net, as `dagrad experiment depth` builds it: ten ReLU layers of 16 with N(0, 1) weights. */
function explodingNet(depth = 10): MLP {
  return new MLP({ sizes: [2, ...new Array<number>(depth).fill(16), 1], activation: "relu", outputActivation: "identity", seed: 42, init: (w, rng) => { init.normal(w, 0, 1, { rng }); } });
}

/** The lab's 2-4-1 net of `dagrad experiment lr`. */
function labNet(): MLP {
  return new MLP({ sizes: [2, 4, 1], activation: "relu", outputActivation: "sigmoid", init: "xavier", seed: 42 });
}

/** A net whose loss overflows: identity output, weights of 1e10. */
function overflowingNet(): MLP {
  return new MLP({ sizes: [2, 8, 1], activation: "identity", outputActivation: "identity", seed: 1, init: (w) => { w.data.fill(1e10); } });
}

/** The TrainingError fit itself throws for this net, head and learning rate on the experiments' data (full batch). */
function fitError(model: MLP, head: ClassifierHead, lr: number, epochs = 50): TrainingError {
  try {
    fit(model, { x: data.xTrain, y: head.encode(data.labelsTrain) }, { loss: head.loss, optimizer: new SGD(model.parameters(), { lr }), epochs });
  } catch (e) {
    if (e instanceof TrainingError) return e;
    throw e;
  }
  throw new Error("fit did not diverge");
}

describe("an experiment's run that diverges", () => {
  it("on the loss: reports fit's TrainingError, its epoch and cause, and no final loss or accuracy", async () => {
    const error = fitError(overflowingNet(), logits, 10);
    expect(error.reason).toBe("loss");
    const log: string[] = [];
    const run = await trainRun("overflow", overflowingNet(), logits, settings(50, log), { lr: 10 });
    expect(run.diverged).toMatchObject({ reason: error.reason, epoch: error.epoch, step: error.step, message: error.message });
    expect(run.records).toHaveLength(error.epoch - 1);
    expect(run.testAccuracy).toBeNull();
    expect(run.finalLoss).toBeNull();
    expect(log).toEqual([expect.stringMatching(new RegExp(`^overflow +diverged at epoch ${error.epoch}: the loss became ${error.loss} \\(${error.epoch - 1} epochs, `))]);
  });

  it("001's ReLU net with N(0, 1) weights stops at fit's epoch, with finite weights, instead of training on NaN", async () => {
    const error = fitError(explodingNet(), logits, 0.1, 300);
    // Its outputs reach ~1e20 and turn NaN in epoch 3; relu carries the NaN to the loss, so fit stops there.
    expect([error.reason, error.epoch, error.step, error.loss]).toEqual(["loss", 3, 1, NaN]);
    const log: string[] = [];
    const run = await trainRun("ReLU, N(0, 1) weights", explodingNet(), logits, settings(300, log), { lr: 0.1 });
    expect(run.diverged).toMatchObject({ reason: "loss", epoch: 3, step: 1 });
    // Before fit checked gradients it went on for all 300 epochs with NaN weights and reported loss ln 2.
    expect(run.records).toHaveLength(2);
    expect(run.model.parameters().every((p) => p.data.every(Number.isFinite))).toBe(true);
    expect([run.testAccuracy, run.finalLoss]).toEqual([null, null]);
    expect(log[0]).toContain(`diverged at epoch 3: ${divergenceCause(error)} (2 epochs, `);
    expect(divergenceCause(error)).toBe("the loss became NaN");
  });

  it("a divergence after the first ~100 ms slice is reported at the run's epoch, as one fit call reports it", async () => {
    const direct = fitError(explodingNet(), logits, 0.1, 300);
    const model = explodingNet();
    const { records, diverged } = await fitInSlices(model, { x: data.xTrain, y: logits.encode(data.labelsTrain) }, {
      loss: "bceWithLogits", optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 300, seed: 42,
      // Each epoch outlasts a slice, so epoch 3 is the first epoch of the third fit call.
      onEpoch: () => { const until = Date.now() + 110; while (Date.now() < until); },
    });
    expect(records.map((r) => r.epoch)).toEqual([1, 2]);
    expect(diverged).toBeInstanceOf(TrainingError);
    expect(diverged).toMatchObject({ reason: direct.reason, epoch: 3, step: direct.step, parameter: direct.parameter, loss: direct.loss });
    expect(diverged!.message).toBe(direct.message);
  });

  it("says why in words from the error's fields", () => {
    expect(divergenceCause(new TrainingError("m", { reason: "loss", epoch: 4, step: 2, loss: Number.POSITIVE_INFINITY }))).toBe("the loss became Infinity");
    expect(divergenceCause(new TrainingError("m", { reason: "gradient", epoch: 3, step: 1, loss: 1.2345678e20, parameter: "layers.4.weight" }))).toBe("the gradient of layers.4.weight was not finite (loss 1.235e+20)");
    expect(divergenceCause(new TrainingError("m", { reason: "weights", epoch: 1, step: 1, loss: 0.48529, parameter: "layers.0.bias" }))).toBe("the step made layers.0.bias not finite (loss 0.4853 before it)");
  });

  it("says so in legends and boundary panels, and draws no boundary from broken weights", async () => {
    const run = await trainRun("lr 10", overflowingNet(), logits, settings(50), { lr: 10 });
    const epoch = run.diverged!.epoch;
    expect(lossSeries([run])[0]!.name).toBe(`lr 10 (diverged at epoch ${epoch})`);
    const panel = parseXml(toSvg(boundaryPanel(run, data, "lr 10")));
    expect(byClass(panel, "notice").map((t) => t.text)).toEqual([`diverged at epoch ${epoch}: no boundary`]);
    expect(byClass(panel, "boundary")).toHaveLength(0);
  });

  it("the depth table's first-epoch gradient norms are NaN (shown \"-\") for a run with no finished epoch", () => {
    const diverged = new TrainingError("m", { reason: "loss", epoch: 1, step: 1, loss: Number.NaN });
    const run: TrainedRun = { label: "x", model: explodingNet(), head: logits, records: [], testAccuracy: null, finalLoss: null, diverged, seconds: 0 };
    expect(gradientNormsAtStart(run)).toHaveLength(11);
    expect(gradientNormsAtStart(run).every(Number.isNaN)).toBe(true);
  });
});

function tableRows(stdout: string, firstHeader: string): string[][] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => l.startsWith(firstHeader) && l.includes(" | "));
  return lines.slice(start + 2).filter((l) => l.includes(" | ")).map((l) => l.split("|").map((c) => c.trim()));
}

describe("dagrad experiment with runs that diverge", () => {
  it("lr: a rate of 1e300 shows fit's epoch and cause in the log, \"-\" for accuracy and loss, and the epoch in the table, the legend and results.json", async () => {
    // The first step sends a weight past float32's range: fit stops on the weights at epoch 1.
    const error = fitError(labNet(), probabilities, 1e300);
    expect([error.reason, error.epoch]).toEqual(["weights", 1]);
    const out = tempDir();
    const result = await runCli(["experiment", "lr", "--rates", "0.5,1e300", "--epochs", "20", "--out", out]);
    expect(result.code).toBe(0);
    const rows = tableRows(result.stdout, "learning rate");
    expect(rows[0]![3]).toBe("-");
    expect(Number(rows[0]![1])).toBeGreaterThan(0.5);
    expect(rows[1]).toEqual(["1e+300", "-", "-", "1"]);
    expect(result.stdout).toMatch(new RegExp(`^lr 1e\\+300 +diverged at epoch 1: ${escape(divergenceCause(error))} \\(0 epochs, `, "m"));
    const names = byClass(parseXml(readFileSync(join(out, "lr-loss.svg"), "utf8")), "series").map((s) => s.attrs["data-name"]);
    expect(names).toEqual(["lr 0.5", "lr 1e+300 (diverged at epoch 1)"]);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { table: { rows: unknown[][] } };
    expect(results.table.rows[1]).toEqual(["1e+300", "-", "-", 1]);
  });

  it("depth: the \"ReLU, N(0, 1) weights\" row at the default depth is fit's divergence on the gradient at epoch 3, with no accuracy or loss", async () => {
    const error = fitError(explodingNet(), logits, 0.1, 300);
    const out = tempDir();
    const result = await runCli(["experiment", "depth", "--epochs", "5", "--out", out]);
    expect(result.code).toBe(0);
    const row = tableRows(result.stdout, "network").find((r) => r[0] === "ReLU, N(0, 1) weights")!;
    expect(row.slice(3)).toEqual(["-", "-", "3"]);
    expect(result.stdout).toContain(`ReLU, N(0, 1) weights        diverged at epoch 3: ${divergenceCause(error)} (2 epochs, `);
    const names = byClass(parseXml(readFileSync(join(out, "depth-loss.svg"), "utf8")), "series").map((s) => s.attrs["data-name"]);
    expect(names).toContain("ReLU, N(0, 1) weights (diverged at epoch 3)");
    // The other four train all 5 epochs and keep their numbers.
    for (const other of tableRows(result.stdout, "network").slice(0, 4)) expect(other.slice(3).map((c) => c === "-")).toEqual([false, false, true]);
  });

  it("init: the loss at epoch 50 of a 20-epoch run is \"-\", not NaN", async () => {
    const result = await runCli(["experiment", "init", "--epochs", "20", "--out", tempDir()]);
    const rows = tableRows(result.stdout, "init");
    expect(rows.map((r) => r[3])).toEqual(["-", "-", "-", "-"]);
    expect(result.stdout).not.toContain("NaN");
  });

  it("--depth is refused above 1000 hidden layers instead of overflowing the stack while building the MLP", async () => {
    const result = await runCli(["experiment", "depth", "--depth", "100000", "--out", tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("dagrad: --depth must be at most 1000 hidden layers, got 100000\n");
  });
});

describe("dagrad train that diverges", () => {
  it("says at which epoch and step and why, from fit's error, and keeps the weights of the last finished epoch (here the initial ones)", async () => {
    const error = fitError(new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", init: "xavier", seed: 42 }), probabilities, 1e300);
    expect(error.reason).toBe("weights");
    const out = join(tempDir(), "diverged");
    const result = await runCli(["train", "--lr", "1e300", "--epochs", "20", "--out", out]);
    expect(result.code).toBe(1);
    // Before, it said "the loss became 0.4853" (the finite loss of the step that broke the weights).
    expect(result.stdout).toContain(`Training stopped at epoch ${error.epoch}, step ${error.step}: ${divergenceCause(error)}; try a lower --lr.\nThe run folder has no finished epoch, and the initial weights.\n`);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as Record<string, unknown>;
    expect([metrics.diverged, metrics.epochsRun]).toEqual([true, 0]);
    // The initial weights are a model like any other: evaluate scores them as train did.
    const evaluated = await runCli(["evaluate", "--run", out]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toContain(`Test:  60 samples, loss ${(metrics.testLoss as number).toFixed(4)}, accuracy ${(metrics.testAccuracy as number).toFixed(4)}`);
  });

  it("prints no loss or accuracy for a model whose outputs are not finite, and evaluate and predict say so with exit code 1", async () => {
    // Features near float32's limit through identity layers: the outputs overflow, whatever the weights.
    const dir = tempDir();
    const csv = join(dir, "huge.csv");
    writeFileSync(csv, Array.from({ length: 40 }, (_, i) => `${i % 2 ? 3e38 : -3e38},${(i % 7) * 4e37},${i % 2}`).join("\n") + "\n");
    const out = join(dir, "run");
    const result = await runCli(["train", "--data", `csv:${csv}`, "--no-scale", "--activation", "identity", "--output", "identity", "--loss", "mse", "--epochs", "5", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Training stopped at epoch 1, step 1: the loss became Infinity; try a lower --lr.");
    expect(result.stdout).toContain("Train: -, Test: - (the model's outputs are not finite numbers, so it has no loss or accuracy)");
    expect(result.stdout).not.toMatch(/accuracy \d/);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as Record<string, unknown>;
    expect([metrics.diverged, metrics.trainAccuracy, metrics.testAccuracy]).toEqual([true, null, null]);
    const evaluated = await runCli(["evaluate", "--run", out]);
    expect(evaluated.code).toBe(1);
    expect(evaluated.stdout).toContain("Test:  8 samples, -: the model's outputs are not finite numbers, so it has no loss or accuracy");
    expect(evaluated.stdout).not.toMatch(/NaN/);
    const predicted = await runCli(["predict", "--run", out, "--input", "3e38,3e38;0,0"]);
    expect(predicted.code).toBe(1);
    expect(predicted.stdout).toMatch(/^\[3e\+38, 3e\+38\] -> no prediction: the model's output is -?Infinity, not a finite number\n\[0, 0\] -> class \d \(output -?\d\.\d{4}, class 1 above 0\.5\)\n$/);
    expect(predicted.stderr).toBe(`dagrad: the model in ${out} gave 1 of 2 points outputs that are not finite numbers, so it predicts nothing for them (metrics.json says whether its training diverged)\n`);
  });
});

/** A string matched literally inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
