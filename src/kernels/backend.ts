// Which implementation the dispatching kernels (GEMM, bias rows and row sums,
// the hot elementwise ops, the SGD update) run:
//   "auto" (default): the fastest that this platform runs: relaxed SIMD where
//          WebAssembly.validate accepts it, else SIMD, else TypeScript;
//   "wasm-relaxed": the WebAssembly relaxed-SIMD build, whose float32 GEMM
//          and tanh use fused multiply-add (f32x4/f64x2.relaxed_madd), or an
//          error where the runtime refuses it (Node 20 without
//          --experimental-wasm-relaxed-simd);
//   "wasm": the WebAssembly SIMD build (separate multiply and add), or an
//          error where WebAssembly SIMD is missing;
//   "js":   the TypeScript kernels, which are also the reference.
// DAGRAD_KERNELS=auto|wasm-relaxed|wasm|js in the environment sets the
// starting value, so the whole test suite can run on each.
import { type WasmKernels, wasmKernels } from "./wasm.js";

export type KernelBackend = "auto" | "wasm-relaxed" | "wasm" | "js";
/** What "auto" resolves to on this platform, or the backend forced. */
export type ActiveKernels = Exclude<KernelBackend, "auto">;
const BACKENDS: readonly string[] = ["auto", "wasm-relaxed", "wasm", "js"];

let backend: KernelBackend = "auto";
let active: WasmKernels | null | undefined;
const fromEnvironment = typeof process !== "undefined" ? process.env["DAGRAD_KERNELS"] : undefined;
if (fromEnvironment !== undefined && fromEnvironment !== "") setKernelBackend(fromEnvironment as KernelBackend);

export function getKernelBackend(): KernelBackend {
  return backend;
}

/** Select the kernels; "wasm-relaxed" and "wasm" throw where this runtime cannot run them, saying why. */
export function setKernelBackend(name: KernelBackend): void {
  if (!BACKENDS.includes(name)) throw new Error(`setKernelBackend: unknown backend "${String(name)}", expected "auto", "wasm-relaxed", "wasm" or "js"`);
  if (name === "wasm" && wasmKernels(false) === null) throw new Error("setKernelBackend: this platform cannot run the WebAssembly SIMD kernels");
  if (name === "wasm-relaxed" && wasmKernels(true) === null) {
    throw new Error("setKernelBackend: this runtime does not run WebAssembly relaxed SIMD (Chromium and Node 22+ do; Node 20 needs node --experimental-wasm-relaxed-simd); use \"wasm\" or \"auto\"");
  }
  backend = name;
  active = undefined;
}

/** The kernels that run now: "auto" resolved to the fastest this platform has. */
export function activeKernels(): ActiveKernels {
  if (backend !== "auto") return backend;
  if (wasmKernels(true) !== null) return "wasm-relaxed";
  return wasmKernels(false) !== null ? "wasm" : "js";
}

/** The WebAssembly instance the calling thread uses, or null when TypeScript runs (resolved once per setKernelBackend: every kernel call asks). */
export function activeWasm(): WasmKernels | null {
  if (active === undefined) {
    switch (backend) {
      case "js": active = null; break;
      case "wasm": active = wasmKernels(false); break;
      case "wasm-relaxed": active = wasmKernels(true); break;
      default: active = wasmKernels(true) ?? wasmKernels(false);
    }
  }
  return active;
}

/** The WebAssembly builds this runtime runs, plainest first (tests run every one of them). */
export function availableKernels(): ActiveKernels[] {
  const out: ActiveKernels[] = ["js"];
  if (wasmKernels(false) !== null) out.push("wasm");
  if (wasmKernels(true) !== null) out.push("wasm-relaxed");
  return out;
}
