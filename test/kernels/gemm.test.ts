// The same GEMM tests on every kernel this runtime runs: the TypeScript one,
// the WebAssembly SIMD one and, where it validates, the relaxed-SIMD one
// (fused multiply-add), each forced for every product size. A naive triple loop in
// doubles is the oracle; blocking edges (micro-tile, depth block, column
// block) and every transpose flag are covered. Then autograd's matmul, whose
// backward multiplies through the transpose flags, is gradchecked on each.
import { afterAll, describe, expect, it } from "vitest";
import "../../src/kernels/node-threads.js"; // the worker, as the Node entries have it
import { gemm, gemmWorkerStrips, getGemmThreads, setGemmThreads, warmUpGemm } from "../../src/kernels/gemm.js";
import { activeKernels, availableKernels, getKernelBackend, setKernelBackend, type KernelBackend } from "../../src/kernels/backend.js";
import { wasmKernels } from "../../src/kernels/wasm.js";
import { createRng, gradcheck, randn } from "../../src/autograd/index.js";
import { WASM_PATHS, randomArray } from "./helpers.js";

/** op(A)·op(B) by definition, summed in doubles. */
function naive(transA: boolean, transB: boolean, m: number, n: number, k: number, a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

/** Largest |got - want| over the sum of |terms| bound k * max|a| * max|b| = k (entries in [-1, 1]). */
function worstError(got: ArrayLike<number>, want: ArrayLike<number>, from = 0): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[from + i]! - want[i]!));
  return worst;
}

// Shapes around the kernels' block sizes: micro-tiles 4x4 (js), 4x8 / 4x4
// (wasm f32 / f64) and 6x8 (relaxed f32), depth blocks 256 (both), column
// blocks 256 (js) and 1024 (wasm), row blocks 132 (wasm).
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1], [1, 9, 1], [5, 1, 3], [3, 5, 7], [4, 8, 16], [5, 9, 17], [6, 8, 5], [7, 8, 9], [13, 11, 129],
  [17, 33, 257], [9, 1030, 3], [130, 7, 520], [64, 64, 64], [140, 9, 20], [134, 40, 7],
];

const original = { backend: getKernelBackend(), threads: getGemmThreads() };
afterAll(() => {
  setKernelBackend(original.backend);
  setGemmThreads(original.threads);
});

describe.each(availableKernels())("gemm on the %s kernel", (backend: Exclude<KernelBackend, "auto">) => {
  for (const dtype of ["float64", "float32"] as const) {
    // float64 sums k products with relative rounding ~1e-16 each; float32 ~6e-8 each.
    const tolerancePerTerm = dtype === "float64" ? 1e-15 : 2e-7;

    it(`matches the triple loop for every transpose flag and edge shape (${dtype})`, () => {
      setKernelBackend(backend);
      for (const [m, n, k] of SHAPES) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const a = randomArray(dtype, m * k, `a${m},${n},${k}`);
            const b = randomArray(dtype, k * n, `b${m},${n},${k}`);
            const c = dtype === "float32" ? new Float32Array(m * n) : new Float64Array(m * n);
            c.fill(123); // must be overwritten, not accumulated into
            gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false);
            const error = worstError(c, naive(transA, transB, m, n, k, a, b));
            expect(error, `${m}x${n}x${k} transA=${transA} transB=${transB}`).toBeLessThan(tolerancePerTerm * k + 1e-300);
          }
        }
      }
    });

    it(`accumulates into C and respects operand offsets (${dtype})`, () => {
      setKernelBackend(backend);
      const [m, n, k] = [6, 10, 300];
      const a = randomArray(dtype, 5 + m * k, "offset-a");
      const b = randomArray(dtype, 3 + k * n, "offset-b");
      const c = randomArray(dtype, 7 + m * n, "offset-c");
      const before = Float64Array.from(c);
      gemm(false, true, m, n, k, a, 5, b, 3, c, 7, true);
      const product = naive(false, true, m, n, k, a.subarray(5), b.subarray(3));
      const want = product.map((v, i) => v + before[7 + i]!);
      expect(worstError(c, want, 7)).toBeLessThan(tolerancePerTerm * k);
      // Entries outside C's range are untouched.
      for (let i = 0; i < 7; i++) expect(c[i]).toBe(before[i]);
    });
  }

  it("starts every row of C as the bias when given one (linear's forward)", () => {
    setKernelBackend(backend);
    for (const dtype of ["float64", "float32"] as const) {
      // One column (computed as a row), short rows (SIMD copies) and rows of 256 bytes or more (memory.copy).
      for (const [m, n, k] of [[7, 5, 3], [240, 16, 16], [3, 9, 0], [50, 1, 7], [9, 70, 5], [6, 33, 4]] as const) {
        const a = randomArray(dtype, m * k, "bias-a");
        const w = randomArray(dtype, n * k, "bias-w");
        const bias = randomArray(dtype, n, "bias");
        const c = dtype === "float32" ? new Float32Array(m * n) : new Float64Array(m * n);
        c.fill(123); // overwritten, not accumulated into
        gemm(false, true, m, n, k, a, 0, w, 0, c, 0, false, bias);
        const want = naive(false, true, m, n, k, a, w).map((v, i) => v + bias[i % n]!);
        expect(worstError(c, want), `${dtype} ${m}x${n}x${k}`).toBeLessThan((dtype === "float64" ? 1e-15 : 2e-7) * (k + 1));
      }
    }
  });

  it("leaves C zero for an empty depth (k = 0) and does nothing for empty outputs", () => {
    setKernelBackend(backend);
    const c = new Float64Array([5, 5, 5, 5]);
    gemm(false, false, 2, 2, 0, new Float64Array(0), 0, new Float64Array(0), 0, c, 0, false);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
    const untouched = new Float64Array([5]);
    gemm(false, false, 0, 3, 4, new Float64Array(0), 0, new Float64Array(12), 0, untouched, 0, true);
    expect(Array.from(untouched)).toEqual([5]);
  });

  it("passes gradcheck for matmul with transposes and batch broadcasting", () => {
    setKernelBackend(backend);
    const rng = createRng(`matmul-${backend}`);
    const a = randn([2, 9, 7], { dtype: "float64", rng, requiresGrad: true });
    const b = randn([7, 12], { dtype: "float64", rng, requiresGrad: true });
    const w = randn([5, 12], { dtype: "float64", rng, requiresGrad: true });
    const result = gradcheck((x, y, z) => x.matmul(y).matmul(z.mT).tanh().sum(), [a, b, w]);
    expect(result.passed, `max relative error ${result.maxRelativeError}`).toBe(true);
    expect(result.maxRelativeError).toBeLessThan(1e-6);
  });
});

