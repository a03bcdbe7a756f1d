// Optimizer updates on typed arrays. Plain SGD runs in WebAssembly SIMD when
// the weights and the gradient share a dtype (identical bits: the wasm kernel
// computes in doubles in the same order), the loop here otherwise and on the
// "js" backend.
import { activeWasm } from "./backend.js";
import type { FloatArray } from "./shape.js";
import { sgdWasm } from "./wasm.js";

/** Below this many weights the loop beats the call into wasm and the copies. */
const WASM_MIN_ELEMENTS = 64;

/** w[i] -= lr * (grad[i] + weightDecay * w[i]), computed in doubles. */
export function sgdUpdate(w: FloatArray, grad: FloatArray, lr: number, weightDecay: number): void {
  const wasm = w.length >= WASM_MIN_ELEMENTS && w.constructor === grad.constructor ? activeWasm() : null;
  if (wasm !== null && sgdWasm(wasm, w, grad, lr, weightDecay)) return;
  for (let i = 0; i < w.length; i++) w[i] -= lr * (grad[i]! + weightDecay * w[i]!);
}
