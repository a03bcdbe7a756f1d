// A run folder holds one whole run or says it does not: a later run into the
// same folder that is killed, hits a file-size limit or fails leaves the
// earlier run as it was (evaluate still reports its own numbers), and
// evaluate/predict refuse a folder whose files come from two runs or were
// damaged, with an error that names the file or the field and what to do.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/** Every entry of the folder (hidden ones too) with the hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, sha256(readFileSync(join(dir, name)))]));
}

interface Metrics { epochsRun: number; trainAccuracy: number; testAccuracy: number; testLoss: number; diverged: boolean }
const metricsOf = (dir: string) => JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as Metrics;

/** Replace a file of a run and its hash in the manifest, as a hand-made folder would. */
function rewriteWithManifest(dir: string, name: string, data: string): void {
  writeFileSync(join(dir, name), data);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Record<string, string> };
  manifest.files[name] = sha256(data);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
}

function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr.trimEnd()).toMatch(pattern);
}

/** evaluate's printed test accuracy. */
async function evaluatedTestAccuracy(dir: string): Promise<string> {
  const result = await runCli(["evaluate", "--run", dir]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.match(/^Test: +\d+ samples, loss \S+, accuracy (\d\.\d{4})$/m)![1]!;
}

/** A finished 300-epoch moons run in a fresh folder, and the snapshot of its files. */
async function finishedRun(): Promise<{ dir: string; before: Record<string, string>; metrics: Metrics }> {
  const dir = join(tempDir(), "run");
  const result = await runCli(["train", "--epochs", "300", "--log-every", "100", "--out", dir]);
  expect(result.code, result.stderr).toBe(0);
  return { dir, before: snapshot(dir), metrics: metricsOf(dir) };
}

describe("a later run into a folder that holds a finished run", () => {
  let earlier: Awaited<ReturnType<typeof finishedRun>>;
  beforeAll(async () => {
    earlier = await finishedRun();
  });

  it("killed with kill -9 during training, leaves the earlier run whole and usable", async () => {
    let killed = false;
    // Another split and seed: the mix of config.json and model.json evaluate used to read silently.
    const result = await runCli(["train", "--epochs", "1000000", "--test-size", "0.4", "--seed", "3", "--log-every", "100", "--out", earlier.dir], {
      onStdout: (text, child) => {
        if (!killed && /^Epoch +200:/m.test(text)) {
          killed = true;
          child.kill("SIGKILL");
        }
      },
    });
    expect(result.signal).toBe("SIGKILL");
    expect(snapshot(earlier.dir)).toEqual(earlier.before);
    expect(await evaluatedTestAccuracy(earlier.dir)).toBe(earlier.metrics.testAccuracy.toFixed(4));
  });

  it("stopped by a file-size limit while writing, keeps the earlier run and says so", async () => {
    // 300 epochs of history are ~150 KB: over the 64 KB limit, while training itself writes nothing.
    const result = await runCli(["train", "--epochs", "300", "--seed", "3", "--log-every", "100", "--out", earlier.dir], { fileSizeLimitKb: 64 });
    expectOneLineError(result, /^dagrad: train: cannot write .*history\.json: the file is larger than this process may write \(file-size limit\) \(EFBIG\); .* still holds its earlier run, untouched\. Free space or raise the limit and train again$/);
    expect(snapshot(earlier.dir)).toEqual(earlier.before);
    expect(await evaluatedTestAccuracy(earlier.dir)).toBe(earlier.metrics.testAccuracy.toFixed(4));
  });
});

describe("a run that diverges", () => {
  it.each([
    ["loss", ["--lr", "100", "--output", "identity", "--loss", "mse"], 8, "the loss became Infinity"],
    ["weights", ["--lr", "1e40"], 1, "the step made layers.0.weight not finite (loss 0.4853 before it)"],
  ])("on its %s replaces the earlier run with a whole one: the epochs before, the weights after the last of them, exit code 1", async (_, settings, epoch, cause) => {
    const { dir } = await finishedRun();
    const result = await runCli(["train", "--epochs", "300", ...settings, "--out", dir]);
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("Training stopped at epoch"));
    expect(lines[at]).toBe(`Training stopped at epoch ${epoch}, step 1: ${cause}; try a lower --lr.`);
    expect(lines[at + 1]).toBe(epoch === 1 ? "The run folder has no finished epoch, and the initial weights." : `The run folder has epochs 1 to ${epoch - 1} and the weights after epoch ${epoch - 1}.`);
    const metrics = metricsOf(dir);
    expect(metrics.diverged).toBe(true);
    expect(metrics.epochsRun).toBe(epoch - 1);
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as { tensors: Record<string, { data: unknown[] }> };
    for (const t of Object.values(model.tensors)) for (const v of t.data) expect(Number.isFinite(v)).toBe(true);
    // The earlier run's files that this one has no use for (the zoom after epoch 100) are gone.
    expect(existsSync(join(dir, "loss-after-100.svg"))).toBe(false);
    const evaluation = await runCli(["evaluate", "--run", dir]);
    expect(evaluation.code, evaluation.stderr).toBe(0);
  });
});