describe.each(WASM_PATHS)("large products split with the worker thread (%s)", (path) => {
  it("computes every strip of C, split by rows and by columns, for each dtype and transpose", async () => {
    setKernelBackend(path);
    setGemmThreads(2);
    expect(await warmUpGemm()).toBe(true);
    const strips = gemmWorkerStrips();
    // From the 1M multiply-add threshold; m > n splits rows, n > m columns; sides that are not whole
    // strip units (12 rows, 8 columns) put the part-unit in the first strip.
    // [140, 333, 100]: column strips share op(A) packed whole, in two row blocks (132 rows, then 8).
    // [130, 70, 130]: just above the threshold. [10, 9, 12000]: a side shorter than one strip unit (one strip: the caller alone).
    for (const [m, n, k] of [[301, 77, 190], [45, 333, 290], [140, 333, 100], [130, 70, 130], [10, 9, 12000]] as const) {
      for (const dtype of ["float32", "float64"] as const) {
        for (const [transA, transB] of [[false, false], [true, true]] as const) {
          const a = randomArray(dtype, m * k, `ta${m}`);
          const b = randomArray(dtype, k * n, `tb${m}`);
          const want = naive(transA, transB, m, n, k, a, b);
          // Repeat: how many strips the worker takes depends on when it wakes, the product must not.
          for (let repeat = 0; repeat < 5; repeat++) {
            const c = dtype === "float32" ? new Float32Array(m * n) : new Float64Array(m * n);
            gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, false);
            expect(worstError(c, want), `${m}x${n}x${k} ${dtype}`).toBeLessThan((dtype === "float64" ? 1e-15 : 2e-7) * k);
          }
        }
      }
    }
    expect(gemmWorkerStrips(), "the worker computed some of the 100 products' strips").toBeGreaterThan(strips);
  });

  it("stays on one thread when told to", () => {
    setKernelBackend(path);
    setGemmThreads(1);
    const a = randomArray("float32", 300 * 200, "one-a");
    const b = randomArray("float32", 200 * 100, "one-b");
    const jobs = gemmWorkerStrips();
    gemm(false, false, 300, 100, 200, a, 0, b, 0, new Float32Array(300 * 100), 0, false);
    expect(gemmWorkerStrips()).toBe(jobs);
    expect(() => setGemmThreads(3 as 2)).toThrow(/setGemmThreads: expected 1 or 2 threads, got 3/);
  });
});

