// AssemblyScript source of dagrad's WebAssembly SIMD GEMM, compiled by
// build.mjs (npm run build) into gemm-binary.generated.ts. The file is not
// named .ts so that tsc, which compiles src/, leaves it alone.
//
// C[i0:i1, j0:j1] += op(A) · op(B), row-major, f32 or f64. The layout follows
// Goto's GEMM (as BLIS and XNNPACK do): a KC x NC block of op(B) is packed
// into NR-wide column panels, an MC x KC block of op(A) into MR-high row
// panels, and a register-blocked MR x NR micro-kernel multiplies one panel of
// each with two v128 accumulators per row. Packing reads the operands through
// their transpose flags, so no transposed copy is ever made, and pads ragged
// panels with zeros, so the micro-kernel always runs full tiles.
// The caller zeroes C first when it does not accumulate.

const MR = 4; // rows of C per micro-tile
const KC = 256; // depth block: an MR x KC panel of A and a KC x NR panel of B stay in L1
const MC = 128; // rows per packed A block (L2)
const NC = 1024; // columns per packed B block

/** Elements per v128 register: 4 for f32, 2 for f64. */
function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

/** Columns of C per micro-tile: two v128 registers. */
function nr<T>(): i32 {
  return 2 * lanes<T>();
}

/** Bytes of packing scratch one thread needs. */
export function scratchBytes(elementSize: i32): i32 {
  const lanesOf = 16 / elementSize;
  const nrOf = 2 * lanesOf;
  // packed A block + packed B block + one MR x NR tile for ragged stores
  return (MC * KC + KC * (NC + nrOf) + MR * nrOf) * elementSize;
}

/** Pack rows [i0, i0 + mc) and depth [p0, p0 + kc) of op(A) into MR-row panels: panel q, depth p, lane r at (q * kc + p) * MR + r. */
function packA<T>(a: usize, transA: bool, m: i32, k: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const size = sizeof<T>();
  for (let q = 0; q < mc; q += MR) {
    const panel = dst + <usize>(q * kc) * size; // q is a multiple of MR
    const rows = min(MR, mc - q);
    if (transA) {
      // op(A)[i, p] = A[p, i]: the panel's rows are contiguous for each p.
      for (let p = 0; p < kc; p++) {
        const src = a + <usize>((p0 + p) * m + i0 + q) * size;
        const out = panel + <usize>(p * MR) * size;
        for (let r = 0; r < MR; r++) store<T>(out + <usize>r * size, r < rows ? load<T>(src + <usize>r * size) : <T>0);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const out = panel + <usize>r * size;
        if (r < rows) {
          const src = a + <usize>((i0 + q + r) * k + p0) * size;
          for (let p = 0; p < kc; p++) store<T>(out + <usize>(p * MR) * size, load<T>(src + <usize>p * size));
        } else {
          for (let p = 0; p < kc; p++) store<T>(out + <usize>(p * MR) * size, <T>0);
        }
      }
    }
  }
}

/** Pack depth [p0, p0 + kc) and columns [j0, j0 + nc) of op(B) into NR-column panels: panel q, depth p, lane c at (q * kc + p) * NR + c. */
function packB<T>(b: usize, transB: bool, n: i32, k: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const size = sizeof<T>();
  const NR = nr<T>();
  for (let q = 0; q < nc; q += NR) {
    const panel = dst + <usize>(q * kc) * size; // q is a multiple of NR
    const cols = min(NR, nc - q);
    if (transB) {
      // op(B)[p, j] = B[j, p]: each column is a contiguous row of B.
      for (let c = 0; c < NR; c++) {
        const out = panel + <usize>c * size;
        if (c < cols) {
          const src = b + <usize>((j0 + q + c) * k + p0) * size;
          for (let p = 0; p < kc; p++) store<T>(out + <usize>(p * NR) * size, load<T>(src + <usize>p * size));
        } else {
          for (let p = 0; p < kc; p++) store<T>(out + <usize>(p * NR) * size, <T>0);
        }
      }
    } else if (cols === NR) {
      for (let p = 0; p < kc; p++) {
        const src = b + <usize>((p0 + p) * n + j0 + q) * size;
        const out = panel + <usize>(p * NR) * size;
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = b + <usize>((p0 + p) * n + j0 + q) * size;
        const out = panel + <usize>(p * NR) * size;
        for (let c = 0; c < NR; c++) store<T>(out + <usize>c * size, c < cols ? load<T>(src + <usize>c * size) : <T>0);
      }
    }
  }
}

/** C[rows x cols tile at c] += packed A panel · packed B panel over kc. */
function microKernel<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize): void {
  const size = sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load_splat<T>(pa);
    const a1 = v128.load_splat<T>(pa + size);
    const a2 = v128.load_splat<T>(pa + 2 * size);
    const a3 = v128.load_splat<T>(pa + 3 * size);
    c00 = v128.add<T>(c00, v128.mul<T>(a0, b0)); c01 = v128.add<T>(c01, v128.mul<T>(a0, b1));
    c10 = v128.add<T>(c10, v128.mul<T>(a1, b0)); c11 = v128.add<T>(c11, v128.mul<T>(a1, b1));
    c20 = v128.add<T>(c20, v128.mul<T>(a2, b0)); c21 = v128.add<T>(c21, v128.mul<T>(a2, b1));
    c30 = v128.add<T>(c30, v128.mul<T>(a3, b0)); c31 = v128.add<T>(c31, v128.mul<T>(a3, b1));
    pa += 4 * size;
    pb += 32;
  }
  const NR = nr<T>();
  const rowBytes = <usize>ldc * size;
  if (rows === MR && cols === NR) {
    let r0 = c;
    v128.store(r0, v128.add<T>(v128.load(r0), c00)); v128.store(r0, v128.add<T>(v128.load(r0, 16), c01), 16);
    r0 += rowBytes;
    v128.store(r0, v128.add<T>(v128.load(r0), c10)); v128.store(r0, v128.add<T>(v128.load(r0, 16), c11), 16);
    r0 += rowBytes;
    v128.store(r0, v128.add<T>(v128.load(r0), c20)); v128.store(r0, v128.add<T>(v128.load(r0, 16), c21), 16);
    r0 += rowBytes;
    v128.store(r0, v128.add<T>(v128.load(r0), c30)); v128.store(r0, v128.add<T>(v128.load(r0, 16), c31), 16);
    return;
  }
  // A ragged tile: spill the registers, add the part inside C.
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const at = c + <usize>r * rowBytes + <usize>q * size;
      store<T>(at, load<T>(at) + load<T>(tile + <usize>(r * NR + q) * size));
    }
  }
}

function gemm<T>(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  const size = sizeof<T>();
  const NR = nr<T>();
  const packedA = scratch;
  const packedB = packedA + <usize>(MC * KC) * size;
  const tile = packedB + <usize>(KC * (NC + NR)) * size;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB<T>(b, transB, n, k, pc, kc, jc, nc, packedB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA<T>(a, transA, m, k, ic, mc, pc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = packedB + <usize>(jr * kc) * size;
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = packedA + <usize>(ir * kc) * size;
            const at = c + <usize>((ic + ir) * n + jc + jr) * size;
            microKernel<T>(kc, pa, pb, at, n, min(MR, mc - ir), cols, tile);
          }
        }
      }
    }
  }
}

export function gemmF32(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  gemm<f32>(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1, scratch);
}

export function gemmF64(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  gemm<f64>(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1, scratch);
}
