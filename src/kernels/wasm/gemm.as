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
// When C starts as zeros, the first depth block stores instead of adding
// (overwrite); otherwise the caller fills C's rows with a bias (repeatRows)
// or leaves C to accumulate into. sumRows is the bias gradient: a column sum.

const KC = 256; // depth block: an MR x KC panel of A and a KC x NR panel of B stay in L1
const MC = 132; // rows per packed A block (L2): a multiple of both micro-tile heights
/** The tallest micro-tile (for the ragged-store tile's size). */
const MAX_MR = 6;

/**
 * Rows of C per micro-tile. Six for float32 in the relaxed build: 6 x 2
 * accumulators, two B registers and one A splat are 15 of x64's 16 SIMD
 * registers, and 12 independent fused multiply-adds per depth step cover the
 * FMA latency (8 would just match it, so any stall costs). Four otherwise: a
 * separate multiply needs a register for its product, and f64 keeps the
 * TypeScript kernel's order.
 */
// @ts-ignore: decorator
@inline function mr<T>(): i32 {
  return ASC_FEATURE_RELAXED_SIMD && sizeof<T>() == 4 ? 6 : 4;
}
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
  return (MC * KC + KC * (NC + nrOf) + MAX_MR * nrOf) * elementSize;
}

/**
 * Four rows of four f32 (r0..r3 at consecutive depths p..p+3) stored as four
 * columns: at dst + p' * stride bytes for p' = 0..3, the values r0[p'], r1[p'], r2[p'], r3[p'].
 * Packing reads rows of A or of a transposed B and writes depth-major panels: this 4x4 transpose
 * does four depths at once instead of sixteen scalar copies.
 */
function storeTransposed4x4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}

