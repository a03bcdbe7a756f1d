// train --preset: the source documents' exact setups and the lines they
// print; options on the command line still win.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

const json = <T>(dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as T;
interface History { epochs: { epoch: number; loss: number; metrics: { accuracy: number } }[] }

function expectUsageError(result: CliResult, message: string): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(`dagrad: ${message}\n`);
}

describe("train --preset", () => {
  it("000: the notebook's setup and its lines, epochs counted from 0 as it counts them", async () => {
    const out = tempDir();
    const result = await runCli(["train", "--preset", "000", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Preset: 000 section 3: SimpleMLP\(2, 8, 1\) on make_moons/m);
    const lines = result.stdout.split("\n").filter((l) => l.startsWith("Epoch "));
    expect(lines.map((l) => Number(l.slice(6, 10)))).toEqual([...Array.from({ length: 20 }, (_, i) => i * 100), 1999]);
    // The notebook's "Epoch 0" is the loss before any update: dagrad's first record.
    const history = json<History>(out, "history.json");
    expect(lines[0]).toBe(`Epoch    0: Loss = ${history.epochs[0]!.loss.toFixed(4)}, Accuracy = ${history.epochs[0]!.metrics.accuracy.toFixed(4)}`);
    const metrics = json<{ testAccuracy: number }>(out, "metrics.json");
    expect(result.stdout).toContain(`\nTest Accuracy: ${metrics.testAccuracy.toFixed(4)}\n`);
    expect(result.stdout).not.toMatch(/^Train: /m);
    expect(json<{ data: { scaleOn: string }; model: { init: string }; preset: string }>(out, "config.json")).toMatchObject({ data: { scaleOn: "all" }, model: { init: "he" }, preset: "000" });
  });

  it("002: outputs still near 0.5 after the document's 100 epochs; --epochs 10000 (given options win) learns XOR", async () => {
    const [short, long] = [tempDir(), tempDir()];
    const [hundred, tenThousand] = await Promise.all([
      runCli(["train", "--preset", "002", "--out", short]),
      runCli(["train", "--preset", "002", "--epochs", "10000", "--out", long]),
    ]);
    expect(hundred.code, hundred.stderr).toBe(0);
    const printed = [...hundred.stdout.matchAll(/^mlp\.predict\(\[[01], [01]\]\) = \[(\S+)\] {3}\(the document printed \[0\.\d+\]\)$/gm)].map((m) => Number(m[1]));
    expect(printed).toHaveLength(2);
    for (const p of printed) expect(Math.abs(p - 0.5)).toBeLessThan(0.05);
    expect(json<History>(short, "history.json").epochs).toHaveLength(100);
    expect(tenThousand.code, tenThousand.stderr).toBe(0);
    const predicted = await runCli(["predict", "--run", long, "--input", "0,0;0,1;1,0;1,1"]);
    expect([...predicted.stdout.matchAll(/-> class (\d)/g)].map((m) => m[1])).toEqual(["0", "1", "1", "0"]);
  });

  it("003: the lab's lines every 500 epochs (the mean BCE of its summed gradient) and its final printout", async () => {
    const out = tempDir();
    const result = await runCli(["train", "--preset", "003", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split("\n").filter((l) => l.startsWith("Epoch "));
    expect(lines.map((l) => Number(l.slice(6, 10)))).toEqual([1, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000]);
    const history = json<History>(out, "history.json");
    expect(lines[0]).toBe(`Epoch    1 | Loss: ${(history.epochs[0]!.loss / 4).toFixed(4)}`);
    expect(result.stdout).toContain("Predicted labels:\n [[0]\n [0]\n [0]\n [1]]\n\nTrue labels:\n [[0]\n [0]\n [0]\n [1]]\n");
    expect(result.stdout).toMatch(/^Final y_hat probabilities:\n \[\[0\.\d{4}\]\n \[0\.\d{4}\]\n \[0\.\d{4}\]\n \[0\.9\d{3}\]\]$/m);
  });

  it("004 is one worked step: explain prints it; an unknown preset is refused", async () => {
    expectUsageError(await runCli(["train", "--preset", "004"]), "004 is one worked forward, backward and update step from its printed weights, not a training run: dagrad explain --example 004 prints it");
    expectUsageError(await runCli(["train", "--preset", "001"]), '--preset must be one of 000, 002, 003 (004: dagrad explain --example 004), got "001"');
  });
});
