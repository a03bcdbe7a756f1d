// A tensor too large to exist is a ShapeError naming the op, the shape, the
// element count and the limit (not a bare RangeError from a typed array or
// from wasm memory), for the creation functions and for every op whose output
// would be too large; an op too large for wasm memory runs in TypeScript.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as dg from "../../src/index.js";
import { ShapeError, setKernelBackend } from "../../src/index.js";
import { sgdUpdate } from "../../src/kernels/update.js";
import { restoreBackendAfterAll } from "../kernels/helpers.js";

restoreBackendAfterAll();

function shapeError(make: () => unknown): ShapeError {
  try {
    make();
  } catch (e) {
    expect(e).toBeInstanceOf(ShapeError);
    return e as ShapeError;
  }
  throw new Error("expected a ShapeError");
}

describe("impossible sizes", () => {
  it("zeros([1e6, 1e6]) names the op, the shape, the count and the limit", () => {
    const error = shapeError(() => dg.zeros([1e6, 1e6]));
    expect(error.op).toBe("zeros");
    expect(error.shapes).toEqual([[1e6, 1e6]]);
    expect(error.message).toBe(
      "zeros: shape [1000000,1000000] has 1000000000000 elements (3725 GiB of float32), more than the 4294967296 a tensor can hold (the largest typed array); use a smaller shape",
    );
  });

  it("every creation function", () => {
    const big = [1e5, 1e5, 1e3];
    const makers: Record<string, () => unknown> = {
      zeros: () => dg.zeros(big),
      ones: () => dg.ones(big, { dtype: "float64" }),
      full: () => dg.full(big, 2),
      rand: () => dg.rand(big),
      randn: () => dg.randn(big),
      eye: () => dg.eye(1e5, 1e5),
      arange: () => dg.arange(1e10),
      linspace: () => dg.linspace(0, 1, 1e10),
    };
    for (const [op, make] of Object.entries(makers)) {
      const error = shapeError(make);
      expect(error.op).toBe(op);
      expect(error.message).toMatch(/elements \(.* GiB of float(32|64)\), more than the 4294967296 a tensor can hold/);
    }
  });

  it("an op whose output would be too large: broadcasting, expand, matmul, linear, where, indexSelect", () => {
    const column = dg.ones([1e5, 1]);
    const row = dg.ones([1, 1e5]);
    const ops: Record<string, () => unknown> = {
      add: () => column.add(row),
      maximum: () => column.maximum(row),
      expand: () => dg.ones([1]).expand(1e5, 1e5),
      matmul: () => column.matmul(row),
      linear: () => dg.linear(column, dg.ones([1e5, 1])),
      where: () => dg.where(column, row, 0),
      indexSelect: () => row.indexSelect(new Array(5e4).fill(0), 0),
    };
    for (const [op, run] of Object.entries(ops)) {
      const error = shapeError(run);
      expect(error.message, op).toMatch(/has \d+ elements .* more than the 4294967296 a tensor can hold/);
    }
    expect(shapeError(ops["add"]!).op).toBe("add");
    expect(shapeError(ops["matmul"]!).message).toMatch(/^matmul: shape \[100000,100000\] has 10000000000 elements/);
  });

  it("an op too large for wasm memory (1 GiB) runs in the TypeScript loop instead of throwing", () => {
    setKernelBackend("wasm");
    const n = 2 ** 27 + 16; // 512 MiB of float32 in, as much out: more than a wasm module's memory
    const x = dg.zeros([n]);
    x.data[n - 1] = 3;
    const y = x.neg();
    expect(y.data[n - 1]).toBe(-3);
    expect(y.size).toBe(n);
    const grad = new Float32Array(n).fill(1);
    sgdUpdate(x.data, grad, 0.5, 0); // the SGD kernel too
    expect(x.data[n - 1]).toBe(2.5);
  });

  it("memory the machine cannot give is a ShapeError too (a child process limited to 3 GB)", () => {
    const dist = new URL("../../dist/index.js", import.meta.url);
    expect(existsSync(dist), "run `npm run build` first: this test loads dist/index.js").toBe(true);
    const script = `import(${JSON.stringify(dist.href)}).then((d) => { try { d.zeros([2 ** 29]); console.log("allocated"); } catch (e) { console.log(e.name + " " + e.message); } })`;
    // The TypeScript kernels: under a 3 GB address-space limit a wasm module cannot reserve its memory.
    const env = { ...process.env, DAGRAD_KERNELS: "js" };
    const out = execFileSync("bash", ["-c", `ulimit -v 3000000 && exec node -e '${script}'`], { encoding: "utf8", env });
    expect(out.trim()).toBe("ShapeError zeros: shape [536870912] has 536870912 elements (2.00 GiB of float32): the memory for it cannot be allocated (Array buffer allocation failed)");
  });
});
