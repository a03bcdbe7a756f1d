// A quick benchmark run must not overwrite the committed full-run results:
// it writes to a gitignored folder, and the committed files stay as they are.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeReport } from "../../bench/report.js";
import { type RateSuite, FULL_OUTPUT, loadSuites, outputFor, saveSuite } from "../../bench/results.js";

const root = path.resolve(import.meta.dirname, "../..");
const relative = (p: string): string => path.relative(root, p);

/** Whether git ignores a path (check-ignore exits 0 for an ignored one, 1 otherwise). */
function ignored(p: string): boolean {
  try {
    execFileSync("git", ["check-ignore", "-q", "--no-index", relative(p)], { cwd: root });
    return true;
  } catch {
    return false;
  }
}

describe("bench output folders", () => {
  const quick = outputFor(true);
  afterAll(() => rmSync(quick.results, { recursive: true, force: true }));

  it("a full run writes the committed files, a quick run a gitignored folder of its own", () => {
    expect(outputFor(false)).toBe(FULL_OUTPUT);
    expect(ignored(path.join(FULL_OUTPUT.results, "tiny-step.json"))).toBe(false);
    expect(ignored(FULL_OUTPUT.report)).toBe(false);
    expect(quick.results).not.toBe(FULL_OUTPUT.results);
    expect(quick.report).not.toBe(FULL_OUTPUT.report);
    expect(ignored(path.join(quick.results, "tiny-step.json"))).toBe(true);
    expect(ignored(quick.report)).toBe(true);
  });

  it("saving and reporting a quick suite leaves bench/results and bench/RESULTS.md byte for byte", () => {
    const committed = FULL_OUTPUT.report;
    const before = readFileSync(committed, "utf8");
    const full = loadSuites(FULL_OUTPUT).find((s): s is RateSuite => s.name === "tiny-step")!;
    const stored = readFileSync(path.join(FULL_OUTPUT.results, "tiny-step.json"), "utf8");
    const suite: RateSuite = { ...full, run: { ...full.run, quick: true, date: "2000-01-01T00:00:00.000Z" } };
    saveSuite(suite, quick);
    writeReport(quick);
    expect(readFileSync(committed, "utf8")).toBe(before);
    expect(readFileSync(path.join(FULL_OUTPUT.results, "tiny-step.json"), "utf8")).toBe(stored);
    const report = readFileSync(quick.report, "utf8");
    expect(report).toContain("2000-01-01 00:00 UTC (quick)");
    expect(report).not.toContain(readFileSync(path.join(FULL_OUTPUT.report, "..", "analysis.md"), "utf8").trim().slice(0, 200));
  });
});
