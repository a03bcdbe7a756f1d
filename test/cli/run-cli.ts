// Spawn the real dagrad command (the TypeScript source through tsx, so the
// tests need no build) and collect its exit code and output.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const MAIN = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");

export interface CliResult {
  code: number | null;
  /** The signal that ended the process, when one did. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Called with the process as soon as it starts. */
  onSpawn?: (child: ReturnType<typeof spawn>) => void;
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void;
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Run under `ulimit -f` (1024-byte blocks): a larger file write fails with EFBIG. */
  fileSizeLimitKb?: number;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const node = [process.execPath, "--import", "tsx", MAIN, ...args];
    const [command, ...rest] = options.fileSizeLimitKb === undefined ? node : ["bash", "-c", `ulimit -f ${options.fileSizeLimitKb}; exec "$@"`, "bash", ...node];
    const child = spawn(command!, rest, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env } });
    options.onSpawn?.(child);
    let stdout = "", stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "dagrad-cli-"));
}
