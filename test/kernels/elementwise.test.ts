// The elementwise kernels with a WebAssembly SIMD twin must give exactly the
// bits of the TypeScript loops, for both dtypes, every vector remainder,
// scalar broadcasting on either side and the special values (NaN, ±Infinity,
// ±0, float32 extremes), on every WebAssembly build this runtime runs; the
// one exception is the relaxed-SIMD build's float32 tanh (fused Horner steps),
// which stays within 1 ulp of the TypeScript one.
import { describe, expect, it } from "vitest";
import { setKernelBackend } from "../../src/kernels/backend.js";
import { binaryRuns, broadcastBinary, unaryKernels } from "../../src/kernels/elementwise.js";
import { WASM_BINARY_OPS, WASM_UNARY_OPS } from "../../src/kernels/wasm.js";
import { createRng } from "../../src/autograd/index.js";
import { type Dtype, WASM_PATHS, restoreBackendAfterAll } from "./helpers.js";

restoreBackendAfterAll();
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 3.4e38, -3.4e38, 1e-45, 9, -9, 9.5, 20, -20, 0.5];

function values(dtype: Dtype, length: number, seed: string): Float32Array | Float64Array {
  const rng = createRng(seed);
  const out = dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = i < SPECIAL.length ? SPECIAL[(i * 7 + seed.length) % SPECIAL.length]! : 8 * rng() - 4;
  return out;
}

/** Bit patterns, so -0 differs from 0 and NaN equals NaN. */
function bits(x: Float32Array | Float64Array): string[] {
  return Array.from(x, (v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : String(v)));
}

function onBoth<T extends Float32Array | Float64Array>(path: (typeof WASM_PATHS)[number], compute: () => T): [T, T] {
  setKernelBackend("js");
  const js = compute();
  setKernelBackend(path);
  return [js, compute()];
}

/** Indices where two float32 results differ by more than 1 ulp, or differ at all where either is not a finite non-zero. */
function beyondOneUlp(got: Float32Array | Float64Array, want: Float32Array | Float64Array): number[] {
  const bad: number[] = [];
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Object.is(g, w)) continue;
    const ulp = Math.abs(Math.fround(w * (1 + 2 ** -23)) - w) || 2 ** -149;
    if (!Number.isFinite(w) || w === 0 || Math.sign(g) !== Math.sign(w) || Math.abs(g - w) > ulp * 1.0000001) bad.push(i);
  }
  return bad;
}

// Lengths below and above the wasm threshold (64), with every remainder of 4 and 2 lanes.
const LENGTHS = [1, 5, 63, 64, 65, 66, 67, 1000, 3840];

describe.each(WASM_PATHS)("elementwise kernels: WebAssembly (%s) against the TypeScript loops", (path) => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const name of Object.keys(WASM_BINARY_OPS) as (keyof typeof WASM_BINARY_OPS)[]) {
      it(`${name} (${dtype}) gives identical bits, arrays and broadcast scalars`, () => {
        for (const n of LENGTHS) {
          const a = values(dtype, n, `a-${name}-${n}`);
          const b = values(dtype, n, `b-${name}-${n}-b`);
          for (const [x, y] of [[a, b], [a, b.subarray(0, 1)], [a.subarray(0, 1), b]] as const) {
            const [js, wasm] = onBoth(path, () => {
              const out = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
              broadcastBinary(binaryRuns[name], x, [x.length], y, [y.length], out, [n]);
              return out;
            });
            expect(bits(wasm), `${name} n=${n} lengths ${x.length}, ${y.length}`).toEqual(bits(js));
          }
        }
      });
    }
    for (const name of Object.keys(WASM_UNARY_OPS) as (keyof typeof WASM_UNARY_OPS)[]) {
      const fused = path === "wasm-relaxed" && name === "tanh" && dtype === "float32";
      it(`${name} (${dtype}) gives ${fused ? "results within 1 ulp, identical special values," : "identical bits"}`, () => {
        for (const n of LENGTHS) {
          const x = values(dtype, n, `x-${name}-${n}`);
          const [js, wasm] = onBoth(path, () => {
            const out = dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
            unaryKernels[name](x, out);
            return out;
          });
          if (fused) expect(beyondOneUlp(wasm, js), `${name} n=${n}`).toEqual([]);
          else expect(bits(wasm), `${name} n=${n}`).toEqual(bits(js));
        }
      });
    }
  }

  it("keeps the TypeScript loop when dtypes differ (the loop converts)", () => {
    const a = values("float32", 100, "mixed-a");
    const b = values("float64", 100, "mixed-b");
    const [js, wasm] = onBoth(path, () => {
      const out = new Float64Array(100);
      broadcastBinary(binaryRuns.mul, a, [100], b, [100], out, [100]);
      return out;
    });
    expect(bits(wasm)).toEqual(bits(js));
    expect(wasm[10]).toBe(a[10]! * b[10]!);
  });
});
