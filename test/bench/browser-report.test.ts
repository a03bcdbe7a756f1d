// npm run bench:browser's results in bench/RESULTS.md: a section of their own,
// and the lines about npm run bench's machine and runs still npm run bench's.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeReport } from "../../bench/report.js";
import { type BrowserSuite, type OutputFolder, type RateSuite, FULL_OUTPUT, loadSuites, saveSuite } from "../../bench/results.js";

describe("the browser section of the benchmark report", () => {
  const folder = mkdtempSync(path.join(tmpdir(), "dagrad-bench-"));
  const output: OutputFolder = { results: folder, report: path.join(folder, "RESULTS.md"), withAnalysis: false };
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("reports each workload's worker / Node ratio against the 1.5x goal, and leaves the machine line to npm run bench's run", () => {
    const tiny = loadSuites(FULL_OUTPUT).find((s): s is RateSuite => s.name === "tiny-step")!;
    saveSuite(tiny, output);
    // "browser.json" sorts before "tiny-step.json": the first suite read is the browser's.
    const browser: BrowserSuite = {
      kind: "browser", name: "browser", chromium: "150.0.1.2",
      run: { ...tiny.run, date: "2000-01-02T03:04:00.000Z", gemm: "js, 1 thread(s)", rounds: 5 },
      cases: [
        { title: "tiny moons net", epochs: 2000, node: 4000, worker: 3000 },
        { title: "deep net", epochs: 200, node: 600, worker: 300 },
      ],
      playing: 2000,
    };
    saveSuite(browser, output);
    writeReport(output);
    const lines = readFileSync(output.report, "utf8").split("\n");
    expect(lines.find((l) => l.startsWith("- Machine:"))).toBe(`- Machine: ${tiny.run.cpu}, ${tiny.run.cores} cores, ${tiny.run.memoryGB} GiB; Node ${tiny.run.node}; dagrad kernels: ${tiny.run.gemm}.`);
    expect(lines.find((l) => l.startsWith("- Run"))).toBe(`- Run: ${tiny.run.date.slice(0, 16).replace("T", " ")} UTC (full).`);
    expect(lines.find((l) => l.startsWith("- Every number"))).toContain(`the median over ${tiny.run.rounds} rounds`);
    const section = lines.slice(lines.indexOf("## Browser: the playground's worker against Node"));
    expect(section[2]).toContain("2000-01-02 03:04 UTC: Chromium 150.0.1.2 against Node");
    expect(section).toContain("| tiny moons net | 2000 | 4000 | 3000 | 0.75x | met |");
    expect(section).toContain("| deep net | 200 | 600 | 300 | 0.50x | **not met** |");
    expect(section.find((l) => l.startsWith("While playing"))).toContain("2000 steps/s, 0.50x of Node's training alone");
  });
});
