// train --checkpoint-every N writes checkpoint.json atomically; train --resume
// continues the run from it with the run's own settings and ends with the same
// weights, history and metrics as the run that was never stopped, bit for bit.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

interface CheckpointFile { runId: string; epoch: number; dataHash: string; rng: { S: number[] }; optimizer: { optimizer: string }; history: unknown[] }
const checkpointOf = (dir: string) => JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as CheckpointFile;
const runIdOf = (dir: string) => (JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { runId: string }).runId;

/** metrics.json without the wall-clock seconds. */
function metricsWithoutTime(dir: string): Record<string, unknown> {
  const { seconds, ...rest } = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as Record<string, unknown>;
  expect(typeof seconds).toBe("number");
  return rest;
}

/** Train and send `signal` once stdout matches `when`. */
function trainUntil(args: string[], when: RegExp, signal: NodeJS.Signals): Promise<CliResult> {
  let sent = false;
  return runCli(["train", ...args], {
    onStdout: (text, child) => {
      if (!sent && when.test(text)) {
        sent = true;
        child.kill(signal);
      }
    },
  });
}

function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(result.stderr.trimEnd()).toMatch(pattern);
}

/** The uninterrupted run and a stopped-then-resumed one with the same settings end with the same files. */
async function expectSameRun(whole: string, resumed: string): Promise<void> {
  for (const file of ["model.json", "history.json", "config.json"]) {
    expect(readFileSync(join(resumed, file), "utf8"), file).toBe(readFileSync(join(whole, file), "utf8"));
  }
  expect(metricsWithoutTime(resumed)).toEqual(metricsWithoutTime(whole));
}

