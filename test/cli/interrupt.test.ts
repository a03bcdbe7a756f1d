// Long work can be stopped: the first Ctrl-C (SIGINT) at any point ends
// training after the current epoch and the run folder is still written
// completely (exit code 130); a second quits at once and leaves the folder
// with the earlier run or the new one, never a mix. On a terminal, progress is
// a bar redrawn in place.
import { type ChildProcess, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliResult, MAIN, runCli, tempDir } from "./run-cli.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The run's files (not the hidden staging folders) with the hashes of their bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).filter((n) => !n.startsWith(".")).sort().map((n) => [n, sha256(readFileSync(join(dir, n)))]));
}

const runIdOf = (dir: string) => (JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { runId: string }).runId;
const metricsOf = (dir: string) => JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8")) as { interrupted: boolean; epochsRun: number; testAccuracy: number };

/** Files staged so far by the run writing into dir (0 before it starts writing). */
function stagedFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  const staging = readdirSync(dir).find((n) => n.startsWith(".incoming-"));
  return staging === undefined ? 0 : readdirSync(join(dir, staging)).length;
}

/** Poll until `ready()`, then send SIGINT; resolves when the signal was sent. */
function interruptWhen(child: ChildProcess, ready: () => boolean): Promise<void> {
  return new Promise((done) => {
    const timer = setInterval(() => {
      if (!ready()) return;
      clearInterval(timer);
      child.kill("SIGINT");
      done();
    }, 10);
  });
}

/** Whole and readable: every file the manifest lists, and evaluate reports the run's own test accuracy. */
async function expectWholeRun(dir: string): Promise<void> {
  const evaluation = await runCli(["evaluate", "--run", dir]);
  expect(evaluation.code, evaluation.stderr).toBe(0);
  expect(evaluation.stdout).toContain(`accuracy ${metricsOf(dir).testAccuracy.toFixed(4)}`);
}

/** Each pause between the writing steps lasts this long, so a signal can land in a chosen step. */
const SLOW_WRITING = { DAGRAD_TEST_PAUSE_MS: "200" };

