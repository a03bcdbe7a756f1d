// Which results depend on the kernel backend, measured on whole training runs:
// float64 gives identical bits on every WebAssembly build and the TypeScript
// kernels (a guarantee: every kernel computes the same operations in the same
// order, never fused); float32 does not, because the wasm GEMM sums in float32
// lanes (fused on the relaxed-SIMD build) and the TypeScript one in doubles.
import { describe, expect, it } from "vitest";
import { type ActivationName, MLP, SGD, crossEntropy, randn, setKernelBackend, tensor } from "../../src/index.js";
import { createRng } from "../../src/autograd/index.js";
import { WASM_PATHS, restoreBackendAfterAll } from "./helpers.js";

restoreBackendAfterAll();

/** Losses of 5 SGD steps and the final weights' bits, on one backend. */
function train(backend: "js" | (typeof WASM_PATHS)[number], dtype: "float32" | "float64", activation: ActivationName): { losses: number[]; weights: number[] } {
  setKernelBackend(backend);
  // 300 rows: the weight gradients' products sum over more than one 256-deep block;
  // 40 hidden units: every elementwise op, row sum and SGD update is long enough for wasm.
  const mlp = new MLP({ sizes: [20, 40, 40, 5], activation, dtype, seed: 3 });
  const x = randn([300, 20], { dtype, rng: createRng("backends-x") });
  const labels = tensor(Array.from({ length: 300 }, (_, i) => (i * 7) % 5), { dtype });
  const optimizer = new SGD(mlp.parameters(), { lr: 0.1 });
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    mlp.zeroGrad();
    const loss = crossEntropy(mlp.forward(x), labels);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return { losses, weights: mlp.parameters().flatMap((p) => Array.from(p.data)) };
}

describe("results across kernel backends", () => {
  for (const activation of ["tanh", "relu", "sigmoid"] as const) {
    it.each(WASM_PATHS)(`float64 training (${activation}): identical losses and weights on js and %s, bit for bit`, (path) => {
      const js = train("js", "float64", activation);
      const wasm = train(path, "float64", activation);
      expect(wasm.losses).toEqual(js.losses);
      expect(wasm.weights).toEqual(js.weights);
    });
  }

  it.each(WASM_PATHS)("float32 training on %s: close (float32 rounding) but not identical", (path) => {
    const js = train("js", "float32", "tanh");
    const wasm = train(path, "float32", "tanh");
    const differing = js.weights.filter((v, i) => v !== wasm.weights[i]).length;
    expect(differing).toBeGreaterThan(0);
    js.losses.forEach((loss, i) => expect(Math.abs(loss - wasm.losses[i]!) / loss).toBeLessThan(1e-5));
  });
});