/** Pack rows [i0, i0 + mc) and depth [p0, p0 + kc) of op(A) into MR-row panels: panel q, depth p, lane r at (q * kc + p) * MR + r. */
function packA<T>(a: usize, transA: bool, m: i32, k: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const size = sizeof<T>();
  const MR = mr<T>();
  for (let q = 0; q < mc; q += MR) {
    const panel = dst + <usize>(q * kc) * size; // q is a multiple of MR
    const rows = min(MR, mc - q);
    if (transA && sizeof<T>() == 4 && rows === MR) {
      // op(A)[i, p] = A[p, i]: the panel's MR f32 rows are contiguous for each p (4, or 4 then 2).
      for (let p = 0; p < kc; p++) {
        const src = a + <usize>((p0 + p) * m + i0 + q) * size;
        const out = panel + <usize>(p * MR) * size;
        v128.store(out, v128.load(src));
        if (MR == 6) v128.store64_lane(out + 16, v128.load64_zero(src + 16), 0);
      }
    } else if (transA) {
      // op(A)[i, p] = A[p, i]: the panel's rows are contiguous for each p.
      for (let p = 0; p < kc; p++) {
        const src = a + <usize>((p0 + p) * m + i0 + q) * size;
        const out = panel + <usize>(p * MR) * size;
        for (let r = 0; r < MR; r++) store<T>(out + <usize>r * size, r < rows ? load<T>(src + <usize>r * size) : <T>0);
      }
    } else if (sizeof<T>() == 4 && rows === MR) {
      // Whole f32 rows: transpose 4 depths at a time (rows 0-3 as a 4x4 block, rows 4-5 in pairs).
      const src = a + <usize>((i0 + q) * k + p0) * size;
      const rowBytes = <usize>k * size;
      const stride = <usize>MR * size;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const at = src + <usize>p * size;
        const out = panel + <usize>(p * MR) * size;
        storeTransposed4x4(v128.load(at), v128.load(at + rowBytes), v128.load(at + 2 * rowBytes), v128.load(at + 3 * rowBytes), out, stride);
        if (MR == 6) {
          const r4 = v128.load(at + 4 * rowBytes), r5 = v128.load(at + 5 * rowBytes);
          const low = v128.shuffle<f32>(r4, r5, 0, 4, 1, 5), high = v128.shuffle<f32>(r4, r5, 2, 6, 3, 7);
          v128.store64_lane(out + 16, low, 0);
          v128.store64_lane(out + stride + 16, low, 1);
          v128.store64_lane(out + 2 * stride + 16, high, 0);
          v128.store64_lane(out + 3 * stride + 16, high, 1);
        }
      }
      for (; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<T>(panel + <usize>(p * MR + r) * size, load<T>(src + <usize>r * rowBytes + <usize>p * size));
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
    if (transB && sizeof<T>() == 4 && cols === NR) {
      // op(B)[p, j] = B[j, p], eight whole f32 columns: two 4x4 transposes per 4 depths.
      const rowBytes = <usize>k * size;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        for (let g = 0; g < NR; g += 4) {
          const at = b + <usize>((j0 + q + g) * k + p0 + p) * size;
          storeTransposed4x4(v128.load(at), v128.load(at + rowBytes), v128.load(at + 2 * rowBytes), v128.load(at + 3 * rowBytes), panel + <usize>(p * NR + g) * size, <usize>NR * size);
        }
      }
      for (; p < kc; p++) {
        for (let c = 0; c < NR; c++) store<T>(panel + <usize>(p * NR + c) * size, load<T>(b + <usize>((j0 + q + c) * k + p0 + p) * size));
      }
    } else if (transB) {
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

/**
 * c + a * b in T lanes. The relaxed-SIMD build fuses float32 lanes
 * (f32x4.relaxed_madd: one rounding where the CPU has FMA, so the bits differ
 * from the plain build's); float64 lanes always multiply, round, add, round,
 * as the TypeScript GEMM does, so float64 products stay identical on every path.
 */
// @ts-ignore: decorator
@inline function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD && sizeof<T>() == 4) return f32x4.relaxed_madd(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}

/**
 * The relaxed build's float32 micro-kernel: C[rows x cols tile at c] += a 6-row
 * panel of A · an 8-column panel of B over kc, twelve fused accumulators.
 */
function microKernel6x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize, overwrite: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd<f32>(a, b0, c00); c01 = madd<f32>(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd<f32>(a, b0, c10); c11 = madd<f32>(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd<f32>(a, b0, c20); c21 = madd<f32>(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd<f32>(a, b0, c30); c31 = madd<f32>(a, b1, c31);
    a = v128.load32_splat(pa, 16);
    c40 = madd<f32>(a, b0, c40); c41 = madd<f32>(a, b1, c41);
    a = v128.load32_splat(pa, 20);
    c50 = madd<f32>(a, b0, c50); c51 = madd<f32>(a, b1, c51);
    pa += 24;
    pb += 32;
  }
  const rowBytes = <usize>ldc * 4;
  if (rows === 6 && cols === 8) {
    let r0 = c;
    if (overwrite) {
      v128.store(r0, c00); v128.store(r0, c01, 16); r0 += rowBytes;
      v128.store(r0, c10); v128.store(r0, c11, 16); r0 += rowBytes;
      v128.store(r0, c20); v128.store(r0, c21, 16); r0 += rowBytes;
      v128.store(r0, c30); v128.store(r0, c31, 16); r0 += rowBytes;
      v128.store(r0, c40); v128.store(r0, c41, 16); r0 += rowBytes;
      v128.store(r0, c50); v128.store(r0, c51, 16);
    } else {
      v128.store(r0, f32x4.add(v128.load(r0), c00)); v128.store(r0, f32x4.add(v128.load(r0, 16), c01), 16); r0 += rowBytes;
      v128.store(r0, f32x4.add(v128.load(r0), c10)); v128.store(r0, f32x4.add(v128.load(r0, 16), c11), 16); r0 += rowBytes;
      v128.store(r0, f32x4.add(v128.load(r0), c20)); v128.store(r0, f32x4.add(v128.load(r0, 16), c21), 16); r0 += rowBytes;
      v128.store(r0, f32x4.add(v128.load(r0), c30)); v128.store(r0, f32x4.add(v128.load(r0, 16), c31), 16); r0 += rowBytes;
      v128.store(r0, f32x4.add(v128.load(r0), c40)); v128.store(r0, f32x4.add(v128.load(r0, 16), c41), 16); r0 += rowBytes;
      v128.store(r0, f32x4.add(v128.load(r0), c50)); v128.store(r0, f32x4.add(v128.load(r0, 16), c51), 16);
    }
    return;
  }
  // A ragged tile: spill the registers, add (or store) the part inside C.
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  v128.store(tile, c40, 128); v128.store(tile, c41, 144);
  v128.store(tile, c50, 160); v128.store(tile, c51, 176);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const at = c + <usize>r * rowBytes + <usize>q * 4;
      const sum = load<f32>(tile + <usize>(r * 8 + q) * 4);
      store<f32>(at, overwrite ? sum : load<f32>(at) + sum);
    }
  }
}

/** C[rows x cols tile at c] += packed A panel · packed B panel over kc (= when overwrite: C's old values unread). */
function microKernel<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, rows: i32, cols: i32, tile: usize, overwrite: bool): void {
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
    c00 = madd<T>(a0, b0, c00); c01 = madd<T>(a0, b1, c01);
    c10 = madd<T>(a1, b0, c10); c11 = madd<T>(a1, b1, c11);
    c20 = madd<T>(a2, b0, c20); c21 = madd<T>(a2, b1, c21);
    c30 = madd<T>(a3, b0, c30); c31 = madd<T>(a3, b1, c31);
    pa += 4 * size;
    pb += 32;
  }
  const NR = nr<T>();
  const MR = 4;
  const rowBytes = <usize>ldc * size;
  if (rows === MR && cols === NR && overwrite) {
    let r0 = c;
    v128.store(r0, c00); v128.store(r0, c01, 16);
    r0 += rowBytes;
    v128.store(r0, c10); v128.store(r0, c11, 16);
    r0 += rowBytes;
    v128.store(r0, c20); v128.store(r0, c21, 16);
    r0 += rowBytes;
    v128.store(r0, c30); v128.store(r0, c31, 16);
    return;
  }
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
  // A ragged tile: spill the registers, add (or store) the part inside C.
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const at = c + <usize>r * rowBytes + <usize>q * size;
      const sum = load<T>(tile + <usize>(r * NR + q) * size);
      store<T>(at, overwrite ? sum : load<T>(at) + sum);
    }
  }
}

