// AssemblyScript source of the elementwise kernels that run in WebAssembly
// SIMD, compiled with gemm.as by build.mjs. Each gives exactly the bits of its
// TypeScript twin in ../elementwise.ts and ../fast-tanh.ts:
// - add, sub, mul, div, neg, abs, square, relu, reluBackward are one IEEE
//   operation (or a select) per element, so f32x4 lanes round as the
//   TypeScript loop does (it computes in doubles and rounds once: for one
//   operation that is the same as rounding in f32);
// - tanhBackward, sigmoidBackward and the float32 tanh take several
//   operations, which the TypeScript loop does in doubles: here too, in
//   f64x2 lanes, in the same order (plain SIMD has no fused multiply-add, so
//   each operation rounds as in JavaScript). The one exception is the relaxed-SIMD
//   build's float32 tanh, which fuses its Horner steps (see tanhStep).
// Inputs step 1 (an array) or 0 (a broadcast scalar) per element.

// Binary op codes, shared with ../wasm.ts.
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, TANH_BACKWARD = 4, SIGMOID_BACKWARD = 5, RELU_BACKWARD = 6;
// Unary op codes.
const NEG = 0, ABS = 1, SQUARE = 2, RELU = 3;

// @ts-ignore: decorator
@inline function binaryScalar<T>(op: i32, x: T, y: T): T {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == RELU_BACKWARD) return y <= 0 ? <T>0 : x; // a NaN y passes x on, as in ../elementwise.ts
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
  if (op == RELU_BACKWARD) return v128.bitselect(zero, x, v128.le<T>(y, zero));
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

// The float32 tanh (../fast-tanh.ts): its twelve constants (9, -9, 1, P0..P4,
// Q1..Q4) are read from memory, where the TypeScript side stores them once.
// Loaded into locals before the loop, they stay in registers; written as
// constants, V8 rebuilt every splat in every iteration (with that and two
// lanes per iteration instead of four, 3.2 ns an element instead of 1.7).

// @ts-ignore: decorator
@inline function constantAt(at: usize, i: i32): v128 {
  return f64x2.splat(load<f64>(at + <usize>i * 8));
}

/**
 * c + z * p, one Horner step of the float32 tanh: a multiply and an add as in
 * ../fast-tanh.ts (same bits), fused in the relaxed-SIMD build (one rounding
 * fewer per step: the float32 result differs from the TypeScript one for a few
 * inputs, by 1 ulp at most; the tanh is float32 only, no float64 result changes).
 */
// @ts-ignore: decorator
@inline function tanhStep(z: v128, p: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(z, p, c);
  return f64x2.add(c, f64x2.mul(z, p));
}

/** tanh of two doubles: clamp to ±9 (NaN stays NaN), then the rational, in ../fast-tanh.ts's order. */
// @ts-ignore: decorator
@inline function tanhF64x2(
  x: v128, nine: v128, minusNine: v128, one: v128,
  p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, q1: v128, q2: v128, q3: v128, q4: v128,
): v128 {
  // pmin/pmax are one instruction each (min/max need ~7 for their NaN and -0
  // rules); in this order they keep NaN and -0 as the comparisons in ../fast-tanh.ts do.
  const v = f64x2.pmax(f64x2.pmin(x, nine), minusNine);
  const z = f64x2.mul(v, v);
  let p = tanhStep(z, p4, p3);
  p = tanhStep(z, p, p2);
  p = tanhStep(z, p, p1);
  p = tanhStep(z, p, p0);
  let q = tanhStep(z, q4, q3);
  q = tanhStep(z, q, q2);
  q = tanhStep(z, q, q1);
  q = tanhStep(z, q, one);
  return f64x2.div(f64x2.mul(v, p), q);
}

