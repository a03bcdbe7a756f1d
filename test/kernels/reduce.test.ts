// Sums over axes on both kernels: column sums of [rows, columns] blocks (a
// bias gradient) run in WebAssembly SIMD from 256 elements, and must give
// exactly what the TypeScript loop gives, which adds row by row in the same order.
import { describe, expect, it } from "vitest";
import { setKernelBackend } from "../../src/kernels/backend.js";
import { sumAxes } from "../../src/kernels/reduce.js";
import { randomArray, restoreBackendAfterAll, WASM_PATHS } from "./helpers.js";

restoreBackendAfterAll();

// [outer, rows, columns] reduced over the middle axis; column counts around the 4- and 2-lane vectors.
const SHAPES: readonly [number, number, number][] = [[1, 240, 16], [1, 300, 7], [3, 100, 9], [2, 64, 1025], [1, 2, 3]];

describe("sumAxes over a middle block of axes", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`gives the same bits on every wasm build and the TypeScript kernels, close to a double sum (${dtype})`, () => {
      for (const [outer, rows, columns] of SHAPES) {
        const x = randomArray(dtype, outer * rows * columns, `sum-${outer}-${rows}-${columns}`);
        const results = (["js", ...WASM_PATHS] as const).map((backend) => {
          setKernelBackend(backend);
          const out = dtype === "float32" ? new Float32Array(outer * columns) : new Float64Array(outer * columns);
          out.fill(7); // overwritten, not accumulated into
          sumAxes(x, [outer, rows, columns], [false, true, false], out);
          return out;
        });
        for (const wasm of results.slice(1)) expect(Array.from(wasm), `${outer}x${rows}x${columns}`).toEqual(Array.from(results[0]!));
        for (let r = 0; r < outer; r++) {
          for (let j = 0; j < columns; j++) {
            let exact = 0;
            for (let i = 0; i < rows; i++) exact += x[(r * rows + i) * columns + j]!;
            expect(Math.abs(results[0]![r * columns + j]! - exact)).toBeLessThan((dtype === "float32" ? 1.2e-7 : 2.3e-16) * rows);
          }
        }
      }
    });
  }
});
