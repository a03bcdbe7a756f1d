// Which implementation the dispatching kernels (GEMM, bias rows and row sums,
// the hot elementwise ops, the SGD update) run:
//   "auto" (default): the WebAssembly SIMD kernels where the platform runs
//          them, else TypeScript;
//   "wasm": the WebAssembly kernels, or an error where they cannot run;
//   "js":   the TypeScript kernels, which are also the reference.
// DAGRAD_KERNELS=js|wasm|auto in the environment sets the starting value, so
// the whole test suite can run on either.
import { type WasmKernels, wasmKernels } from "./wasm.js";

export type KernelBackend = "auto" | "wasm" | "js";
const BACKENDS: readonly string[] = ["auto", "wasm", "js"];

let backend: KernelBackend = "auto";
const fromEnvironment = typeof process !== "undefined" ? process.env["DAGRAD_KERNELS"] : undefined;
if (fromEnvironment !== undefined && fromEnvironment !== "") setKernelBackend(fromEnvironment as KernelBackend);

export function getKernelBackend(): KernelBackend {
  return backend;
}

/** Select the kernels; "wasm" throws where WebAssembly SIMD is unavailable. */
export function setKernelBackend(name: KernelBackend): void {
  if (!BACKENDS.includes(name)) throw new Error(`setKernelBackend: unknown backend "${String(name)}", expected "auto", "wasm" or "js"`);
  if (name === "wasm" && wasmKernels() === null) throw new Error("setKernelBackend: this platform cannot run the WebAssembly SIMD kernels");
  backend = name;
}

/** The WebAssembly instance the calling thread uses, or null when TypeScript runs. */
export function activeWasm(): WasmKernels | null {
  return backend === "js" ? null : wasmKernels();
}
