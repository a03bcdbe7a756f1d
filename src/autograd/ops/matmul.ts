// matmul with torch.matmul semantics. The recorded op multiplies >= 2-D
// operands with broadcast batch axes and optional transpose flags; backward
// uses the flags, so A^T·G and G·B^T read the operands in place (no transposed
// copies). A shared matrix's gradient comes back batch-shaped and the engine
// sums it over the broadcast batch axes, as for any broadcast input.
import { gemm } from "../../kernels/gemm.js";
import { type Shape, broadcastShapes, broadcastStrides, sizeOf } from "../../kernels/shape.js";
import { ShapeError, formatShape } from "../errors.js";
import { type Node, record, willRecord } from "../graph.js";
import type { Tensor } from "../tensor.js";
import { type RecordedOp, emptyLike, expectTensor, promote } from "./common.js";

/** For each matrix of the broadcast batch, the index of the operand's matrix it reads. */
function batchIndices(batch: readonly number[], target: readonly number[]): Int32Array {
  const count = sizeOf(target);
  const indices = new Int32Array(count);
  if (batch.length === 0) return indices;
  const strides = broadcastStrides(batch, target);
  const index = new Array<number>(target.length).fill(0);
  let at = 0;
  for (let i = 0; i < count; i++) {
    indices[i] = at;
    for (let d = target.length - 1; d >= 0; d--) {
      at += strides[d]!;
      if (++index[d]! < target[d]!) break;
      at -= strides[d]! * target[d]!;
      index[d] = 0;
    }
  }
  return indices;
}

/** Transpose flags of a recorded matmul: op(A) = Aᵀ when transA, likewise B. */
interface Flags { readonly transA: boolean; readonly transB: boolean }
/** What linear's backward needs: x's shape and its rows once leading axes are flattened. */
interface LinearSaved { readonly xShape: Shape; readonly rows: number; readonly inFeatures: number; readonly outFeatures: number }

export const matmulOps = {
  matmul: {
    gradient: "a: g · bᵀ; b: aᵀ · g (summed over broadcast batch axes)",
    /** op(a) · op(b) for operands of at least 2 dimensions; op transposes the last two axes when its flag is set. */
    forward: (a: Tensor, b: Tensor, { transA, transB }: Flags): Tensor => {
      const ra = a.ndim, rb = b.ndim;
      const m = a.shape[transA ? ra - 1 : ra - 2]!;
      const k = a.shape[transA ? ra - 2 : ra - 1]!;
      const kb = b.shape[transB ? rb - 1 : rb - 2]!;
      const n = b.shape[transB ? rb - 2 : rb - 1]!;
      if (k !== kb) {
        throw new ShapeError("matmul", `cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: inner dimensions ${k} and ${kb} differ`, [a.shape, b.shape]);
      }
      if (ra === 2 && rb === 2) {
        // No batch axes (every product of an MLP): one GEMM, no index tables.
        const out = emptyLike("matmul", promote(a.dtype, b.dtype), [m, n], willRecord(a, b));
        gemm(transA, transB, m, n, k, a.data, 0, b.data, 0, out.data, 0, false);
        return out;
      }
      const batchA = a.shape.slice(0, -2);
      const batchB = b.shape.slice(0, -2);
      const batch = broadcastShapes(batchA, batchB);
      if (batch === null) {
        throw new ShapeError("matmul", `cannot broadcast the batch dimensions ${formatShape(batchA)} of ${formatShape(a.shape)} with ${formatShape(batchB)} of ${formatShape(b.shape)}`, [a.shape, b.shape]);
      }
      const out = emptyLike("matmul", promote(a.dtype, b.dtype), [...batch, m, n], willRecord(a, b));
      const aIndex = batchIndices(batchA, batch);
      const bIndex = batchIndices(batchB, batch);
      const aSize = m * k, bSize = k * n, cSize = m * n;
      for (let i = 0; i < aIndex.length; i++) {
        gemm(transA, transB, m, n, k, a.data, aIndex[i]! * aSize, b.data, bIndex[i]! * bSize, out.data, i * cSize, false);
      }
      return out;
    },
    // C = op(A)·op(B): dA = g·op(B)ᵀ (transposed back if A was), dB = op(A)ᵀ·g (likewise).
    backward: (g: Tensor, n: Node, { transA, transB }: Flags) => [
      n.needs(0) ? (transA ? matmulCore(n.input(1), g, transB, true) : matmulCore(g, n.input(1), false, !transB)) : null,
      n.needs(1) ? (transB ? matmulCore(g, n.input(0), true, transA) : matmulCore(n.input(0), g, !transA, false)) : null,
    ],
  },
  linear: {
    gradient: "x: g · W; W: gᵀ · x; b: g summed over rows (x · Wᵀ + b in one op, Wᵀ read in place)",
    /** The output rows start as the bias and the GEMM accumulates into them, reading the weight transposed in place. */
    forward: (x: Tensor, weight: Tensor, bias: Tensor | null, s: LinearSaved): Tensor => {
      const out = emptyLike("linear", promote(promote(x.dtype, weight.dtype), bias?.dtype ?? x.dtype), [...s.xShape.slice(0, -1), s.outFeatures], willRecord(x, weight, bias));
      gemm(false, true, s.rows, s.outFeatures, s.inFeatures, x.data, 0, weight.data, 0, out.data, 0, false, bias?.data ?? null);
      return out;
    },
    // In rows: dx = g · W, dW = gᵀ · x, db = g summed over the rows.
    backward: (g: Tensor, n: Node, s: LinearSaved) => {
      // A 2-D x (every MLP layer) needs no reshape: each would be a tensor more per layer and step.
      const flat = s.xShape.length === 2;
      const g2 = flat ? g : g.reshape([s.rows, s.outFeatures]);
      const dx = n.needs(0) ? matmulCore(g2, n.input(1), false, false) : null;
      return [
        dx === null || flat ? dx : dx.reshape(s.xShape),
        n.needs(1) ? matmulCore(g2, flat ? n.input(0) : n.input(0).reshape([s.rows, s.inFeatures]), true, false) : null,
        n.inputs.length === 3 && n.needs(2) ? g2.sum(0) : null,
      ];
    },
  },
} satisfies Record<string, RecordedOp>;

