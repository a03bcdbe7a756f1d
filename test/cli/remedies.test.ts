// train's options for 001's remedies (clipping, batch norm, residual blocks,
// dropout) and for the documents' setups (init as they write it, separate
// data and init seeds, summed losses, the scaler fitted on all rows): what
// each does, what it refuses, and that --resume continues a run that uses
// them all exactly as the run that was never stopped.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { moons, trainTestSplit } from "../../src/datasets/index.js";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

interface Config {
  data: { seed: number; scaleOn: string };
  model: { seed: number; batchNorm: boolean; residual: number | null; dropout: number; init: string; biasInit: string | null };
  training: { clipNorm: number | null; clipValue: number | null; reduction: string };
  scaling: { mean: number[]; std: number[] };
}
const configOf = (dir: string) => JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Config;
const tensorsOf = (dir: string) => (JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { tensors: Record<string, { data: number[] }> }).tensors;
const firstLoss = (result: CliResult) => Number(result.stdout.match(/^Epoch +1: Loss = (\S+),/m)![1]);

function expectUsageError(result: CliResult, message: string): void {
  expect(result.code, result.stdout).toBe(2);
  expect(result.stderr).toBe(`dagrad: ${message}\n`);
}

describe("train --residual", () => {
  const thirty = new Array(30).fill("16").join(",");
  const start = (extra: string[]) => runCli(["train", "--layers", thirty, "--activation", "relu", "--init", "he", "--output", "identity", "--epochs", "1", "--log-every", "1", "--out", tempDir(), ...extra]);

  it("scales 30 ReLU/He blocks by 1/blocks by default, so the first loss is near log 2 instead of 1e4 and more", async () => {
    const [scaled, unscaled] = await Promise.all([start(["--residual"]), start(["--residual", "--residual-scale", "1"])]);
    expect(scaled.code, scaled.stderr).toBe(0);
    // 29 of the 30 hidden layers keep their width (the first maps 2 inputs to 16).
    expect(scaled.stdout).toContain(`(relu hidden + residual blocks ×${Number((1 / 29).toPrecision(6))}, identity output, bceWithLogits loss)`);
    expect(firstLoss(scaled)).toBeLessThan(1);
    expect(firstLoss(unscaled)).toBeGreaterThan(1e4);
  });

  it("refuses a scale without blocks, and blocks the widths do not allow", async () => {
    expectUsageError(await runCli(["train", "--residual-scale", "0.5", "--layers", "8,8"]), "--residual-scale scales residual blocks: add --residual, or leave it out");
    expectUsageError(await runCli(["train", "--residual"]), "--residual wraps hidden layers as wide as the layer before them, and MLP [2, 8, 1] has none; use e.g. --layers 16,16,16");
    expectUsageError(await runCli(["train", "--residual", "--layers", "8,8", "--residual-scale", "0"]), '--residual-scale must be a finite number > 0, got "0"');
  });
});

