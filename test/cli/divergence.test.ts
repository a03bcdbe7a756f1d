// Runs that blow up: the experiments report the epoch they diverged at and no
// final loss or accuracy (their models' numbers mean nothing), in the tables,
// the logs and the pictures; train says so instead of printing an accuracy.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type TrainedRun, boundaryPanel, lossSeries, trainRun } from "../../src/cli/experiments/common.js";
import { gradientNormsAtStart } from "../../src/cli/experiments/depth.js";
import { prepareData } from "../../src/cli/setup.js";
import { ClassifierHead, MLP, SGD, TrainingError, fit, init } from "../../src/nn/index.js";
import { toSvg } from "../../src/report/index.js";
import { byClass, parseXml } from "../report/svg-dom.js";
import { runCli, tempDir } from "./run-cli.js";

const data = prepareData({ data: "moons", samples: 300, noise: 0.2, testSize: 0.2, seed: 42, standardize: true, csvHeader: false });
const logits = new ClassifierHead({ output: "identity", loss: "bceWithLogits", classes: 2 });

function settings(epochs: number, log: string[] = []) {
  return { data, epochs, seed: 42, shouldStop: () => false, log: (line: string) => { log.push(line); } };
}

/** 001's exploding net: ten ReLU layers of 16 with N(0, 1) weights. */
function explodingNet(): MLP {
  return new MLP({ sizes: [2, ...new Array<number>(10).fill(16), 1], activation: "relu", outputActivation: "identity", seed: 42, init: (w, rng) => { init.normal(w, 0, 1, { rng }); } });
}

/** A net whose loss overflows: identity output, weights of 1e10. */
function overflowingNet(): MLP {
  return new MLP({ sizes: [2, 8, 1], activation: "identity", outputActivation: "identity", seed: 1, init: (w) => { w.data.fill(1e10); } });
}

describe("an experiment's run that diverges", () => {
  it("on the loss: reports the epoch of fit's TrainingError and no final loss or accuracy", async () => {
    let error: unknown;
    try {
      const model = overflowingNet();
      fit(model, { x: data.xTrain, y: logits.encode(data.labelsTrain) }, { loss: "bceWithLogits", optimizer: new SGD(model.parameters(), { lr: 10 }), epochs: 50, seed: 42 });
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(TrainingError);
    const log: string[] = [];
    const run = await trainRun("overflow", overflowingNet(), logits, settings(50, log), { lr: 10 });
    expect(run.divergedAt).toBe((error as TrainingError).epoch);
    expect(run.testAccuracy).toBeNull();
    expect(run.finalLoss).toBeNull();
    expect(log[0]).toMatch(new RegExp(`^overflow +diverged at epoch ${run.divergedAt} \\(${run.records.length} epochs, `));
  });

  it("with weights that are not finite while the loss stays finite (ReLU turns NaN into 0): diverged all the same", async () => {
    const run = await trainRun("ReLU, N(0, 1) weights", explodingNet(), logits, settings(20), { lr: 0.1 });
    expect(run.model.parameters().some((p) => p.data.some((v) => !Number.isFinite(v))) || run.divergedAt !== null).toBe(true);
    expect(run.divergedAt).not.toBeNull();
    expect(run.divergedAt!).toBeLessThanOrEqual(3);
    expect(run.testAccuracy).toBeNull();
    expect(run.finalLoss).toBeNull();
  });

  it("says so in legends and boundary panels, and draws no boundary from broken weights", async () => {
    const run = await trainRun("lr 10", overflowingNet(), logits, settings(50), { lr: 10 });
    expect(lossSeries([run])[0]!.name).toBe(`lr 10 (diverged at epoch ${run.divergedAt})`);
    const panel = parseXml(toSvg(boundaryPanel(run, data, "lr 10")));
    expect(byClass(panel, "notice").map((t) => t.text)).toEqual([`diverged at epoch ${run.divergedAt}: no boundary`]);
    expect(byClass(panel, "boundary")).toHaveLength(0);
  });

  it("the depth table's first-epoch gradient norms are NaN (shown \"-\") for a run with no finished epoch", () => {
    const run: TrainedRun = { label: "x", model: explodingNet(), head: logits, records: [], testAccuracy: null, finalLoss: null, divergedAt: 1, seconds: 0 };
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
  it("lr: a rate of 1e300 shows \"-\" for accuracy and loss and the epoch it diverged at, in the table, the log, the legend and results.json", async () => {
    const out = tempDir();
    const result = await runCli(["experiment", "lr", "--rates", "0.5,1e300", "--epochs", "20", "--out", out]);
    expect(result.code).toBe(0);
    const rows = tableRows(result.stdout, "learning rate");
    expect(rows[0]![3]).toBe("-");
    expect(Number(rows[0]![1])).toBeGreaterThan(0.5);
    expect(rows[1]).toEqual(["1e+300", "-", "-", "2"]);
    expect(result.stdout).toMatch(/^lr 1e\+300 +diverged at epoch 2 \(1 epochs, /m);
    const names = byClass(parseXml(readFileSync(join(out, "lr-loss.svg"), "utf8")), "series").map((s) => s.attrs["data-name"]);
    expect(names).toEqual(["lr 0.5", "lr 1e+300 (diverged at epoch 2)"]);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { table: { rows: unknown[][] } };
    expect(results.table.rows[1]).toEqual(["1e+300", "-", "-", 2]);
  });

  it("depth: the N(0, 1) net of 40 layers reports no accuracy or loss", async () => {
    const result = await runCli(["experiment", "depth", "--depth", "40", "--epochs", "3", "--out", tempDir()]);
    expect(result.code).toBe(0);
    const row = tableRows(result.stdout, "network").find((r) => r[0] === "ReLU, N(0, 1) weights")!;
    expect(row.slice(3)).toEqual(["-", "-", "2"]);
  });

  it("init: the loss at epoch 50 of a 20-epoch run is \"-\", not NaN", async () => {
    const result = await runCli(["experiment", "init", "--epochs", "20", "--out", tempDir()]);
    const rows = tableRows(result.stdout, "init");
    expect(rows.map((r) => r[3])).toEqual(["-", "-", "-", "-"]);
    expect(result.stdout).not.toContain("NaN");
  });
});

describe("dagrad train that diverges", () => {
  it("prints no accuracy for a model whose outputs are not finite and writes none", async () => {
    const out = join(tempDir(), "diverged");
    const result = await runCli(["train", "--lr", "1e300", "--epochs", "20", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Train: -, Test: - (the model's outputs are not finite numbers, so it has no loss or accuracy)");
    expect(result.stdout).not.toMatch(/accuracy \d/);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as Record<string, unknown>;
    expect([metrics.trainAccuracy, metrics.testAccuracy]).toEqual([null, null]);
  });

  it("a last epoch whose step breaks the weights (fit has no next loss to stop on) is a divergence too: exit 1", async () => {
    const out = join(tempDir(), "diverged-last");
    const result = await runCli(["train", "--lr", "1e300", "--epochs", "1", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Train: -, Test: -");
    expect((JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { diverged: boolean }).diverged).toBe(true);
  });
});
