// Plain SGD on every kernel: each wasm build's update must give the bits of the loop.
import { describe, expect, it } from "vitest";
import { setKernelBackend } from "../../src/kernels/backend.js";
import { sgdUpdate } from "../../src/kernels/update.js";
import { randomArray, restoreBackendAfterAll, WASM_PATHS } from "./helpers.js";

restoreBackendAfterAll();
const values = (dtype: "float32" | "float64", length: number, seed: string) => randomArray(dtype, length, seed, 2);

describe("sgdUpdate", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`gives identical bits on every wasm build and TypeScript, with and without weight decay (${dtype})`, () => {
      for (const n of [3, 64, 65, 66, 67, 1001]) {
        for (const [lr, weightDecay] of [[0.1, 0], [0.05, 1e-2], [1.7, 0.3]] as const) {
          const grad = values(dtype, n, `g${n}`);
          const [js, ...wasm] = (["js", ...WASM_PATHS] as const).map((backend) => {
            setKernelBackend(backend);
            const w = values(dtype, n, `w${n}`);
            sgdUpdate(w, grad, lr, weightDecay);
            return Array.from(w);
          });
          for (const w of wasm) expect(w, `n=${n} lr=${lr} weightDecay=${weightDecay}`).toEqual(js);
          const w0 = values(dtype, n, `w${n}`);
          const want = dtype === "float32" ? Math.fround(w0[n - 1]! - lr * (grad[n - 1]! + weightDecay * w0[n - 1]!)) : w0[n - 1]! - lr * (grad[n - 1]! + weightDecay * w0[n - 1]!);
          expect(js[n - 1]).toBe(want);
        }
      }
    });
  }
});