describe("evaluate and predict refuse a folder that is not one whole run", () => {
  let dir: string;
  let other: string;
  beforeAll(async () => {
    ({ dir } = await finishedRun());
    other = join(tempDir(), "other");
    const result = await runCli(["train", "--epochs", "20", "--test-size", "0.4", "--seed", "3", "--out", other]);
    expect(result.code, result.stderr).toBe(0);
  });

  const copy = () => {
    const target = join(tempDir(), "copy");
    mkdirSync(target);
    for (const name of readdirSync(dir)) copyFileSync(join(dir, name), join(target, name));
    return target;
  };

  it("files of two runs (a kill while the files were moved in)", async () => {
    const mixed = copy();
    copyFileSync(join(other, "config.json"), join(mixed, "config.json"));
    const message = new RegExp(`^dagrad: readRun: ${mixed} does not hold one whole run: config\\.json is not the file run \\S+ wrote \\(a later dagrad train into this folder stopped while moving its files in, or the file was changed\\); train again with dagrad train --out ${mixed}$`);
    expectOneLineError(await runCli(["evaluate", "--run", mixed]), message);
    expectOneLineError(await runCli(["predict", "--run", mixed, "--input", "0,1"]), message);
  });

  it("a truncated model.json", async () => {
    const damaged = copy();
    writeFileSync(join(damaged, "model.json"), readFileSync(join(dir, "model.json")).subarray(0, 100));
    expectOneLineError(await runCli(["evaluate", "--run", damaged]), /^dagrad: readRun: \S+ does not hold one whole run: model\.json is not the file run/);
  });

  it("a missing file", async () => {
    const damaged = copy();
    rmSync(join(damaged, "history.json"));
    expectOneLineError(await runCli(["evaluate", "--run", damaged]), /^dagrad: readRun: \S+history\.json is missing: \S+ does not hold all of run \S+; train again with dagrad train --out/);
  });

  it("no manifest: a run that never finished writing, or an older dagrad's", async () => {
    const damaged = copy();
    writeFileSync(join(damaged, "manifest.json"), "");
    expectOneLineError(await runCli(["evaluate", "--run", damaged]), /manifest\.json cannot be read \(Unexpected end of JSON input\); the folder is damaged: train again with dagrad train --out/);
    const bare = join(tempDir(), "bare");
    mkdirSync(bare);
    copyFileSync(join(dir, "config.json"), join(bare, "config.json"));
    copyFileSync(join(dir, "model.json"), join(bare, "model.json"));
    expectOneLineError(await runCli(["evaluate", "--run", bare]), new RegExp(`^dagrad: readRun: ${bare} has no manifest\\.json: the run that wrote it did not finish, or an older dagrad wrote it; make one with dagrad train --out ${bare}$`));
  });

  it("a manifest that names a file outside the folder", async () => {
    const damaged = copy();
    const manifest = JSON.parse(readFileSync(join(damaged, "manifest.json"), "utf8")) as { files: Record<string, string> };
    manifest.files["../outside"] = "0".repeat(64);
    writeFileSync(join(damaged, "manifest.json"), JSON.stringify({ ...manifest, format: "dagrad.run", version: 1 }));
    expectOneLineError(await runCli(["evaluate", "--run", damaged]), /manifest\.json lists "\.\.\/outside", which is not a file of a run folder/);
  });

  it.each([
    ["{}", "data must be an object, got nothing (the field is missing)"],
    ["[1, 2]", "(the whole file) must be an object, got [1,2]"],
  ])("config.json %s, hashed into the manifest", async (text, field) => {
    const damaged = copy();
    rewriteWithManifest(damaged, "config.json", text);
    const result = await runCli(["evaluate", "--run", damaged]);
    expectOneLineError(result, /config\.json: field /);
    expect(result.stderr).toContain(`config.json: field ${field}; the file was not written by dagrad train: train again with dagrad train --out ${damaged}`);
  });

  it.each([
    [(c: Record<string, Record<string, unknown>>) => { c.model!.sizes = "2,8,1"; }, 'model.sizes must be a list of at least 2 integers >= 1, got "2,8,1"'],
    [(c: Record<string, Record<string, unknown>>) => { delete c.training!.lr; }, "training.lr must be a finite number > 0, got nothing (the field is missing)"],
    [(c: Record<string, Record<string, unknown>>) => { c.model!.activation = "gelu"; }, 'model.activation must be one of relu, leakyRelu, sigmoid, tanh, softplus, identity, got "gelu"'],
    [(c: Record<string, Record<string, unknown>>) => { c.data!.data = 3; }, "data.data must be one of moons, circles, xor, and, spirals, blobs, mnist, sine, surface or csv:<path>, got 3"],
    [(c: Record<string, Record<string, unknown>>) => { (c.scaling!.std as number[])[1] = 0; }, "scaling.std must be a list of 2 positive finite numbers (one per input feature), got"],
    [(c: Record<string, Record<string, unknown>>) => { c.training!.momentum = 1; }, "training.momentum must be a finite number in [0, 1), got 1"],
  ])("a malformed field (%#) is named", async (edit, message) => {
    const damaged = copy();
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, Record<string, unknown>>;
    edit(config);
    rewriteWithManifest(damaged, "config.json", JSON.stringify(config));
    const result = await runCli(["predict", "--run", damaged, "--input", "0,1"]);
    expectOneLineError(result, /config\.json: field /);
    expect(result.stderr).toContain(message);
  });

  it("a model.json of the wrong shape for its config", async () => {
    const damaged = copy();
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { model: { sizes: number[] } };
    config.model.sizes = [2, 4, 1];
    rewriteWithManifest(damaged, "config.json", JSON.stringify(config));
    expectOneLineError(await runCli(["evaluate", "--run", damaged]), /model\.json does not fit the MLP \[2, 4, 1\] of config\.json \(.*"layers\.0\.weight" has shape \[8,2\], expected \[4,2\].*\); train again with dagrad train --out/);
  });

  it("a model.json that is not JSON, hashed into the manifest", async () => {
    const damaged = copy();
    rewriteWithManifest(damaged, "model.json", '{"format": "dagrad.stateDict", "tens');
    expectOneLineError(await runCli(["evaluate", "--run", damaged]), /model\.json does not fit the MLP \[2, 8, 1\] of config\.json \(load: .*model\.json is not valid JSON/);
  });
});

describe("what killed runs leave behind", () => {
  it("a damaged manifest does not stop the next run from replacing it", async () => {
    const { dir } = await finishedRun();
    writeFileSync(join(dir, "manifest.json"), "{ torn");
    const result = await runCli(["train", "--epochs", "20", "--out", dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(await evaluatedTestAccuracy(dir)).toBe(metricsOf(dir).testAccuracy.toFixed(4));
  });

  it("a staging folder is ignored by evaluate and removed by the next train", async () => {
    const { dir, metrics } = await finishedRun();
    const staging = join(dir, ".incoming-20260101T000000Z-abcdef");
    mkdirSync(staging);
    writeFileSync(join(staging, "config.json"), "{}");
    expect(await evaluatedTestAccuracy(dir)).toBe(metrics.testAccuracy.toFixed(4));
    const result = await runCli(["train", "--epochs", "20", "--out", dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(dir).filter((name) => name.startsWith("."))).toEqual([]);
  });
});
