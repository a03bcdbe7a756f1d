// Data movement: permutation, concatenation, slicing and row gathers.
import { type FloatArray, type Shape, stridesOf } from "./shape.js";
import { onTape, taping } from "./tape.js";

/** out = x with its axes reordered: out axis i is x axis dims[i]. */
export function permuteCopy(x: FloatArray, shape: Shape, dims: readonly number[], out: FloatArray): void {
  if (taping()) return onTape(() => permuteCopy(x, shape, dims, out), out);
  const ndim = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = dims.map((d) => shape[d]!);
  const readStrides = dims.map((d) => inStrides[d]!);
  const index = new Array<number>(ndim).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x[src]!;
    for (let d = ndim - 1; d >= 0; d--) {
      src += readStrides[d]!;
      if (++index[d]! < outShape[d]!) break;
      src -= readStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** dst = src element by element, converting between float32 and float64 (casts). */
export function copyValues(src: FloatArray, dst: FloatArray): void {
  if (taping()) return onTape(() => copyValues(src, dst), src.length === dst.length ? dst : null);
  dst.set(src);
}

/** A copy of src in a buffer of its own, never a slab's (clone, a .grad the user keeps). */
export function ownCopy(src: FloatArray): FloatArray {
  const copy = src instanceof Float64Array ? new Float64Array(src.length) : new Float32Array(src.length);
  copyValues(src, copy);
  return copy;
}

/**
 * Copy a block of `rows` x `width` elements from src (row stride srcStride) to
 * dst (row stride dstStride). Concat, slice and their gradients are all this.
 */
export function copyRows(
  src: FloatArray, srcOffset: number, srcStride: number,
  dst: FloatArray, dstOffset: number, dstStride: number,
  rows: number, width: number,
): void {
  if (taping()) return onTape(() => copyRows(src, srcOffset, srcStride, dst, dstOffset, dstStride, rows, width));
  for (let r = 0; r < rows; r++) {
    const s = srcOffset + r * srcStride;
    const d = dstOffset + r * dstStride;
    for (let j = 0; j < width; j++) dst[d + j] = src[s + j]!;
  }
}

/**
 * Gather along the middle axis of x viewed as [outer, n, inner]:
 * out[o, i, :] = x[o, indices[i], :].
 */
export function gatherAxis(x: FloatArray, outer: number, n: number, inner: number, indices: Int32Array, out: FloatArray): void {
  if (taping()) return onTape(() => gatherAxis(x, outer, n, inner, indices, out), out);
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const src = (o * n + indices[i]!) * inner;
      out.set(x.subarray(src, src + inner), (o * count + i) * inner);
    }
  }
}

/** The gradient of gatherAxis: out[o, indices[i], :] += g[o, i, :] (repeated indices accumulate). */
export function scatterAddAxis(g: FloatArray, outer: number, n: number, inner: number, indices: Int32Array, out: FloatArray): void {
  if (taping()) return onTape(() => scatterAddAxis(g, outer, n, inner, indices, out));
  const count = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < count; i++) {
      const dst = (o * n + indices[i]!) * inner;
      const src = (o * count + i) * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += g[src + j]!;
    }
  }
}