export function tanhF32(x: usize, out: usize, n: i32, constants: usize): void {
  const nine = constantAt(constants, 0), minusNine = constantAt(constants, 1), one = constantAt(constants, 2);
  const p0 = constantAt(constants, 3), p1 = constantAt(constants, 4), p2 = constantAt(constants, 5), p3 = constantAt(constants, 6), p4 = constantAt(constants, 7);
  const q1 = constantAt(constants, 8), q2 = constantAt(constants, 9), q3 = constantAt(constants, 10), q4 = constantAt(constants, 11);
  const vectorEnd = n - n % 4;
  for (let i = 0; i < vectorEnd; i += 4) {
    const v4 = v128.load(x + <usize>i * 4);
    const low = tanhF64x2(f64x2.promote_low_f32x4(v4), nine, minusNine, one, p0, p1, p2, p3, p4, q1, q2, q3, q4);
    const high = tanhF64x2(f64x2.promote_low_f32x4(v128.shuffle<f32>(v4, v4, 2, 3, 0, 1)), nine, minusNine, one, p0, p1, p2, p3, p4, q1, q2, q3, q4);
    v128.store(out + <usize>i * 4, v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5));
  }
  for (let i = vectorEnd; i < n; i++) {
    const y = tanhF64x2(f64x2.splat(<f64>load<f32>(x + <usize>i * 4)), nine, minusNine, one, p0, p1, p2, p3, p4, q1, q2, q3, q4);
    store<f32>(out + <usize>i * 4, <f32>f64x2.extract_lane(y, 0));
  }
}

// @ts-ignore: decorator
@inline function unaryVector<T>(op: i32, x: v128): v128 {
  if (op == NEG) return v128.neg<T>(x);
  if (op == ABS) return v128.abs<T>(x);
  if (op == SQUARE) return v128.mul<T>(x, x);
  const zero = v128.splat<T>(0);
  return v128.bitselect(zero, x, v128.le<T>(x, zero)); // RELU: NaN is not <= 0, so it stays
}

// @ts-ignore: decorator
@inline function unaryScalar<T>(op: i32, x: T): T {
  if (op == NEG) return -x;
  if (op == ABS) return abs<T>(x);
  if (op == SQUARE) return x * x;
  return x <= 0 ? <T>0 : x; // RELU
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
    default: unreachable();
  }
}

export function unaryF32(op: i32, x: usize, out: usize, n: i32): void {
  unary<f32>(op, x, out, n);
}

export function unaryF64(op: i32, x: usize, out: usize, n: i32): void {
  unary<f64>(op, x, out, n);
}

/**
 * Plain SGD, w[i] -= lr * (g[i] + weightDecay * w[i]), in doubles as the
 * TypeScript loop in ../update.ts (f32 lanes are promoted, updated, rounded once).
 */
function sgd<T>(w: usize, g: usize, n: i32, lr: f64, weightDecay: f64): void {
  const size = sizeof<T>();
  const rate = f64x2.splat(lr), decay = f64x2.splat(weightDecay);
  let i = 0;
  if (size == 4) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i * 4;
      const w4 = v128.load(w + at), g4 = v128.load(g + at);
      const wLow = f64x2.promote_low_f32x4(w4), wHigh = f64x2.promote_low_f32x4(v128.shuffle<f32>(w4, w4, 2, 3, 0, 1));
      const gLow = f64x2.promote_low_f32x4(g4), gHigh = f64x2.promote_low_f32x4(v128.shuffle<f32>(g4, g4, 2, 3, 0, 1));
      const low = f64x2.sub(wLow, f64x2.mul(rate, f64x2.add(gLow, f64x2.mul(decay, wLow))));
      const high = f64x2.sub(wHigh, f64x2.mul(rate, f64x2.add(gHigh, f64x2.mul(decay, wHigh))));
      v128.store(w + at, v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5));
    }
  } else {
    for (; i + 2 <= n; i += 2) {
      const at = <usize>i * 8;
      const w2 = v128.load(w + at);
      v128.store(w + at, f64x2.sub(w2, f64x2.mul(rate, f64x2.add(v128.load(g + at), f64x2.mul(decay, w2)))));
    }
  }
  for (; i < n; i++) {
    const at = <usize>i * size;
    const wi = <f64>load<T>(w + at);
    store<T>(w + at, <T>(wi - lr * (<f64>load<T>(g + at) + weightDecay * wi)));
  }
}

export function sgdF32(w: usize, g: usize, n: i32, lr: f64, weightDecay: f64): void {
  sgd<f32>(w, g, n, lr, weightDecay);
}

export function sgdF64(w: usize, g: usize, n: i32, lr: f64, weightDecay: f64): void {
  sgd<f64>(w, g, n, lr, weightDecay);
}
