// Reductions over a set of axes of a row-major array. `reduced[d]` says whether
// axis d is reduced; the output keeps the other axes in order.
import { activeWasm } from "./backend.js";
import { sumRowsWasm } from "./wasm.js";
import { onTape, taping } from "./tape.js";
import type { FloatArray, Shape } from "./shape.js";

/** Below this many elements a row sum stays in TypeScript: the wasm call and copies cost more. */
const WASM_SUM_MIN = 256;

/**
 * When the reduced axes are one contiguous block [from, to), the input is
 * viewed as [outer, span, inner] and the output as [outer, inner].
 */
function contiguousBlock(shape: Shape, reduced: readonly boolean[]): [number, number, number] | null {
  let from = -1;
  let to = -1;
  for (let d = 0; d < shape.length; d++) {
    if (!reduced[d]) continue;
    if (from === -1) from = d;
    else if (to !== -1) return null; // a second block: not contiguous
    if (d + 1 === shape.length || !reduced[d + 1]) to = d + 1;
  }
  if (from === -1) return [1, 1, shape.reduce((s, v) => s * v, 1)];
  let outer = 1, span = 1, inner = 1;
  for (let d = 0; d < from; d++) outer *= shape[d]!;
  for (let d = from; d < to; d++) span *= shape[d]!;
  for (let d = to; d < shape.length; d++) inner *= shape[d]!;
  return [outer, span, inner];
}

/** For each input element in order, the flat index of its output slot. */
function forEachOutputSlot(shape: Shape, reduced: readonly boolean[], visit: (inputIndex: number, outIndex: number) => void): void {
  const ndim = shape.length;
  const outStrides = new Array<number>(ndim).fill(0);
  let stride = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    if (!reduced[d]) { outStrides[d] = stride; stride *= shape[d]!; }
  }
  const size = shape.reduce((s, v) => s * v, 1);
  const index = new Array<number>(ndim).fill(0);
  let o = 0;
  for (let i = 0; i < size; i++) {
    visit(i, o);
    for (let d = ndim - 1; d >= 0; d--) {
      o += outStrides[d]!;
      if (++index[d]! < shape[d]!) break;
      o -= outStrides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}

export function sumAxes(x: FloatArray, shape: Shape, reduced: readonly boolean[], out: FloatArray): void {
  if (taping()) return onTape(() => sumAxes(x, shape, reduced, out), out);
  out.fill(0);
  const block = contiguousBlock(shape, reduced);
  if (block === null) {
    forEachOutputSlot(shape, reduced, (i, o) => { out[o] += x[i]!; });
    return;
  }
  const [outer, span, inner] = block;
  if (inner === 1) {
    // Sum of contiguous rows: accumulate in a local (a double), store once.
    for (let r = 0, i = 0; r < outer; r++) {
      let s = 0;
      for (let k = 0; k < span; k++) s += x[i++]!;
      out[r] = s;
    }
    return;
  }
  // Column sums of [span, inner] blocks, e.g. a bias gradient: row by row, in x's dtype.
  const w = span * inner >= WASM_SUM_MIN && out.constructor === x.constructor ? activeWasm() : null;
  for (let r = 0; r < outer; r++) {
    const oBase = r * inner;
    if (w !== null && sumRowsWasm(w, x, r * span * inner, span, inner, out, oBase)) continue;
    for (let k = 0; k < span; k++) {
      const iBase = (r * span + k) * inner;
      for (let j = 0; j < inner; j++) out[oBase + j] += x[iBase + j]!;
    }
  }
}

/**
 * Max (or min) over the reduced axes. `argIndex[o]` receives the flat input
 * index of the first selected element, so backward can route the gradient to it.
 * A NaN is selected over any number, so it propagates as in PyTorch.
 */
export function extremeAxes(
  x: FloatArray, shape: Shape, reduced: readonly boolean[],
  out: FloatArray, argIndex: Int32Array, takeMin: boolean,
): void {
  if (taping()) return onTape(() => extremeAxes(x, shape, reduced, out, argIndex, takeMin), out);
  out.fill(NaN);
  argIndex.fill(-1);
  const consider = (i: number, o: number): void => {
    const v = x[i]!;
    const best = out[o]!;
    const better = argIndex[o] === -1
      || (best === best && (v !== v || (takeMin ? v < best : v > best)));
    if (better) { out[o] = v; argIndex[o] = i; }
  };
  const block = contiguousBlock(shape, reduced);
  if (block === null) return forEachOutputSlot(shape, reduced, consider);
  const [outer, span, inner] = block;
  for (let r = 0; r < outer; r++) {
    for (let k = 0; k < span; k++) {
      const iBase = (r * span + k) * inner;
      for (let j = 0; j < inner; j++) consider(iBase + j, r * inner + j);
    }
  }
}

/** out = 1 at the flat positions `indices` (a max's or min's selected elements), 0 elsewhere. */
export function markPositions(indices: Int32Array, out: FloatArray): void {
  if (taping()) return onTape(() => markPositions(indices, out), out);
  out.fill(0);
  for (let i = 0; i < indices.length; i++) out[indices[i]!] = 1;
}

/** out[i] = the position along one axis (of extent `extent`, stride `stride`) of flat index argIndex[i]: argmax's answer. */
export function positionsAlongAxis(argIndex: Int32Array, stride: number, extent: number, out: FloatArray): void {
  if (taping()) return onTape(() => positionsAlongAxis(argIndex, stride, extent, out), out);
  for (let i = 0; i < argIndex.length; i++) out[i] = Math.floor(argIndex[i]! / stride) % extent;
}

/** Replace every NaN and infinity of x by 0, in place (logsumexp's shift of an all-infinite row). */
export function zeroNonFinite(x: FloatArray): void {
  if (taping()) return onTape(() => zeroNonFinite(x));
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) x[i] = 0;
}
