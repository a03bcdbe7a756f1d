// Bad input: one clear line on stderr, exit code 2, no stack trace; and every
// command answers --help.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./run-cli.js";

const COMMANDS = ["train", "evaluate", "predict", "explain", "gradcheck", "graph", "experiment", "activations"];

function expectUsageError(result: { code: number | null; stdout: string; stderr: string }, message: string): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toBe(`dagrad: ${message}`);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("dagrad --help", () => {
  it("lists every command", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\s`, "m"));
  });

  it.each(COMMANDS)("dagrad %s --help shows its usage and options", async (name) => {
    const result = await runCli([name, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: dagrad ${name}`);
    expect(result.stdout).toMatch(/^ {2}--help\s+show this help$/m);
  });
});

describe("bad input exits with 2 and one line", () => {
  it("an unknown option", async () => {
    expectUsageError(await runCli(["train", "--epoch", "5"]), "Unknown option '--epoch' (see dagrad train --help)");
  });

  it("negative epochs", async () => {
    expectUsageError(await runCli(["train", "--epochs", "-5"]), '--epochs must be an integer >= 1, got "-5"');
  });

  it("layers that are not numbers", async () => {
    expectUsageError(await runCli(["train", "--layers", "a,b"]), '--layers must be a comma-separated list of integers >= 1 (e.g. 16,16), got "a,b"');
  });

  it("a learning rate that is not positive", async () => {
    expectUsageError(await runCli(["train", "--lr", "0"]), '--lr must be a finite number > 0, got "0"');
  });

  it("an unknown dataset, activation and command", async () => {
    expectUsageError(await runCli(["train", "--data", "iris"]), '--data must be one of moons, circles, xor, and, spirals, blobs, mnist, sine, surface or csv:<path>, got "iris"');
    expectUsageError(await runCli(["train", "--activation", "gelu"]), '--activation must be one of relu, leakyRelu, sigmoid, tanh, softplus, identity, got "gelu"');
    expectUsageError(await runCli(["fit"]), 'unknown command "fit"; commands: train, evaluate, predict, export, explain, gradcheck, graph, experiment, activations');
  });

  it("an unreadable CSV file", async () => {
    const result = await runCli(["train", "--data", "csv:/no/such/file.csv"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^dagrad: loadCsvFile: \/no\/such\/file\.csv: cannot read the file: ENOENT/);
  });

  it("a CSV cell that is not a number names its line", async () => {
    const path = join(tempDir(), "bad.csv");
    writeFileSync(path, "1,2,0\n3,x,1\n");
    const result = await runCli(["train", "--data", `csv:${path}`]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/line 2/);
  });

  it("a folder that holds no run", async () => {
    const dir = tempDir();
    expectUsageError(await runCli(["evaluate", "--run", dir]), `readRun: ${dir} is not a run folder (no manifest.json); make one with dagrad train --out ${dir}`);
  });

  it.each([["train", "--epochs", "1"], ["graph"], ["activations"], ["experiment", "lr", "--epochs", "1"]])("dagrad %s with an --out that cannot be a folder", async (...command) => {
    const file = join(tempDir(), "file");
    writeFileSync(file, "");
    expectUsageError(await runCli([...command, "--out", file]), `cannot write to the output folder ${file}: it is a file, not a folder; choose another --out`);
    expectUsageError(await runCli([...command, "--out", join(file, "sub")]), `cannot write to the output folder ${join(file, "sub")}: part of the path is a file, not a folder; choose another --out`);
  });

  it.each([["graph", "graph.svg"], ["activations", "activations.svg"]])("dagrad %s when %s cannot be written names the file, and leaves no temporary file", async (command, name) => {
    const dir = tempDir();
    mkdirSync(join(dir, name));
    const result = await runCli([command, "--out", dir]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toBe(`dagrad: cannot write ${join(dir, name)}: it is a folder, not a file (EISDIR)\n`);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("an experiment that does not exist", async () => {
    expectUsageError(await runCli(["experiment", "dropout"]), 'unknown experiment "dropout"; experiments: hidden-sizes, activations, depth, init, lr, landscape');
  });
});

describe("a reader that goes away", () => {
  it("does not stop train before the run folder is written (dagrad train | head -1)", async () => {
    const out = join(tempDir(), "run");
    let closed = false;
    const result = await runCli(["train", "--epochs", "400", "--log-every", "1", "--out", out], {
      onStdout: (_text, child) => { if (!closed) { closed = true; child.stdout?.destroy(); } },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(existsSync(join(out, "model.json"))).toBe(true);
    expect(existsSync(join(out, "manifest.json"))).toBe(true);
  });
});
