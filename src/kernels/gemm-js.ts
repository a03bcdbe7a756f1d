// General matrix multiply in plain TypeScript: C (+)= op(A) · op(B), row-major.
// The fallback where WebAssembly SIMD is missing, and the reference the wasm
// kernel is tested against. It sums in doubles: for float64 that is exactly
// the wasm kernel's arithmetic, for float32 it is not (wasm sums in float32 lanes).
// op(X) is X or its transpose, read in place through strides: backward's
// A^T·G and G·B^T never materialise a transposed tensor. Operands are packed
// into 4-wide panels (as BLAS does) so the 4x4 register-blocked inner loop reads
// contiguous memory whatever the transpose flags.
import type { FloatArray } from "./shape.js";

const MR = 4; // rows of C per micro-tile
const NR = 4; // columns of C per micro-tile
// Depth block: the wasm kernel's (wasm/gemm.as), so each element of C is summed in
// the same blocks and order, and float64 products give its bits exactly.
const KC = 256;
const NC = 256;

let packedA = new Float64Array(0);
let packedB = new Float64Array(0);
/** A ragged micro-tile's sums, so edge tiles allocate nothing. */
const edgeTile = new Float64Array(MR * NR);

function ensureScratch(sizeA: number, sizeB: number): void {
  if (packedA.length < sizeA) packedA = new Float64Array(sizeA);
  if (packedB.length < sizeB) packedB = new Float64Array(sizeB);
}

/**
 * Pack a rows x depth operand into panels of `width` rows: panel p, depth d,
 * lane r lands at (p * depth + d) * width + r. Missing rows are zero.
 * Element (row, d) of the logical operand is src[offset + row * rowStride + d * depthStride].
 */
function packPanels(
  src: FloatArray, offset: number, rowStride: number, depthStride: number,
  rows: number, depth: number, width: number, dst: Float64Array,
): void {
  const panels = Math.ceil(rows / width);
  for (let p = 0; p < panels; p++) {
    const base = p * depth * width;
    for (let r = 0; r < width; r++) {
      const row = p * width + r;
      if (row < rows) {
        let s = offset + row * rowStride;
        for (let d = 0; d < depth; d++, s += depthStride) dst[base + d * width + r] = src[s]!;
      } else {
        for (let d = 0; d < depth; d++) dst[base + d * width + r] = 0;
      }
    }
  }
}

/**
 * C[m x n] = (accumulate ? C : 0) + op(A)[m x k] · op(B)[k x n].
 * A is stored m x k (or k x m when transA), B is k x n (or n x k when transB),
 * C is m x n, all contiguous row-major from their offsets.
 */
export function gemmJs(
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number,
  b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  const aPanels = Math.ceil(m / MR);
  const bPanels = Math.ceil(n / NR);
  ensureScratch(aPanels * MR * k, bPanels * NR * k);
  const pa = packedA;
  const pb = packedB;
  // op(A) row i, depth p: transA ? a[p*m + i] : a[i*k + p]
  packPanels(a, aOffset, transA ? 1 : k, transA ? m : 1, m, k, MR, pa);
  // op(B) column j, depth p: transB ? b[j*k + p] : b[p*n + j]
  packPanels(b, bOffset, transB ? k : 1, transB ? 1 : n, n, k, NR, pb);

  const nPanelsPerBlock = NC / NR;
  for (let jb = 0; jb < bPanels; jb += nPanelsPerBlock) {
    const jbEnd = Math.min(bPanels, jb + nPanelsPerBlock);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const p1 = Math.min(k, p0 + KC);
      for (let ip = 0; ip < aPanels; ip++) {
        const aBase = ip * k * MR;
        const i0 = ip * MR;
        const rows = Math.min(MR, m - i0);
        for (let jp = jb; jp < jbEnd; jp++) {
          const bBase = jp * k * NR;
          let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
          let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
          let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
          let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
          let ai = aBase + p0 * MR;
          let bi = bBase + p0 * NR;
          for (let p = p0; p < p1; p++, ai += MR, bi += NR) {
            const a0 = pa[ai]!, a1 = pa[ai + 1]!, a2 = pa[ai + 2]!, a3 = pa[ai + 3]!;
            const b0 = pb[bi]!, b1 = pb[bi + 1]!, b2 = pb[bi + 2]!, b3 = pb[bi + 3]!;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
          }
          const j0 = jp * NR;
          const cols = Math.min(NR, n - j0);
          const r0 = cOffset + i0 * n + j0;
          if (rows === MR && cols === NR) {
            c[r0] += c00; c[r0 + 1] += c01; c[r0 + 2] += c02; c[r0 + 3] += c03;
            const r1 = r0 + n;
            c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12; c[r1 + 3] += c13;
            const r2 = r1 + n;
            c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22; c[r2 + 3] += c23;
            const r3 = r2 + n;
            c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32; c[r3 + 3] += c33;
          } else {
            const t = edgeTile;
            t[0] = c00; t[1] = c01; t[2] = c02; t[3] = c03; t[4] = c10; t[5] = c11; t[6] = c12; t[7] = c13;
            t[8] = c20; t[9] = c21; t[10] = c22; t[11] = c23; t[12] = c30; t[13] = c31; t[14] = c32; t[15] = c33;
            for (let r = 0; r < rows; r++) {
              for (let q = 0; q < cols; q++) c[r0 + r * n + q] += t[r * NR + q]!;
            }
          }
        }
      }
    }
  }
}