function matmulCore(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const flags = { transA, transB };
  return record("matmul", [a, b], matmulOps.matmul.forward(a, b, flags), matmulOps.matmul.backward, flags);
}

/**
 * Matrix product with torch.matmul semantics: 1-D · 1-D is a dot product,
 * a 1-D operand is treated as a row (left) or column (right) vector and that
 * axis is removed from the result, and N-D operands broadcast their batch axes.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor("matmul", a, "first operand");
  expectTensor("matmul", b, "second operand");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError("matmul", `both operands need at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}; use mul for scalars`, [a.shape, b.shape]);
  }
  const a2 = a.ndim === 1 ? a.reshape([1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? b.reshape([b.shape[0]!, 1]) : b;
  if (a.ndim === 1 && b.ndim === 1 && a.shape[0] !== b.shape[0]) {
    throw new ShapeError("matmul", `cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}: inner dimensions ${a.shape[0]} and ${b.shape[0]} differ`, [a.shape, b.shape]);
  }
  const product = matmulCore(a2, b2, false, false);
  if (a.ndim > 1 && b.ndim > 1) return product;
  const shape = product.shape.slice();
  if (b.ndim === 1) shape.pop();
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return product.reshape(shape);
}

/**
 * x · weightᵀ + bias, the affine map of a Linear layer with weight [out, in]
 * (PyTorch's layout), as one op. Leading axes of x are flattened into rows
 * (x [..., in] -> [..., out]).
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  expectTensor("linear", x, "input");
  expectTensor("linear", weight, "weight");
  if (weight.ndim !== 2) throw new ShapeError("linear", `weight must be 2-D [out, in], got ${formatShape(weight.shape)}`, [weight.shape]);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new ShapeError("linear", `input ${formatShape(x.shape)} does not end in the weight's in-features ${inFeatures} (weight ${formatShape(weight.shape)})`, [x.shape, weight.shape]);
  }
  const b = bias ?? null;
  if (b !== null) {
    expectTensor("linear", b, "bias");
    if (b.ndim !== 1 || b.shape[0] !== outFeatures) {
      throw new ShapeError("linear", `bias must be [${outFeatures}] for weight ${formatShape(weight.shape)}, got ${formatShape(b.shape)}`, [weight.shape, b.shape]);
    }
  }
  // Rows from the leading axes, not size / inFeatures: that is 0 / 0 with no in-features.
  const saved: LinearSaved = { xShape: x.shape, rows: sizeOf(x.shape.slice(0, -1)), inFeatures, outFeatures };
  const entry = matmulOps.linear;
  return record("linear", b === null ? [x, weight] : [x, weight, b], entry.forward(x, weight, b, saved), entry.backward, saved);
}
