// tanhFloat32 against Math.tanh rounded to float32, in units in the last
// place; and its WebAssembly twin against it, bit for bit.
import { describe, expect, it } from "vitest";
import { tanhFloat32 } from "../../src/kernels/fast-tanh.js";
import { setKernelBackend } from "../../src/kernels/backend.js";
import { unaryKernels } from "../../src/kernels/elementwise.js";
import { WASM_PATHS, restoreBackendAfterAll } from "./helpers.js";

restoreBackendAfterAll();

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** Distance in float32 steps between two finite float32 values of one sign. */
function ulps(a: number, b: number): number {
  asFloat[0] = a;
  const x = bits[0]!;
  asFloat[0] = b;
  return Math.abs(x - bits[0]!);
}

describe("tanhFloat32", () => {
  it("is within 1 ulp of correctly rounded tanh over every 97th float32 in (0, 10], and odd", () => {
    // 11 million inputs from the smallest denormal up to 10, where tanh has long rounded to 1.
    const step = 97;
    const count = Math.floor(0x41200000 / step);
    const x = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      bits[0] = 1 + i * step;
      x[i] = asFloat[0]!;
    }
    const out = new Float32Array(count);
    tanhFloat32(x, out);
    const negated = x.map((v) => -v);
    const outNegated = new Float32Array(count);
    tanhFloat32(negated, outNegated);
    let worst = 0;
    let identical = 0;
    for (let i = 0; i < count; i++) {
      const d = ulps(out[i]!, Math.fround(Math.tanh(x[i]!)));
      worst = Math.max(worst, d);
      if (d === 0) identical++;
      if (outNegated[i] !== -out[i]!) throw new Error(`tanhFloat32 is not odd at ${x[i]}`);
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(identical / count).toBeGreaterThan(0.95);
    // The SIMD kernel (f64x2 lanes, the same operations in the same order) gives the same bits;
    // the relaxed-SIMD one fuses its Horner steps: a few results move, none beyond 1 ulp of tanh.
    for (const path of WASM_PATHS) {
      setKernelBackend(path);
      const outWasm = new Float32Array(count);
      unaryKernels.tanh(x, outWasm);
      let differing = 0;
      let worstWasm = 0;
      for (let i = 0; i < count; i++) {
        if (outWasm[i] !== out[i]) differing++;
        worstWasm = Math.max(worstWasm, ulps(outWasm[i]!, Math.fround(Math.tanh(x[i]!))));
      }
      if (path === "wasm") expect(differing).toBe(0);
      else expect(differing / count, path).toBeLessThan(0.01);
      expect(worstWasm, path).toBeLessThanOrEqual(1);
    }
  });

  it("keeps NaN, saturates at ±Infinity, and keeps the sign of zero", () => {
    const out = new Float32Array(5);
    tanhFloat32(new Float32Array([NaN, Infinity, -Infinity, -0, 0]), out);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBe(1);
    expect(out[2]).toBe(-1);
    expect(Object.is(out[3], -0)).toBe(true);
    expect(Object.is(out[4], 0)).toBe(true);
  });

  it("writes in place when out is x", () => {
    const x = new Float32Array([0.5, -2, 30]);
    tanhFloat32(x, x);
    expect(Array.from(x)).toEqual([Math.fround(Math.tanh(0.5)), Math.fround(Math.tanh(-2)), 1]);
  });
});