describe("train --batch-norm, --dropout, --clip-norm, --clip-value", () => {
  it("trains a batch-norm net whose running statistics are saved, and evaluate rebuilds it", async () => {
    const out = tempDir();
    const result = await runCli(["train", "--batch-norm", "--layers", "8,8", "--epochs", "30", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("(tanh hidden + batch norm, sigmoid output, bce loss)");
    expect(configOf(out).model.batchNorm).toBe(true);
    expect(Object.keys(tensorsOf(out))).toContain("layers.1.runningMean");
    const evaluated = await runCli(["evaluate", "--run", out]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const test = result.stdout.match(/^Test: +loss (\S+), accuracy (\S+)$/m)!;
    expect(evaluated.stdout).toContain(`60 samples, loss ${test[1]}, accuracy ${test[2]}`);
  });

  it("refuses batch norm where a batch would hold one row", async () => {
    expectUsageError(await runCli(["train", "--batch-norm", "--batch-size", "1"]), "--batch-norm needs at least 2 rows in every batch, and 240 training rows in batches of 1 leave batches of 1; choose another --batch-size");
    expectUsageError(await runCli(["train", "--batch-norm", "--batch-size", "239"]), "--batch-norm needs at least 2 rows in every batch, and 240 training rows in batches of 239 leave a last batch of 1; choose another --batch-size");
  });

  it("keeps ten ReLU layers with N(0, 1) weights finite with --clip-norm, where they diverge without", async () => {
    const args = ["train", "--layers", new Array(10).fill("16").join(","), "--activation", "relu", "--init", "normal:1", "--output", "identity", "--lr", "0.1", "--epochs", "50", "--log-every", "50"];
    const [clipped, free] = await Promise.all([runCli([...args, "--clip-norm", "1", "--out", tempDir()]), runCli([...args, "--out", tempDir()])]);
    expect(free.code).toBe(1);
    expect(free.stdout).toMatch(/^Training stopped at epoch \d+, step 1:/m);
    expect(clipped.code, clipped.stdout).toBe(0);
    expect(clipped.stdout).toContain("gradient norm clipped at 1)");
  });

  it("refuses dropout outside [0, 1) and clipping at 0 or below", async () => {
    expectUsageError(await runCli(["train", "--dropout", "1"]), '--dropout must be a finite number in [0, 1), got "1"');
    expectUsageError(await runCli(["train", "--clip-norm", "0"]), '--clip-norm must be a finite number > 0, got "0"');
    expectUsageError(await runCli(["train", "--clip-value", "-1"]), '--clip-value must be a finite number > 0, got "-1"');
  });
});

describe("init, seeds, reduction and scaling as the documents set them", () => {
  it("draws weights and biases from U[a, b) or N(0, std²), and refuses other spellings", async () => {
    const out = tempDir();
    const result = await runCli(["train", "--init", "uniform:0,1", "--bias-init", "uniform:0,1", "--epochs", "1", "--lr", "1e-12", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const values = Object.values(tensorsOf(out)).flatMap((t) => t.data);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(configOf(out).model).toMatchObject({ init: "uniform:0,1", biasInit: "uniform:0,1" });
    expectUsageError(await runCli(["train", "--init", "uniform:1,0"]), '--init uniform needs two finite bounds low < high, e.g. uniform:0,1, got "uniform:1,0"');
    expectUsageError(await runCli(["train", "--init", "gaussian"]), '--init must be one of default, xavier, he, xavierNormal, kaimingNormal, zeros, uniform:A,B or normal:STD, got "gaussian"');
    expectUsageError(await runCli(["train", "--bias-init", "xavier"]), '--bias-init must be one of zeros, uniform:A,B or normal:STD, got "xavier"');
  });

  it("--data-seed and --init-seed each set one part of what --seed sets", async () => {
    const [split, seed1, seed42] = [tempDir(), tempDir(), tempDir()];
    const run = (dir: string, extra: string[]) => runCli(["train", "--epochs", "1", "--lr", "1e-12", "--out", dir, ...extra]);
    await Promise.all([run(split, ["--data-seed", "1", "--init-seed", "42"]), run(seed1, ["--seed", "1"]), run(seed42, ["--seed", "42"])]);
    expect(configOf(split).scaling).toEqual(configOf(seed1).scaling);
    expect(configOf(split).scaling).not.toEqual(configOf(seed42).scaling);
    // The weights barely move at lr 1e-12 (float32 keeps them); the biases, starting at 0, would show the data's gradient.
    for (const name of ["layers.0.weight", "layers.2.weight"]) expect(tensorsOf(split)[name]).toEqual(tensorsOf(seed42)[name]);
    expect(tensorsOf(split)["layers.0.weight"]).not.toEqual(tensorsOf(seed1)["layers.0.weight"]);
    expect(configOf(split).data.seed).toBe(1);
    expect(configOf(split).model.seed).toBe(42);
  });

  it("--reduction sum makes the loss the sum over the samples (the mean times 240 here)", async () => {
    const run = (extra: string[]) => runCli(["train", "--epochs", "1", "--log-every", "1", "--out", tempDir(), ...extra]);
    const [mean, sum] = await Promise.all([run([]), run(["--reduction", "sum"])]);
    expect(sum.stdout).toContain("bce loss summed over samples)");
    expect(firstLoss(sum) / firstLoss(mean)).toBeCloseTo(240, 1);
  });

  it("--scale-on all standardises with the mean and std of all 300 rows, as 000 does before its split", async () => {
    const [all, train] = [tempDir(), tempDir()];
    await Promise.all([
      runCli(["train", "--scale-on", "all", "--epochs", "1", "--out", all]),
      runCli(["train", "--epochs", "1", "--out", train]),
    ]);
    const { x } = moons({ n: 300, noise: 0.2, seed: 42 });
    const column = (t: { data: ArrayLike<number> }, c: number) => Array.from(t.data).filter((_, i) => i % 2 === c);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    configOf(all).scaling.mean.forEach((m, c) => expect(m).toBeCloseTo(mean(column(x, c)), 5));
    const trainPart = trainTestSplit(x, moons({ n: 300, noise: 0.2, seed: 42 }).y, { testSize: 0.2, seed: 42 }).xTrain;
    configOf(train).scaling.mean.forEach((m, c) => expect(m).toBeCloseTo(mean(column(trainPart, c)), 5));
    expect(configOf(all).data.scaleOn).toBe("all");
  });
});

describe("--resume with every new option", () => {
  const settings = [
    "--layers", "8,8", "--batch-norm", "--residual", "--dropout", "0.2", "--clip-norm", "1", "--clip-value", "0.5", "--reduction", "sum",
    "--init", "normal:0.5", "--bias-init", "uniform:0,0.1", "--data-seed", "3", "--init-seed", "4", "--scale-on", "all",
    "--batch-size", "16", "--epochs", "120", "--lr", "0.01", "--log-every", "10",
  ];
  let whole: string;
  beforeAll(async () => {
    whole = tempDir();
    const result = await runCli(["train", ...settings, "--out", whole]);
    expect(result.code, result.stderr).toBe(0);
  });

  it("after Ctrl-C continues exactly as the run that was never stopped (dropout's masks included)", async () => {
    const out = tempDir();
    let sent = false;
    const stopped = await runCli(["train", ...settings, "--checkpoint-every", "1000", "--out", out], {
      onStdout: (text, child) => { if (!sent && /^Epoch +40:/m.test(text)) { sent = true; child.kill("SIGINT"); } },
    });
    expect(stopped.code).toBe(130);
    const resumed = await runCli(["train", "--resume", "--out", out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const file of ["model.json", "history.json", "config.json"]) {
      expect(readFileSync(join(out, file), "utf8"), file).toBe(readFileSync(join(whole, file), "utf8"));
    }
  });

  it("refuses an option that differs from the run's, naming it", async () => {
    const out = tempDir();
    let sent = false;
    await runCli(["train", ...settings, "--checkpoint-every", "1000", "--out", out], {
      onStdout: (text, child) => { if (!sent && /^Epoch +20:/m.test(text)) { sent = true; child.kill("SIGINT"); } },
    });
    const result = await runCli(["train", "--resume", "--out", out, "--dropout", "0.3", "--clip-value", "0.5"]);
    expectUsageError(result, `--resume continues the run in ${out} with its own settings, and these options differ from them: --dropout 0.3 (the run has --dropout 0.2); leave them out, or start a new run without --resume (in another --out to keep this one)`);
  });
});

describe("dead ReLU units", () => {
  it("are counted per layer over training and drawn; a ReLU net has no saturation picture", async () => {
    const out = tempDir();
    const result = await runCli(["train", "--layers", "16,16,16,16,16,16", "--activation", "relu", "--init", "he", "--epochs", "100", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { epochs: { activity?: { layer: number; dead: number }[] }[] };
    const last = history.epochs.at(-1)!.activity!;
    expect(last.map((a) => a.layer)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const a of last) expect(Number.isInteger(a.dead) && a.dead >= 0 && a.dead <= 16).toBe(true);
    expect(readFileSync(join(out, "dead-units.svg"), "utf8")).toContain('data-name="Layer 6 (16→16)"');
    expect(readdirSync(out)).not.toContain("saturation.svg");
  });
});

describe("a run folder written before these options existed", () => {
  it("still loads: a config without the new fields reads as a run without them", async () => {
    const out = tempDir();
    expect((await runCli(["train", "--epochs", "5", "--out", out])).code).toBe(0);
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as Record<string, Record<string, unknown>>;
    for (const key of ["biasInit", "batchNorm", "residual", "dropout"]) delete config.model![key];
    for (const key of ["clipNorm", "clipValue", "reduction"]) delete config.training![key];
    delete config.data!.scaleOn;
    const text = JSON.stringify(config);
    writeFileSync(join(out, "config.json"), text);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { files: Record<string, string> };
    manifest.files["config.json"] = createHash("sha256").update(text).digest("hex");
    writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
    const result = await runCli(["evaluate", "--run", out]);
    expect(result.code, result.stderr).toBe(0);
  });
});
