// The relaxed-SIMD kernels on Node 20, where WebAssembly.validate refuses
// them unless V8 runs with --experimental-wasm-relaxed-simd (a flag
// NODE_OPTIONS does not accept): a child Node started with the flag runs the
// kernel tests (which then cover every build: js, wasm, wasm-relaxed) and
// the gradient checks with DAGRAD_KERNELS=wasm-relaxed. Where this runtime
// validates relaxed SIMD itself (Node 22+), the other kernel tests already
// run it and this one has nothing to add.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { wasmKernels } from "../../src/kernels/wasm.js";

const root = path.resolve(import.meta.dirname, "../..");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const FILES = ["test/kernels", "test/autograd/ops.gradcheck.test.ts", "test/autograd/gradcheck.test.ts", "test/nn/losses.test.ts"];

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

describe.skipIf(wasmKernels(true) !== null)("relaxed SIMD in a Node started with --experimental-wasm-relaxed-simd", () => {
  it("passes the kernel tests on every build and the gradient checks with DAGRAD_KERNELS=wasm-relaxed", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dagrad-relaxed-"));
    try {
      const report = path.join(dir, "report.json");
      // Threads, not forks: V8 flags hold for the whole process, so worker threads see relaxed SIMD too.
      const child = spawnSync(
        process.execPath,
        ["--experimental-wasm-relaxed-simd", vitest, "run", ...FILES, "--pool=threads", "--reporter=json", `--outputFile=${report}`],
        { cwd: root, env: { ...process.env, DAGRAD_KERNELS: "wasm-relaxed" }, encoding: "utf8", timeout: 300_000 },
      );
      const result = JSON.parse(readFileSync(report, "utf8")) as JsonReport;
      const names = result.testResults.flatMap((file) => file.assertionResults.map((a) => a.fullName));
      const failed = result.testResults.flatMap((file) => file.assertionResults.filter((a) => a.status === "failed").map((a) => a.fullName));
      expect(failed, child.stderr.slice(-2000)).toEqual([]);
      expect(child.status).toBe(0);
      // The child really ran the relaxed build: the tests named after it ran and passed.
      expect(names.filter((n) => n.includes("wasm-relaxed")).length).toBeGreaterThan(20);
      expect(result.numPassedTests).toBeGreaterThan(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