describe.each([
  ["SGD with momentum", ["--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.05"]],
  ["Adam", ["--optimizer", "adam", "--lr", "0.01", "--layers", "16,16"]],
])("train --resume with %s, minibatches of 16, reshuffled every epoch", (_, optimizer) => {
  const settings = ["--epochs", "300", "--batch-size", "16", "--log-every", "50", ...optimizer];
  let whole: string;
  beforeAll(async () => {
    whole = join(tempDir(), "whole");
    const result = await runCli(["train", ...settings, "--out", whole]);
    expect(result.code, result.stderr).toBe(0);
  });

  it("after kill -9: the last checkpoint is kept, and resuming ends where the run that was never stopped did", async () => {
    const out = join(tempDir(), "killed");
    const killed = await trainUntil([...settings, "--checkpoint-every", "40", "--out", out], /^Epoch +150:/m, "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
    const checkpoint = checkpointOf(out);
    expect(checkpoint.epoch % 40).toBe(0);
    expect(checkpoint.epoch).toBeGreaterThanOrEqual(120);
    expect(checkpoint.epoch).toBeLessThan(300);
    expect(checkpoint.history).toHaveLength(checkpoint.epoch);

    const resumed = await runCli(["train", "--resume", "--out", out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Resuming run ${checkpoint.runId} after epoch ${checkpoint.epoch} of 300 (${join(out, "checkpoint.json")})`);
    expect(resumed.stdout).not.toMatch(/^Epoch +(1|50|100):/m);
    expect(resumed.stdout).toMatch(/^Epoch +300:/m);
    await expectSameRun(whole, out);
    expect(runIdOf(out)).toBe(checkpoint.runId);
    // The finished run has no use for its checkpoint.
    expect(existsSync(join(out, "checkpoint.json"))).toBe(false);
  });

  it("after kill -9 while the files were written: the checkpoint of the last epoch finishes the run without training", async () => {
    const out = join(tempDir(), "late");
    const killed = await runCli(["train", ...settings, "--checkpoint-every", "100", "--out", out], {
      env: { DAGRAD_TEST_PAUSE_MS: "200" },
      onSpawn: (child) => {
        const timer = setInterval(() => {
          const staging = existsSync(out) ? readdirSync(out).find((n) => n.startsWith(".incoming-")) : undefined;
          if (staging === undefined || readdirSync(join(out, staging)).length < 2) return;
          clearInterval(timer);
          child.kill("SIGKILL");
        }, 10);
      },
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
    expect(checkpointOf(out).epoch).toBe(300);
    const resumed = await runCli(["train", "--resume", "--out", out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain("after epoch 300 of 300");
    expect(resumed.stdout).not.toMatch(/^Epoch /m);
    await expectSameRun(whole, out);
    expect(readdirSync(out).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("after Ctrl-C: the folder holds the run so far, a checkpoint at the stop, and resuming ends the same", async () => {
    const out = join(tempDir(), "stopped");
    const stopped = await trainUntil([...settings, "--checkpoint-every", "1000", "--out", out], /^Epoch +100:/m, "SIGINT");
    expect(stopped.code).toBe(130);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { epochsRun: number; interrupted: boolean };
    expect(metrics.interrupted).toBe(true);
    expect(stopped.stdout).toContain(`Interrupted after epoch ${metrics.epochsRun} of 300. Continue with: dagrad train --resume --out ${out}`);
    expect(checkpointOf(out).epoch).toBe(metrics.epochsRun);
    expect(checkpointOf(out).runId).toBe(runIdOf(out));

    const resumed = await runCli(["train", "--resume", "--out", out, "--log-every", "10"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectSameRun(whole, out);
  });
});

describe("a checkpoint that cannot be written", () => {
  it("stops training with an error that keeps the previous checkpoint, which --resume continues", async () => {
    const out = join(tempDir(), "limited");
    // The history in the checkpoint grows ~0.5 KB an epoch: epoch 50's fits in 64 KB, epoch 150's does not.
    const limited = await runCli(["train", "--epochs", "300", "--checkpoint-every", "50", "--log-every", "50", "--out", out], { fileSizeLimitKb: 64 });
    expectOneLineError(limited, new RegExp(`^dagrad: train: cannot write \\S*checkpoint\\.json: the file is larger than this process may write \\(file-size limit\\) \\(EFBIG\\); the previous checkpoint is kept\\. Free space or raise the limit, then continue with dagrad train --resume --out ${out}$`));
    const kept = checkpointOf(out).epoch;
    expect([50, 100]).toContain(kept);
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
    const resumed = await runCli(["train", "--resume", "--out", out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`after epoch ${kept} of 300`);
  });
});

describe("train --resume refuses what would not continue the run", () => {
  let out: string;
  let pristine: string;
  beforeAll(async () => {
    out = join(tempDir(), "stopped");
    const stopped = await trainUntil(["--epochs", "1000000", "--checkpoint-every", "10", "--log-every", "100", "--out", out], /^Epoch +100:/m, "SIGINT");
    expect(stopped.code).toBe(130);
    pristine = readFileSync(join(out, "checkpoint.json"), "utf8");
  });

  const withCheckpoint = (edit: (c: Record<string, unknown>) => void) => {
    const checkpoint = JSON.parse(pristine) as Record<string, unknown>;
    edit(checkpoint);
    writeFileSync(join(out, "checkpoint.json"), JSON.stringify(checkpoint));
  };

  it("options that differ from the run's own settings, each named with the run's value", async () => {
    writeFileSync(join(out, "checkpoint.json"), pristine);
    const result = await runCli(["train", "--resume", "--out", out, "--lr", "0.1", "--seed", "42", "--layers", "16", "--no-scale", "--log-every", "5", "--checkpoint-every", "3"]);
    expectOneLineError(result, new RegExp(`^dagrad: --resume continues the run in ${out} with its own settings, and these options differ from them: --no-scale \\(the run was trained without --no-scale\\), --layers 16 \\(the run has --layers 8\\), --lr 0\\.1 \\(the run has --lr 0\\.5\\); leave them out, or start a new run without --resume \\(in another --out to keep this one\\)$`));
  });

  it("a folder without a checkpoint", async () => {
    const dir = tempDir();
    expectOneLineError(await runCli(["train", "--resume", "--out", dir]), new RegExp(`^dagrad: resume: ${dir} has no checkpoint\\.json to continue from: train with --checkpoint-every N to write one \\(a run that finished removes it\\)$`));
  });

  it.each([
    ["truncated", () => writeFileSync(join(out, "checkpoint.json"), pristine.slice(0, 500)), /checkpoint\.json cannot be read \(.*JSON.*\); the checkpoint is damaged: start the run again without --resume$/],
    ["with a config missing a field", () => withCheckpoint((c) => { delete (c.config as Record<string, Record<string, unknown>>).training!.epochs; }), /checkpoint\.json has a config whose field training\.epochs must be an integer >= 1, got nothing \(the field is missing\); the checkpoint is damaged/],
    ["with a broken generator state", () => withCheckpoint((c) => { (c.rng as { S: number[] }).S[0] = 999; }), /checkpoint\.json has no shuffling generator state \(rng: i, j and a permutation S of 0\.\.255\)/],
    ["with a history shorter than its epoch", () => withCheckpoint((c) => { (c.history as unknown[]).pop(); }), /checkpoint\.json has no history of epochs 1 to \d+/],
    ["with another optimizer's state", () => withCheckpoint((c) => { (c.optimizer as { optimizer: string }).optimizer = "Adam"; }), /checkpoint\.json does not fit the run it describes \(SGD\.loadStateDict: the state was saved by "Adam", this optimizer is SGD.*\); the checkpoint is damaged/],
    ["with weights of the wrong shape", () => withCheckpoint((c) => { (c.model as Record<string, { shape: number[] }>)["layers.0.weight"]!.shape = [2, 8]; }), /checkpoint\.json does not fit the run it describes \(.*"layers\.0\.weight" has shape \[2,8\], expected \[8,2\]/],
    ["of other data", () => withCheckpoint((c) => { c.dataHash = "0".repeat(64); }), /^dagrad: resume: the data of moons are not those the checkpoint's run trained on \(a changed CSV file\?\), so training on would not continue that run: start it again without --resume$/],
  ])("a checkpoint %s", async (_, damage, message) => {
    damage();
    expectOneLineError(await runCli(["train", "--resume", "--out", out]), message);
  });

  it("a CSV file that changed since the checkpoint", async () => {
    const dir = tempDir();
    const csv = join(dir, "points.csv");
    const rows = Array.from({ length: 40 }, (_, i) => `${Math.cos(i)},${Math.sin(i * 1.7)},${i % 2}`);
    writeFileSync(csv, rows.join("\n") + "\n");
    const run = join(dir, "run");
    const stopped = await trainUntil(["--data", `csv:${csv}`, "--epochs", "1000000", "--checkpoint-every", "10", "--log-every", "100", "--out", run], /^Epoch +100:/m, "SIGINT");
    expect(stopped.code).toBe(130);
    writeFileSync(csv, [...rows.slice(1), "0.5,0.5,1"].join("\n") + "\n");
    expectOneLineError(await runCli(["train", "--resume", "--out", run]), new RegExp(`the data of csv:${csv} are not those the checkpoint's run trained on`));
  });
});