describe("Ctrl-C during dagrad train", () => {
  it("during training: stops, writes the run folder so far and exits with 130", async () => {
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
    expect(result.stderr).toBe("\nStopping after this epoch; the run folder will still be written (Ctrl-C again to quit at once)\n");
    expect(result.stdout).toMatch(/^Interrupted after epoch \d+ of 1000000\.$/m);
    const metrics = metricsOf(out);
    expect(metrics.interrupted).toBe(true);
    expect(metrics.epochsRun).toBeGreaterThanOrEqual(200);
    expect(metrics.epochsRun).toBeLessThan(1000000);
    const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { epochs: unknown[] };
    expect(history.epochs).toHaveLength(metrics.epochsRun);
    for (const file of ["model.json", "report.html", "loss.svg"]) expect(existsSync(join(out, file)), file).toBe(true);
    await expectWholeRun(out);
  });

  it("after the last epoch, during the final evaluation and pictures: the folder is still written completely, exit 130", async () => {
    const out = join(tempDir(), "late");
    let sent = false;
    const result = await runCli(["train", "--epochs", "300", "--log-every", "100", "--out", out], {
      env: SLOW_WRITING,
      onStdout: (text, child) => {
        if (!sent && /^Epoch +300:/m.test(text)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(result.code).toBe(130);
    expect(stagedFiles(out)).toBe(0);
    expect(metricsOf(out)).toMatchObject({ epochsRun: 300, interrupted: false });
    expect(result.stdout).toContain(`Report: ${join(out, "report.html")}`);
    await expectWholeRun(out);
  });

  it("while the files are written: the folder is still written completely, exit 130", async () => {
    const out = join(tempDir(), "writing");
    const result = await runCli(["train", "--epochs", "300", "--log-every", "100", "--out", out], {
      env: SLOW_WRITING,
      onSpawn: (child) => void interruptWhen(child, () => stagedFiles(out) >= 2),
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toBe("\nTraining is over; finishing the run folder (Ctrl-C again to quit at once)\n");
    expect(metricsOf(out)).toMatchObject({ epochsRun: 300, interrupted: false });
    expect(stagedFiles(out)).toBe(0);
    await expectWholeRun(out);
  });
});

describe("a second Ctrl-C quits at once and leaves the earlier run", () => {
  let out: string;
  let earlier: Record<string, string>;
  let earlierId: string;
  beforeAll(async () => {
    out = join(tempDir(), "run");
    const result = await runCli(["train", "--epochs", "300", "--log-every", "100", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    earlier = snapshot(out);
    earlierId = runIdOf(out);
  });

  /** A new training into `out` (another seed), Ctrl-C once when `first` is ready, again after the first one's message. */
  async function twice(args: string[], first: (stdout: string) => boolean, env: Record<string, string> = {}): Promise<{ result: CliResult; secondToEnd: number }> {
    let stdout = "", secondSentAt = 0;
    const result = await runCli([...args, "--seed", "3", "--out", out], {
      env,
      onSpawn: (child) => void interruptWhen(child, () => first(stdout)),
      onStdout: (text) => { stdout = text; },
      onStderr: (text, child) => {
        if (secondSentAt === 0 && text.includes("(Ctrl-C again to quit at once)")) {
          secondSentAt = Date.now();
          child.kill("SIGINT");
        }
      },
    });
    expect(secondSentAt).toBeGreaterThan(0);
    return { result, secondToEnd: Date.now() - secondSentAt };
  }

  async function expectEarlierRun(): Promise<void> {
    expect(snapshot(out)).toEqual(earlier);
    expect(runIdOf(out)).toBe(earlierId);
    await expectWholeRun(out);
  }

  it("during training", async () => {
    const { result, secondToEnd } = await twice(["train", "--epochs", "1000000", "--log-every", "100"], (stdout) => /^Epoch +200:/m.test(stdout));
    expect(result.signal).toBe("SIGINT");
    expect(secondToEnd).toBeLessThan(1000);
    await expectEarlierRun();
  });

  it("while the files are written", async () => {
    const { result, secondToEnd } = await twice(["train", "--epochs", "300", "--log-every", "100"], () => stagedFiles(out) >= 2, SLOW_WRITING);
    expect(result.signal).toBe("SIGINT");
    expect(secondToEnd).toBeLessThan(1000);
    await expectEarlierRun();
  });
});

describe("Ctrl-C during dagrad experiment", () => {
  it("stops the configurations and still writes the pictures, results.json and report.html, exit 130", async () => {
    const out = join(tempDir(), "lr");
    let sent = false;
    const result = await runCli(["experiment", "lr", "--epochs", "1000000", "--out", out], {
      onStdout: (text, child) => {
        if (!sent && text.startsWith("Experiment lr")) {
          sent = true;
          setTimeout(() => child.kill("SIGINT"), 300);
        }
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toBe("\nStopping after this epoch; the results so far will be written (Ctrl-C again to quit at once)\n");
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { interrupted: boolean; table: { rows: unknown[] } };
    expect(results.interrupted).toBe(true);
    expect(results.table.rows.length).toBeGreaterThan(0);
    expect(readdirSync(out).sort()).toEqual(["lr-loss-log.svg", "lr-loss.svg", "report.html", "results.json"]);
  });
});

describe("Interrupt.hold: what must not be cut in half", () => {
  const interruptModule = resolve("src/cli/interrupt.ts");
  const script = (before: string) => `import { catchInterrupt } from ${JSON.stringify(interruptModule)};
    const interrupt = catchInterrupt(() => "first Ctrl-C");
    ${before}
    await interrupt.hold(() => {
      process.kill(process.pid, "SIGINT");
      const until = Date.now() + 200;
      while (Date.now() < until);
      console.log("work done");
    }, "quit after the work");
    console.log("after hold, requested " + interrupt.requested());
    interrupt.dispose();`;
  const runScript = (source: string) => {
    try {
      return { code: 0, stdout: execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], { encoding: "utf8", stdio: "pipe" }) };
    } catch (e) {
      const failed = e as { status: number; stdout: string; stderr: string };
      return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it("a second Ctrl-C during the work waits for it to finish, then quits with 130", () => {
    const result = runScript(script(`process.kill(process.pid, "SIGINT"); await new Promise((r) => setTimeout(r, 50));`));
    expect(result.code).toBe(130);
    expect(result.stdout).toBe("work done\n");
    expect(result.stderr).toBe("\nfirst Ctrl-C (Ctrl-C again to quit at once)\n\nquit after the work\n");
  });

  it("a first Ctrl-C during the work is the usual first one: the work and what follows go on", () => {
    const result = runScript(script(""));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("work done\nafter hold, requested true\n");
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
