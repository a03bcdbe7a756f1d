// dagrad export and train --init-from: a run's model leaves as ONNX and
// safetensors and computes what dagrad predict computes; a file made elsewhere
// (PyTorch's, or an export) is where training starts.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MLP, Tensor, loadSafetensors, loadTorchStateDict, torchStateDict } from "../../src/index.js";
import { UsageError } from "../../src/cli/args.js";
import { loadOnnx } from "../../src/cli/onnx.js";
import { readRun } from "../../src/cli/run-folder.js";
import { decodeModel } from "../interop/onnx-checker.js";
import { FIXTURES } from "../interop/fixtures.js";
import { ortOutput, relativeError } from "../interop/ort.js";
import { runCli, tempDir } from "./run-cli.js";

const POINTS = [[0.5, 0.2], [1.5, -0.4], [-0.8, 0.9]];

describe("dagrad export", () => {
  const dir = tempDir();
  const run = join(dir, "moons");
  beforeAll(async () => {
    const trained = await runCli(["train", "--epochs", "300", "--out", run]);
    expect(trained.code).toBe(0);
  });

  it("writes model.onnx into the run folder; ONNX Runtime on the standardised points gives dagrad predict's probabilities", async () => {
    const result = await runCli(["export", run, "--format", "onnx"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Wrote .*moons\/model\.onnx \(ONNX opset 17, [\d.]+ kB\): MLP \[2, 8, 1\]\nInput "input": float32 \[batch, 2\]; output "output": float32 \[batch, 1\] \(sigmoid output\)\nThe model reads standardised features: \(x - mean\) \/ std with mean \[.*\], std \[.*\] \(exactly: the file's metadata "dagrad.scaling"\)\n$/);
    const bytes = readFileSync(join(run, "model.onnx"));
    const metadata = Object.fromEntries(decodeModel(bytes).metadataProps!.map((p) => [p.key, p.value]));
    const { mean, std } = JSON.parse(metadata["dagrad.scaling"]!) as { mean: number[]; std: number[] };
    const scaled = new Tensor(Float32Array.from(POINTS.flatMap((p) => p.map((v, j) => (v - mean[j]!) / std[j]!))), [POINTS.length, 2]);
    const probabilities = Array.from((await ortOutput(bytes, scaled)).data);

    const predicted = await runCli(["predict", "--run", run, "--input", POINTS.map((p) => p.join(",")).join(";")]);
    const printed = [...predicted.stdout.matchAll(/p\(class 1\) = ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(printed).toHaveLength(POINTS.length);
    probabilities.forEach((p, i) => expect(Math.abs(p - printed[i]!)).toBeLessThan(5.1e-5));
  });

  it("writes safetensors with PyTorch's names that load into the MLP of the same shape, and says which nn.Sequential that is", async () => {
    const out = join(dir, "moons.safetensors");
    const result = await runCli(["export", run, "--format", "safetensors", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("as PyTorch's state_dict (0.weight, 0.bias, 2.weight, 2.bias)\nLoads into nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Sigmoid())\n");
    const file = loadSafetensors(readFileSync(out));
    expect(file.metadata["dagrad.data"]).toBe("moons");
    const mlp = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid" });
    loadTorchStateDict(mlp, file.tensors);
    expect(mlp.stateDict()).toEqual(readRun(run).model.stateDict());
  });

  it("refuses a missing --format, a folder that is no run, --opset for safetensors; exit code 2, one line", async () => {
    for (const [args, message] of [
      [["export", run], /--format is needed: onnx or safetensors/],
      [["export", "--format", "onnx"], /give one run folder, e.g. dagrad export runs\/moons --format onnx/],
      [["export", dir, "--format", "onnx"], /is not a run folder \(no manifest.json\)/],
      [["export", run, "--format", "safetensors", "--opset", "13"], /--opset applies to --format onnx only/],
      [["export", run, "--format", "tflite"], /--format must be one of onnx, safetensors, got "tflite"/],
    ] as const) {
      const result = await runCli(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("a new run in the folder removes the exports of the one before", async () => {
    const folder = join(dir, "again");
    expect((await runCli(["train", "--epochs", "5", "--out", folder])).code).toBe(0);
    expect((await runCli(["export", folder, "--format", "onnx"])).code).toBe(0);
    expect((await runCli(["export", folder, "--format", "safetensors"])).code).toBe(0);
    expect((await runCli(["train", "--epochs", "5", "--out", folder])).code).toBe(0);
    expect([existsSync(join(folder, "model.onnx")), existsSync(join(folder, "model.safetensors"))]).toEqual([false, false]);
  });
});

describe("dagrad train --init-from", () => {
  const dir = tempDir();

  it("continues an exported run: the first epoch's loss is the exported model's final loss", async () => {
    const first = await runCli(["train", "--epochs", "200", "--out", join(dir, "first")]);
    expect((await runCli(["export", join(dir, "first"), "--format", "onnx"])).code).toBe(0);
    const second = await runCli(["train", "--init-from", join(dir, "first", "model.onnx"), "--epochs", "1", "--log-every", "1", "--out", join(dir, "second")]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`Starting from the weights in ${join(dir, "first", "model.onnx")}`);
    const finalLoss = /Train: loss ([\d.]+)/.exec(first.stdout)![1];
    expect(second.stdout).toContain(`Epoch    1: Loss = ${finalLoss}`);
    const config = JSON.parse(readFileSync(join(dir, "second", "config.json"), "utf8")) as { model: { initFrom: string } };
    expect(config.model.initFrom).toBe(join(dir, "first", "model.onnx"));
    // The run folder reads back (config.json with initFrom included).
    expect((await runCli(["evaluate", "--run", join(dir, "second")])).code).toBe(0);
  });

  it("starts from PyTorch's weights (the committed safetensors fixture): a step of lr 1e-12 leaves them as PyTorch made them", async () => {
    const out = join(dir, "torch");
    const result = await runCli(["train", "--init-from", join(FIXTURES, "moons.safetensors"), "--epochs", "1", "--lr", "1e-12", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const torch = loadSafetensors(readFileSync(join(FIXTURES, "moons.safetensors"))).tensors;
    const trained = torchStateDict(readRun(out).model);
    for (const [name, t] of Object.entries(torch)) expect(relativeError(trained[name]!, t), name).toBeLessThan(1e-9);
  });

  it("takes an ONNX file's widths and activations as the defaults", async () => {
    const relu = join(dir, "relu");
    expect((await runCli(["train", "--activation", "relu", "--layers", "5,3", "--output", "identity", "--epochs", "20", "--out", relu])).code).toBe(0);
    expect((await runCli(["export", relu, "--format", "onnx"])).code).toBe(0);
    const result = await runCli(["train", "--init-from", join(relu, "model.onnx"), "--epochs", "1", "--out", join(dir, "relu-again")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Training MLP \[2, 5, 3, 1\] \(relu hidden, identity output, bceWithLogits loss\) on moons/);
  });

  it("refuses what does not fit, loading nothing; exit code 2, one line", async () => {
    const garbage = join(dir, "garbage.onnx");
    writeFileSync(garbage, "not a model");
    const truncated = join(dir, "truncated.safetensors");
    writeFileSync(truncated, readFileSync(join(FIXTURES, "moons.safetensors")).subarray(0, 300));
    for (const [args, message] of [
      [["--init-from", join(FIXTURES, "classifier.onnx")], /its network \(Linear\(4 → 16\), BatchNorm1d.*\) is not one dagrad train builds: BatchNorm1d/],
      [["--init-from", join(FIXTURES, "moons.onnx"), "--activation", "relu"], /the file's network has tanh hidden and sigmoid output activations, but the options ask for relu and sigmoid/],
      [["--init-from", join(FIXTURES, "moons.safetensors"), "--layers", "4"], /its network has widths \[2, 8, 1\], but moons with these options needs \[2, 4, 1\]/],
      [["--init-from", join(FIXTURES, "moons.onnx"), "--data", "blobs"], /--init-from .*moons.onnx \(a network of widths \[2, 8, 1\] with a sigmoid output\): --output sigmoid/],
      [["--init-from", join(FIXTURES, "moons.onnx"), "--init", "he"], /--init does not apply with --init-from/],
      [["--init-from", join(FIXTURES, "moons.onnx"), "--resume"], /--resume continues the run in .* from its own weights; leave out --init-from/],
      [["--init-from", join(dir, "model.json")], /name an ONNX model \(.onnx\) or a safetensors file \(.safetensors\)/],
      [["--init-from", join(dir, "missing.onnx")], /cannot read .*missing.onnx: ENOENT/],
      [["--init-from", garbage], /garbage.onnx: importOnnx: the 11 bytes (are not an ONNX model|decode to no ONNX graph)/],
      [["--init-from", truncated], /truncated.safetensors: loadSafetensors: .*the file is truncated/],
    ] as const) {
      const out = join(dir, "refused");
      const result = await runCli(["train", ...args, "--epochs", "1", "--out", out]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(out, "manifest.json"))).toBe(false);
    }
  });
});

describe("without the onnx-proto package", () => {
  it("an ONNX command says what to install, as one line of bad input", async () => {
    const missing = Object.assign(new Error("Cannot find package 'onnx-proto' imported from /x/dist/interop/onnx/proto.js"), { code: "ERR_MODULE_NOT_FOUND" });
    await expect(loadOnnx("--format onnx", () => Promise.reject(missing))).rejects.toThrow(UsageError);
    await expect(loadOnnx("--format onnx", () => Promise.reject(missing))).rejects.toThrow(
      "--format onnx needs the onnx-proto package (an optional peer dependency of dagrad, ~23 MB with protobufjs): npm install onnx-proto@8.0.1",
    );
  });

  it("other failures to load pass through unchanged", async () => {
    const other = new SyntaxError("Unexpected token");
    await expect(loadOnnx("--format onnx", () => Promise.reject(other))).rejects.toBe(other);
  });
});