function roundUp(v: i32, step: i32): i32 {
  return (v + step - 1) / step * step;
}

/**
 * Pack all of op(A) [m x k]: depth block pc (KC deep) starts at pc * roundUp(m, MR),
 * and within it the panel of rows i is at i * kc, as packA lays out one block.
 */
function packAllA<T>(a: usize, transA: bool, m: i32, k: i32, dst: usize): void {
  const mPadded = roundUp(m, mr<T>());
  for (let pc = 0; pc < k; pc += KC) packA<T>(a, transA, m, k, 0, m, pc, min(KC, k - pc), dst + <usize>(pc * mPadded) * sizeof<T>());
}

/** Pack all of op(B) [k x n]: depth block pc starts at pc * roundUp(n, NR), the panel of columns j at j * kc. */
function packAllB<T>(b: usize, transB: bool, n: i32, k: i32, dst: usize): void {
  const nPadded = roundUp(n, nr<T>());
  for (let pc = 0; pc < k; pc += KC) packB<T>(b, transB, n, k, pc, min(KC, k - pc), 0, n, dst + <usize>(pc * nPadded) * sizeof<T>());
}

/**
 * prepackedA / prepackedB: 0, or an operand packed whole by packAllA / packAllB
 * (threads sharing a product pack the shared operand once instead of per strip).
 * overwrite: C[i0:i1, j0:j1] holds nothing to keep, so the first depth block
 * stores its sums instead of adding them to zeros the caller wrote (the same
 * bits: the sums start from +0 and so are never -0).
 */
