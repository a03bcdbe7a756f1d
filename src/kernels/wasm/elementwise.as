// AssemblyScript source of the elementwise kernels that run in WebAssembly
// SIMD, compiled with gemm.as by build.mjs. Each gives exactly the bits of its
// TypeScript twin in ../elementwise.ts and ../fast-tanh.ts:
// - add, sub, mul, div, neg, abs, square, relu, reluBackward are one IEEE
//   operation (or a select) per element, so f32x4 lanes round as the
//   TypeScript loop does (it computes in doubles and rounds once: for one
//   operation that is the same as rounding in f32);
// - tanhBackward, sigmoidBackward and the float32 tanh take several
//   operations, which the TypeScript loop does in doubles: here too, in
//   f64x2 lanes, in the same order.
// Inputs step 1 (an array) or 0 (a broadcast scalar) per element.

// Binary op codes, shared with ../wasm.ts.
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, TANH_BACKWARD = 4, SIGMOID_BACKWARD = 5, RELU_BACKWARD = 6;
// Unary op codes.
const NEG = 0, ABS = 1, SQUARE = 2, RELU = 3, TANH = 4;

// The float32 tanh's rational (see ../fast-tanh.ts for the fit).
const P0 = 0.9999999811584771, P1 = 0.13380851915140227, P2 = 0.003495384276616978, P3 = 2.0605876255534376e-5, P4 = 1.3350531434093325e-8;
const Q1 = 0.4671416783811685, Q2 = 0.025876199126651074, Q3 = 0.0003285307534158438, Q4 = 7.774800442132936e-7;

// @ts-ignore: decorator
@inline function binaryScalar<T>(op: i32, x: T, y: T): T {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == RELU_BACKWARD) return y > 0 ? x : <T>0;
  // The fused backward rules, in doubles as the TypeScript loop does.
  const g = <f64>x, v = <f64>y;
  if (op == TANH_BACKWARD) return <T>(g * (1 - v * v));
  return <T>(g * v * (1 - v)); // SIGMOID_BACKWARD
}

