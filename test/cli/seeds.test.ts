// --seeds: one whole run per seed and the spread of their results (mean ±
// std, median, min and max with their seeds), for train and the experiments.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { byClass, parseXml } from "../report/svg-dom.js";
import { type CliResult, runCli, tempDir } from "./run-cli.js";

function expectUsageError(result: CliResult, message: string): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toBe(`dagrad: ${message}\n`);
}

describe("train --seeds", () => {
  it("trains each seed into its own run folder and prints the spread, where moons seed 1 is the one stuck at 0.80", async () => {
    const out = tempDir();
    const result = await runCli(["train", "--seeds", "0..2", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const accuracies = [0, 1, 2].map((seed) => {
      const dir = join(out, `seed-${seed}`);
      expect(existsSync(join(dir, "manifest.json"))).toBe(true);
      expect((JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { data: { seed: number } }).data.seed).toBe(seed);
      return (JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as { testAccuracy: number }).testAccuracy;
    });
    expect(accuracies[1]).toBeCloseTo(0.8, 10);
    for (const [seed, accuracy] of accuracies.entries()) expect(result.stdout).toMatch(new RegExp(`^seed ${seed} +test accuracy ${accuracy.toFixed(4)}, test loss \\d\\.\\d{4} \\(2000 epochs, `, "m"));
    const mean = accuracies.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / 2);
    const sorted = [...accuracies].sort((a, b) => a - b);
    expect(result.stdout).toContain(`Test accuracy over 3 of 3 seeds: ${mean.toFixed(4)} ± ${std.toFixed(4)} (mean ± std), median ${sorted[1]!.toFixed(4)}, min 0.8000 (seed 1), max ${sorted[2]!.toFixed(4)} (seed ${accuracies.indexOf(sorted[2]!)})`);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { seeds: number[]; spread: { testAccuracy: { mean: number; std: number; minSeed: number } } };
    expect(summary.seeds).toEqual([0, 1, 2]);
    expect(summary.spread.testAccuracy.mean).toBeCloseTo(mean, 12);
    expect(summary.spread.testAccuracy.std).toBeCloseTo(std, 12);
    expect(summary.spread.testAccuracy.minSeed).toBe(1);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(byClass(parseXml(html.slice(html.indexOf("<svg "), html.indexOf("</svg>") + 6)), "marker")).toHaveLength(3);
  });

  it("stops at Ctrl-C after the seed in progress, writes the summary of the seeds done, and leaves a half-trained seed out of the spread", async () => {
    const out = tempDir();
    let sent = false;
    const result = await runCli(["train", "--seeds", "0..5", "--epochs", "3000", "--out", out], {
      onStdout: (text, child) => { if (!sent && /^seed 1 /m.test(text)) { sent = true; child.kill("SIGINT"); } },
    });
    expect(result.code).toBe(130);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { seeds: number[]; spread: { testAccuracy: { count: number } } };
    expect(summary.seeds.length).toBeLessThan(6);
    const interrupted = summary.seeds.filter((seed) => new RegExp(`^seed ${seed} .*\\(interrupted\\)$`, "m").test(result.stdout));
    expect(summary.spread.testAccuracy.count).toBe(summary.seeds.length - interrupted.length);
    if (interrupted.length > 0) expect(result.stdout).toContain(`Interrupted: seed ${interrupted.join(", ")}, before its last epoch (left out of the spread)`);
    // The Ctrl-C came while a seed was training, and says so (not "Training is over" as after a first seed's writing).
    expect(result.stderr).toContain("Stopping after this epoch; the run folder will still be written");
  });

  it("refuses --seed and --resume beside it, and a list that is no seeds", async () => {
    expectUsageError(await runCli(["train", "--seeds", "0..2", "--seed", "4"]), "--seeds sets --seed for each run: give one of them");
    expectUsageError(await runCli(["train", "--seeds", "0..2", "--resume"]), "--resume continues one run: leave out --seeds and give that seed's folder, e.g. --out runs/moons-seeds/seed-3");
    expectUsageError(await runCli(["train", "--seeds", "3..1"]), '--seeds must be seeds (integers >= 0) as a list or ranges, e.g. 0..9 or 1,5,9, got "3..1"');
  });
});

describe("experiment --seeds", () => {
  it("runs the experiment once per seed; the table shows each number's mean ± std [min, max] and counts the seeds that diverged", async () => {
    const out = tempDir();
    const result = await runCli(["experiment", "lr", "--rates", "0.5,1e300", "--epochs", "30", "--seeds", "0..2", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("seeds 0..2)");
    expect(result.stdout).toMatch(/^Seed 2:$/m);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { table: { rows: string[][] }; seeds: { seed: number; table: { rows: string[][] } }[] };
    expect(results.seeds.map((s) => s.seed)).toEqual([0, 1, 2]);
    const accuracies = results.seeds.map((s) => Number(s.table.rows[0]![1]));
    const mean = accuracies.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / 2);
    expect(results.table.rows[0]).toEqual(["0.5", `${mean.toFixed(4)} ± ${std.toFixed(4)} [${Math.min(...accuracies).toFixed(4)}, ${Math.max(...accuracies).toFixed(4)}]`, expect.stringMatching(/ ± /), "-"]);
    expect(results.table.rows[1]).toEqual(["1e+300", "-", "-", "3 of 3 (epoch 1)"]);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("Results over 3 seeds: mean ± std [min, max]");
  });

  it("refuses --seed beside --seeds", async () => {
    expectUsageError(await runCli(["experiment", "lr", "--seeds", "0..2", "--seed", "3"]), "--seeds sets --seed for each run of the experiment: give one of them");
  });
});