describe("which GEMM results depend on the backend", () => {
  /** C from each backend (the wasm one with the worker thread when `threads` is 2). */
  function bothBackends(dtype: "float32" | "float64", transA: boolean, transB: boolean, m: number, n: number, k: number, mode: "zeros" | "bias" | "accumulate", threads: 1 | 2 = 1, path: (typeof WASM_PATHS)[number] = "wasm"): [Float32Array | Float64Array, Float32Array | Float64Array] {
    const a = randomArray(dtype, m * k, `bits-a${m},${n},${k}`);
    const b = randomArray(dtype, k * n, `bits-b${m},${n},${k}`);
    const bias = mode === "bias" ? randomArray(dtype, n, "bits-bias") : null;
    const run = (backend: "js" | typeof path) => {
      setKernelBackend(backend);
      setGemmThreads(threads);
      const c = randomArray(dtype, m * n, "bits-c");
      gemm(transA, transB, m, n, k, a, 0, b, 0, c, 0, mode === "accumulate", bias);
      return c;
    };
    return [run("js"), run(path)];
  }

  it.each(WASM_PATHS)("float64: identical bits on js and %s (same depth blocks, same order, in doubles, never fused), any shape, flags, bias, threads", async (path) => {
    for (const [m, n, k] of [[4, 4, 4], [5, 9, 17], [33, 17, 130], [17, 33, 257], [9, 70, 600], [1, 40, 300], [40, 1, 300]] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const mode of ["zeros", "bias", "accumulate"] as const) {
            const [js, wasm] = bothBackends("float64", transA, transB, m, n, k, mode, 1, path);
            expect(Array.from(wasm), `${m}x${n}x${k} ${transA} ${transB} ${mode}`).toEqual(Array.from(js));
          }
        }
      }
    }
    setKernelBackend(path);
    setGemmThreads(2);
    expect(await warmUpGemm()).toBe(true);
    const strips = gemmWorkerStrips();
    // Repeated: how many strips the worker takes depends on when it wakes.
    for (let repeat = 0; repeat < 10; repeat++) {
      const [js, wasm] = bothBackends("float64", false, true, 301, 77, 290, "bias", 2, path);
      expect(Array.from(wasm)).toEqual(Array.from(js));
    }
    expect(gemmWorkerStrips(), "the worker computed some strips").toBeGreaterThan(strips);
  });

  it("float32: the bits differ (wasm sums in float32 lanes, TypeScript in doubles): 9 of 16 elements of a 4x4x4 product", () => {
    const [js, wasm] = bothBackends("float32", false, false, 4, 4, 4, "zeros");
    const differing = Array.from(js).filter((v, i) => v !== wasm[i]).length;
    expect(differing).toBe(9);
    for (let i = 0; i < 16; i++) expect(Math.abs(js[i]! - wasm[i]!)).toBeLessThan(4 * 2 ** -24 * 4);
  });

  it.runIf(WASM_PATHS.includes("wasm-relaxed"))("float32 on wasm-relaxed: each multiply-add rounds once where the CPU has FMA, twice where it has not", () => {
    // C = a0·b0 + a1·b1 = -1 + (1 + 2^-12)²: the product 1 + 2^-11 + 2^-24 is not a float32.
    // Rounded first (SIMD) it loses 2^-24: 2^-11. Fused, the sum keeps it: 2^-11 + 2^-24.
    const e = 1 + 2 ** -12;
    const a = new Float32Array([-1, e]);
    const b = new Float32Array([1, 1, 1, 1, 1, 1, 1, 1, e, e, e, e, e, e, e, e]);
    const product = (path: "wasm" | "wasm-relaxed"): number[] => {
      setKernelBackend(path);
      const c = new Float32Array(8);
      gemm(false, false, 1, 8, 2, a, 0, b, 0, c, 0, false);
      return Array.from(c);
    };
    expect(product("wasm")).toEqual(new Array(8).fill(2 ** -11));
    const relaxed = product("wasm-relaxed");
    // relaxed_madd leaves the choice to the runtime: one answer for all lanes, one of those two.
    expect(new Set(relaxed).size).toBe(1);
    expect([2 ** -11, 2 ** -11 + 2 ** -24]).toContain(relaxed[0]);
  });
});

describe("setKernelBackend", () => {
  it("rejects an unknown backend by name", () => {
    expect(() => setKernelBackend("gpu" as KernelBackend)).toThrow(/setKernelBackend: unknown backend "gpu", expected "auto", "wasm-relaxed", "wasm" or "js"/);
  });

  it("auto picks relaxed SIMD where WebAssembly.validate accepts it, else SIMD; forcing relaxed elsewhere says why", () => {
    setKernelBackend("auto");
    if (wasmKernels(true) !== null) {
      expect(activeKernels()).toBe("wasm-relaxed");
    } else {
      expect(activeKernels()).toBe("wasm");
      expect(() => setKernelBackend("wasm-relaxed")).toThrow(/does not run WebAssembly relaxed SIMD .*--experimental-wasm-relaxed-simd/);
      expect(getKernelBackend()).toBe("auto");
    }
    setKernelBackend("js");
    expect(activeKernels()).toBe("js");
  });
});