/** Four f32 lanes of a fused backward rule, computed as two f64x2 halves. */
// @ts-ignore: decorator
@inline function fusedF32x4(op: i32, x: v128, y: v128): v128 {
  const one = f64x2.splat(1);
  const xLow = f64x2.promote_low_f32x4(x), yLow = f64x2.promote_low_f32x4(y);
  const xHigh = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
  const yHigh = f64x2.promote_low_f32x4(v128.shuffle<f32>(y, y, 2, 3, 0, 1));
  let low: v128, high: v128;
  if (op == TANH_BACKWARD) {
    low = f64x2.mul(xLow, f64x2.sub(one, f64x2.mul(yLow, yLow)));
    high = f64x2.mul(xHigh, f64x2.sub(one, f64x2.mul(yHigh, yHigh)));
  } else {
    low = f64x2.mul(f64x2.mul(xLow, yLow), f64x2.sub(one, yLow));
    high = f64x2.mul(f64x2.mul(xHigh, yHigh), f64x2.sub(one, yHigh));
  }
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline function fusedF64x2(op: i32, x: v128, y: v128): v128 {
  const one = f64x2.splat(1);
  if (op == TANH_BACKWARD) return f64x2.mul(x, f64x2.sub(one, f64x2.mul(y, y)));
  return f64x2.mul(f64x2.mul(x, y), f64x2.sub(one, y));
}

// @ts-ignore: decorator
@inline function binaryVector<T>(op: i32, x: v128, y: v128): v128 {
  const zero = v128.splat<T>(0);
  if (op == ADD) return v128.add<T>(x, y);
  if (op == SUB) return v128.sub<T>(x, y);
  if (op == MUL) return v128.mul<T>(x, y);
  if (op == DIV) return v128.div<T>(x, y);
  if (op == RELU_BACKWARD) return v128.bitselect(x, zero, v128.gt<T>(y, zero));
  return sizeof<T>() == 4 ? fusedF32x4(op, x, y) : fusedF64x2(op, x, y);
}

/**
 * out[i] = op(a[i * aStep], b[i * bStep]) for i < n, steps 0 or 1. The op is
 * a constant in each instantiation (the caller's switch), so every loop is
 * straight-line SIMD.
 */
// @ts-ignore: decorator
@inline function binaryLoop<T>(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  const size = sizeof<T>();
  const L = 16 / size;
  const vectorEnd = n - n % L;
  const aBytes = <usize>(aStep * 16), bBytes = <usize>(bStep * 16);
  const aSplat = v128.splat<T>(load<T>(a)), bSplat = v128.splat<T>(load<T>(b));
  let pa = a, pb = b, po = out;
  for (let i = 0; i < vectorEnd; i += L) {
    const x = aStep ? v128.load(pa) : aSplat;
    const y = bStep ? v128.load(pb) : bSplat;
    v128.store(po, binaryVector<T>(op, x, y));
    pa += aBytes; pb += bBytes; po += 16;
  }
  for (let i = vectorEnd; i < n; i++) {
    store<T>(out + <usize>i * size, binaryScalar<T>(op, load<T>(a + <usize>(i * aStep) * size), load<T>(b + <usize>(i * bStep) * size)));
  }
}

function binary<T>(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  switch (op) {
    case ADD: binaryLoop<T>(ADD, a, aStep, b, bStep, out, n); break;
    case SUB: binaryLoop<T>(SUB, a, aStep, b, bStep, out, n); break;
    case MUL: binaryLoop<T>(MUL, a, aStep, b, bStep, out, n); break;
    case DIV: binaryLoop<T>(DIV, a, aStep, b, bStep, out, n); break;
    case TANH_BACKWARD: binaryLoop<T>(TANH_BACKWARD, a, aStep, b, bStep, out, n); break;
    case SIGMOID_BACKWARD: binaryLoop<T>(SIGMOID_BACKWARD, a, aStep, b, bStep, out, n); break;
    case RELU_BACKWARD: binaryLoop<T>(RELU_BACKWARD, a, aStep, b, bStep, out, n); break;
    default: unreachable();
  }
}

export function binaryF32(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  binary<f32>(op, a, aStep, b, bStep, out, n);
}

export function binaryF64(op: i32, a: usize, aStep: i32, b: usize, bStep: i32, out: usize, n: i32): void {
  binary<f64>(op, a, aStep, b, bStep, out, n);
}

/** tanh of two doubles: clamp to ±9 (NaN stays NaN), then the rational, in ../fast-tanh.ts's order. */
// @ts-ignore: decorator
@inline function tanhF64x2(x: v128): v128 {
  const v = f64x2.max(f64x2.min(x, f64x2.splat(9)), f64x2.splat(-9));
  const z = f64x2.mul(v, v);
  let p = f64x2.add(f64x2.splat(P3), f64x2.mul(z, f64x2.splat(P4)));
  p = f64x2.add(f64x2.splat(P2), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(P1), f64x2.mul(z, p));
  p = f64x2.add(f64x2.splat(P0), f64x2.mul(z, p));
  let q = f64x2.add(f64x2.splat(Q3), f64x2.mul(z, f64x2.splat(Q4)));
  q = f64x2.add(f64x2.splat(Q2), f64x2.mul(z, q));
  q = f64x2.add(f64x2.splat(Q1), f64x2.mul(z, q));
  q = f64x2.add(f64x2.splat(1), f64x2.mul(z, q));
  return f64x2.div(f64x2.mul(v, p), q);
}

// @ts-ignore: decorator
@inline function tanhScalar(x: f64): f64 {
  const v = x > 9 ? 9 : x < -9 ? -9 : x;
  const z = v * v;
  return (v * (P0 + z * (P1 + z * (P2 + z * (P3 + z * P4))))) / (1 + z * (Q1 + z * (Q2 + z * (Q3 + z * Q4))));
}

// @ts-ignore: decorator
@inline function unaryVector<T>(op: i32, x: v128): v128 {
  if (op == NEG) return v128.neg<T>(x);
  if (op == ABS) return v128.abs<T>(x);
  if (op == SQUARE) return v128.mul<T>(x, x);
  if (op == RELU) {
    const zero = v128.splat<T>(0);
    return v128.bitselect(x, zero, v128.gt<T>(x, zero));
  }
  // TANH (f32 only): two f64x2 halves.
  const low = tanhF64x2(f64x2.promote_low_f32x4(x));
  const high = tanhF64x2(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)));
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline function unaryScalar<T>(op: i32, x: T): T {
  if (op == NEG) return -x;
  if (op == ABS) return abs<T>(x);
  if (op == SQUARE) return x * x;
  if (op == RELU) return x > 0 ? x : <T>0;
  return <T>tanhScalar(<f64>x);
}

// @ts-ignore: decorator
@inline function unaryLoop<T>(op: i32, x: usize, out: usize, n: i32): void {
  const size = sizeof<T>();
  const vectorEnd = n - n % (16 / size);
  const end = x + <usize>vectorEnd * size;
  let px = x, po = out;
  for (; px < end; px += 16, po += 16) v128.store(po, unaryVector<T>(op, v128.load(px)));
  for (let i = vectorEnd; i < n; i++) store<T>(out + <usize>i * size, unaryScalar<T>(op, load<T>(x + <usize>i * size)));
}

function unary<T>(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop<T>(NEG, x, out, n); break;
    case ABS: unaryLoop<T>(ABS, x, out, n); break;
    case SQUARE: unaryLoop<T>(SQUARE, x, out, n); break;
    case RELU: unaryLoop<T>(RELU, x, out, n); break;
    case TANH: if (sizeof<T>() == 4) unaryLoop<T>(TANH, x, out, n); else unreachable(); break;
    default: unreachable();
  }
}

export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  unary<f32>(op, x, out, n);
}

export function unaryF64(op: i32, x: usize, out: usize, n: i32): void {
  unary<f64>(op, x, out, n);
}
