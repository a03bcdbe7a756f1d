// The optional PyTorch line: when a Python 3 with torch is on this machine
// (Debian's python3-torch, say), the bench runs the same workloads with the
// same float32 data in PyTorch, in the same run, so the ratio to native code
// is measured beside the JavaScript peers. Never required: without torch the
// line is left out and RESULTS.md says why. PyTorch is timed inside Python
// (engines/pytorch.py; a call from Node per step would time the pipe), with
// a thread per core and with one.
//
// The BLAS matters more than anything else on this line, so it is checked and
// reported: Debian's torch calls whatever libblas.so.3 the system points to,
// which can be the reference BLAS (plain Fortran loops); where Debian's
// OpenBLAS is installed, the PyTorch process alone loads it instead. OpenBLAS
// picks its kernel by CPU, and on some AVX-512 CPUs falls back to an AVX2 or
// SSE3 one: then OPENBLAS_CORETYPE is set for this process only, and the
// kernel it used is reported either way.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TimingOptions } from "../measure.js";
import type { Batch, InitialWeights, MlpProblem } from "../problems.js";

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "pytorch.py");
/** Pythons to try, in order: Debian's own first (a pyenv or venv python3 earlier on PATH often lacks torch). */
const PYTHONS = ["/usr/bin/python3", "python3"];
/** Debian's OpenBLAS (libopenblas0-pthread), which provides a libblas.so.3 of its own. */
const DEBIAN_OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
/** OpenBLAS kernels that use AVX-512. */
const AVX512_KERNELS = ["skylakex", "cooperlake", "sapphirerapids"];

export interface PytorchTiming {
  readonly engine: string;
  readonly seconds: number;
  readonly rme: number;
  readonly samples: number;
}

interface Probe {
  torch: string;
  threads: number;
  blas: { path: string; openblas: boolean; kernel: string | null; config: string | null };
  cpuFlags: string[];
}

export interface PytorchLine {
  /** What ran: torch version, threads, BLAS library and kernel, and what the bench set. */
  readonly description: string;
  matmul(a: Float32Array, b: Float32Array, n: number, timing: TimingOptions): { timings: PytorchTiming[]; result: Float32Array };
  step(problem: MlpProblem, init: InitialWeights, batch: Batch, timing: TimingOptions): { timings: PytorchTiming[]; losses: Record<string, number[]> };
}

const encode = (x: Float32Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("base64");

function decode(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function call<T>(python: string, env: NodeJS.ProcessEnv, job: object): T {
  const child = spawnSync(python, [SCRIPT], { input: JSON.stringify(job), env, encoding: "utf8", maxBuffer: 1 << 28, timeout: 600_000 });
  if (child.status !== 0) throw new Error(`pytorch: ${python} ${SCRIPT} failed (${child.status ?? child.signal}): ${child.stderr.trim().split("\n").slice(-3).join(" / ")}`);
  return JSON.parse(child.stdout) as T;
}

/** The first Python that imports torch, or null. */
function findPython(): string | null {
  for (const python of PYTHONS) {
    const child = spawnSync(python, ["-c", "import torch"], { encoding: "utf8", timeout: 120_000 });
    if (child.status === 0) return python;
  }
  return null;
}

/** The PyTorch line, or why there is none. */
export function loadPytorch(): { line: PytorchLine | null; why: string } {
  const python = findPython();
  if (python === null) return { line: null, why: `no PyTorch: none of ${PYTHONS.join(", ")} imports torch (Debian: apt-get install python3-torch)` };
  const env: NodeJS.ProcessEnv = { ...process.env };
  const notes: string[] = [];
  let probe = call<Probe>(python, env, { kind: "probe" });
  if (!probe.blas.openblas && existsSync(path.join(DEBIAN_OPENBLAS, "libblas.so.3"))) {
    env["LD_LIBRARY_PATH"] = [DEBIAN_OPENBLAS, process.env["LD_LIBRARY_PATH"]].filter(Boolean).join(":");
    notes.push(`the system's libblas.so.3 is ${probe.blas.path}; the bench loads Debian's OpenBLAS for this process (LD_LIBRARY_PATH)`);
    probe = call<Probe>(python, env, { kind: "probe" });
  }
  if (probe.blas.openblas && probe.cpuFlags.includes("avx512f") && !AVX512_KERNELS.includes(probe.blas.kernel?.toLowerCase() ?? "")) {
    const picked = probe.blas.kernel;
    env["OPENBLAS_CORETYPE"] = probe.cpuFlags.includes("avx512_bf16") ? "COOPERLAKE" : "SKYLAKEX";
    probe = call<Probe>(python, env, { kind: "probe" });
    notes.push(`OpenBLAS picked its ${picked} kernel on this AVX-512 CPU; OPENBLAS_CORETYPE=${env["OPENBLAS_CORETYPE"]} set for this process`);
  }
  const blas = probe.blas.openblas
    ? `OpenBLAS (${probe.blas.config ?? ""}), ${probe.blas.kernel} kernel`
    : `${probe.blas.path}, not OpenBLAS (Debian's reference BLAS is plain loops: apt-get install libopenblas0-pthread for a fair line)`;
  const description = [`PyTorch ${probe.torch} (${python}), "pytorch" on ${probe.threads} threads, BLAS: ${blas}`, ...notes].join("; ");
  const timingJob = (timing: TimingOptions) => ({ maxTime: timing.maxTime, minSamples: timing.minSamples, rounds: timing.rounds });
  return {
    why: "",
    line: {
      description,
      matmul(a, b, n, timing) {
        const answer = call<{ cases: PytorchTiming[]; result: string }>(python, env, { kind: "matmul", n, a: encode(a), b: encode(b), timing: timingJob(timing) });
        return { timings: answer.cases, result: decode(answer.result) };
      },
      step(problem, init, batch, timing) {
        const answer = call<{ cases: PytorchTiming[]; losses: Record<string, number[]> }>(python, env, {
          kind: "step", sizes: problem.sizes, activation: problem.activation, loss: problem.loss, lr: problem.lr, rows: batch.rows,
          weights: init.weights.map(encode), biases: init.biases.map(encode), x: encode(batch.x), y: encode(batch.y), timing: timingJob(timing),
        });
        return { timings: answer.cases, losses: answer.losses };
      },
    },
  };
}
