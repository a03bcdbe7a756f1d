// Long work can be stopped: Ctrl-C (SIGINT) ends training after the current
// epoch and the run folder still gets the model, history and report. On a
// terminal, progress is a bar redrawn in place.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAIN, runCli, tempDir } from "./run-cli.js";

describe("Ctrl-C during dagrad train", () => {
  it("stops, writes the run folder so far and exits with 130", async () => {
    const out = join(tempDir(), "stopped");
    let sent = false;
    const result = await runCli(["train", "--epochs", "1000000", "--log-every", "200", "--out", out], {
      onStdout: (text, child) => {
        if (!sent && /^Epoch +200:/m.test(text)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(sent).toBe(true);
    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(/^Interrupted after epoch \d+ of 1000000\.$/m);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { interrupted: boolean; epochsRun: number };
    expect(metrics.interrupted).toBe(true);
    expect(metrics.epochsRun).toBeGreaterThanOrEqual(200);
    expect(metrics.epochsRun).toBeLessThan(1000000);
    const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { epochs: unknown[] };
    expect(history.epochs).toHaveLength(metrics.epochsRun);
    for (const file of ["model.json", "report.html", "loss.svg"]) expect(existsSync(join(out, file)), file).toBe(true);
  });
});

// `script` (util-linux) runs the command on a pseudo-terminal, as a user's shell would.
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!hasScript) console.warn("`script` (util-linux) not found: the terminal progress-bar check is skipped");

describe.skipIf(!hasScript)("dagrad train on a terminal", () => {
  it("redraws one progress bar line instead of printing epoch lines", () => {
    const out = join(tempDir(), "tty");
    const command = `${process.execPath} --import tsx ${MAIN} train --epochs 400 --out ${out}`;
    const text = execFileSync("script", ["-qec", command, "/dev/null"], { encoding: "utf8", cwd: join(import.meta.dirname, "..", "..") });
    expect(text).toMatch(/\r\[#+\.*\] \d+\/400 {2}loss \d\.\d{4} {2}acc \d\.\d{4} {2}test acc \d\.\d{4} {2}\d+\.\d+s/);
    expect(text).toContain("] 400/400");
    expect(text).not.toMatch(/^Epoch +\d+:/m);
    expect(text).toMatch(/Test: {2}loss/);
  });
});