function gemm<T>(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
  prepackedA: usize, prepackedB: usize, overwrite: bool,
): void {
  const size = sizeof<T>();
  const NR = nr<T>();
  const MR = mr<T>();
  const mPadded = roundUp(m, MR);
  const nPadded = roundUp(n, NR);
  const ownA = scratch;
  const ownB = ownA + <usize>(MC * KC) * size;
  const tile = ownB + <usize>(KC * (NC + NR)) * size;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      let packedB = ownB;
      if (prepackedB) packedB = prepackedB + <usize>(pc * nPadded + jc * kc) * size;
      else packB<T>(b, transB, n, k, pc, kc, jc, nc, ownB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        let packedA = ownA;
        if (prepackedA) packedA = prepackedA + <usize>(pc * mPadded + ic * kc) * size;
        else packA<T>(a, transA, m, k, ic, mc, pc, kc, ownA);
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = packedB + <usize>(jr * kc) * size;
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = packedA + <usize>(ir * kc) * size;
            const at = c + <usize>((ic + ir) * n + jc + jr) * size;
            if (MR == 6) microKernel6x8(kc, pa, pb, at, n, min(MR, mc - ir), cols, tile, overwrite && pc == 0);
            else microKernel<T>(kc, pa, pb, at, n, min(MR, mc - ir), cols, tile, overwrite && pc == 0);
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
  prepackedA: usize, prepackedB: usize, overwrite: bool,
): void {
  gemm<f32>(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1, scratch, prepackedA, prepackedB, overwrite);
}

export function gemmF64(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
  prepackedA: usize, prepackedB: usize, overwrite: bool,
): void {
  gemm<f64>(transA, transB, m, n, k, a, b, c, i0, i1, j0, j1, scratch, prepackedA, prepackedB, overwrite);
}

export function packAllAF32(a: usize, transA: bool, m: i32, k: i32, dst: usize): void {
  packAllA<f32>(a, transA, m, k, dst);
}

export function packAllAF64(a: usize, transA: bool, m: i32, k: i32, dst: usize): void {
  packAllA<f64>(a, transA, m, k, dst);
}

export function packAllBF32(b: usize, transB: bool, n: i32, k: i32, dst: usize): void {
  packAllB<f32>(b, transB, n, k, dst);
}

export function packAllBF64(b: usize, transB: bool, n: i32, k: i32, dst: usize): void {
  packAllB<f64>(b, transB, n, k, dst);
}

/** dst[i * n + j] = src[j] for i < m, j < n: every row of C starts as the bias. */
function repeatRows<T>(src: usize, m: i32, n: i32, dst: usize): void {
  const size = sizeof<T>();
  const bytes = <usize>n * size;
  if (bytes >= 256) {
    for (let i = 0; i < m; i++) memory.copy(dst + <usize>i * bytes, src, bytes);
    return;
  }
  // Short rows: memory.copy is a call into the engine each time (~7 ns for a few bytes).
  const vectorBytes = bytes & ~15;
  let at = dst;
  for (let i = 0; i < m; i++) {
    let j: usize = 0;
    for (; j < vectorBytes; j += 16) v128.store(at + j, v128.load(src + j));
    for (; j < bytes; j += size) store<T>(at + j, load<T>(src + j));
    at += bytes;
  }
}

/**
 * dst[j] = sum over i < m of src[i * n + j], added row by row in T: the same
 * order and rounding as the TypeScript loop, v128 lanes across j.
 */
function sumRows<T>(src: usize, m: i32, n: i32, dst: usize): void {
  const size = sizeof<T>();
  const L = lanes<T>();
  const vectorEnd = n - n % L;
  memory.fill(dst, 0, <usize>n * size);
  for (let i = 0; i < m; i++) {
    const row = src + <usize>(i * n) * size;
    let j = 0;
    for (; j < vectorEnd; j += L) {
      const at = dst + <usize>j * size;
      if (size == 4) v128.store(at, f32x4.add(v128.load(at), v128.load(row + <usize>j * size)));
      else v128.store(at, f64x2.add(v128.load(at), v128.load(row + <usize>j * size)));
    }
    for (; j < n; j++) {
      const at = dst + <usize>j * size;
      store<T>(at, load<T>(at) + load<T>(row + <usize>j * size));
    }
  }
}

export function repeatRowsF32(src: usize, m: i32, n: i32, dst: usize): void {
  repeatRows<f32>(src, m, n, dst);
}

export function repeatRowsF64(src: usize, m: i32, n: i32, dst: usize): void {
  repeatRows<f64>(src, m, n, dst);
}

export function sumRowsF32(src: usize, m: i32, n: i32, dst: usize): void {
  sumRows<f32>(src, m, n, dst);
}

export function sumRowsF64(src: usize, m: i32, n: i32, dst: usize): void {
  sumRows<f64>(src, m, n, dst);
}

/**
 * The platform's limit for this build's float32 arithmetic, for the bench:
 * twelve independent chains x = x * m + a in f32x4 lanes (fused in the relaxed
 * build), `iterations` steps each, nothing loaded or stored. 12 chains cover
 * the latency of a multiply then an add on two pipes of each; 96 floating-point
 * operations an iteration. Returns a sum so the work cannot be dropped.
 */
export function peakF32(iterations: i32): f32 {
  const m = f32x4.splat(0.5), a = f32x4.splat(1);
  let x0 = f32x4.splat(0), x1 = f32x4.splat(1), x2 = f32x4.splat(2), x3 = f32x4.splat(3);
  let x4 = f32x4.splat(4), x5 = f32x4.splat(5), x6 = f32x4.splat(6), x7 = f32x4.splat(7);
  let x8 = f32x4.splat(8), x9 = f32x4.splat(9), x10 = f32x4.splat(10), x11 = f32x4.splat(11);
  for (let i = 0; i < iterations; i++) {
    x0 = madd<f32>(x0, m, a); x1 = madd<f32>(x1, m, a); x2 = madd<f32>(x2, m, a); x3 = madd<f32>(x3, m, a);
    x4 = madd<f32>(x4, m, a); x5 = madd<f32>(x5, m, a); x6 = madd<f32>(x6, m, a); x7 = madd<f32>(x7, m, a);
    x8 = madd<f32>(x8, m, a); x9 = madd<f32>(x9, m, a); x10 = madd<f32>(x10, m, a); x11 = madd<f32>(x11, m, a);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(x0, x1), f32x4.add(x2, x3)), f32x4.add(f32x4.add(x4, x5), f32x4.add(x6, x7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(x8, x9), f32x4.add(x10, x11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}
