// Elementwise loops over typed arrays. Each binary kernel is a "run": one
// contiguous stretch of the output, reading each input with stride 0 (a
// broadcast value) or 1. The broadcast driver calls a run once per output row,
// so the per-element loop stays monomorphic and closure-free.
//
// The hot kernels also run in WebAssembly SIMD (wasm/elementwise.as) when
// the inputs are whole arrays of the output's dtype or broadcast scalars:
// ~2 ns an element in these loops (as V8 runs them in a training step)
// against ~0.3 ns there, copies included, with identical bits. These loops
// are the fallback and the reference (setKernelBackend("js")).
import { activeWasm } from "./backend.js";
import { tanhFloat32 } from "./fast-tanh.js";
import { type FloatArray, type Shape, broadcastStrides } from "./shape.js";
import { onTape, taping } from "./tape.js";
import { WASM_BINARY_OPS, WASM_UNARY_OPS, binaryWasm, unaryWasm } from "./wasm.js";

/** Below this many elements the loops here beat the call into wasm and the copies. */
const WASM_MIN_ELEMENTS = 64;

export type BinaryRun = (
  a: FloatArray, ai: number, as: number,
  b: FloatArray, bi: number, bs: number,
  out: FloatArray, oi: number, n: number,
) => void;

export const binaryRuns = {
  add: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! + b[bi]!; },
  sub: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! - b[bi]!; },
  mul: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! * b[bi]!; },
  div: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! / b[bi]!; },
  pow: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = powC(a[ai]!, b[bi]!); },
  maximum: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai]!, y = b[bi]!; o[oi + k] = x > y || x !== x ? x : y; } },
  minimum: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai]!, y = b[bi]!; o[oi + k] = x < y || x !== x ? x : y; } },
  gt: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! > b[bi]! ? 1 : 0; },
  ge: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! >= b[bi]! ? 1 : 0; },
  lt: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! < b[bi]! ? 1 : 0; },
  le: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! <= b[bi]! ? 1 : 0; },
  eq: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = a[ai]! === b[bi]! ? 1 : 0; },
  // Fused backward rules (a: upstream gradient, b: the forward output or input): one pass, one buffer.
  tanhBackward: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const y = b[bi]!; o[oi + k] = a[ai]! * (1 - y * y); } },
  sigmoidBackward: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const y = b[bi]!; o[oi + k] = a[ai]! * y * (1 - y); } },
  // PyTorch's threshold_backward: 0 where x <= 0, else g, so a NaN input passes g on.
  reluBackward: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) o[oi + k] = b[bi]! <= 0 ? 0 : a[ai]!; },
  // Binary cross-entropy on a probability p with target t, logs clamped at -100 as PyTorch's
  // (0 - sum, not -sum: a perfect prediction costs 0, not -0).
  bce: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const p = a[ai]!, t = b[bi]!; o[oi + k] = 0 - (t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log(1 - p), -100)); } },
  // d bce / d p = (1 - t) / (1 - p) - t / p, each term 0 where its log is held (below the dtype's floor, see bceFloor).
  bceGrad: (a, ai, as, b, bi, bs, o, oi, n) => {
    const floor = bceFloor(o instanceof Float64Array ? "float64" : "float32");
    for (let k = 0; k < n; k++, ai += as, bi += bs) { const p = a[ai]!, t = b[bi]!, q = 1 - p; o[oi + k] = (1 - t) * keptInverse(q, floor) - t * keptInverse(p, floor); }
  },
  // Binary cross-entropy on a logit x with target t: softplus(x) - x t, softplus in its stable form.
  bceWithLogits: (a, ai, as, b, bi, bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as, bi += bs) { const x = a[ai]!; o[oi + k] = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))) - x * b[bi]!; } },
  first: (a, ai, as, _b, _bi, _bs, o, oi, n) => { for (let k = 0; k < n; k++, ai += as) o[oi + k] = a[ai]!; },
} satisfies Record<string, BinaryRun>;

/**
 * Where BCE's clamped log max(log v, -100) stops following log v for the
 * gradient: below it the term is held constant (gradient 0), so 1/v never
 * overflows the dtype; for float64 that is where the clamp starts.
 */
export function bceFloor(dtype: "float32" | "float64"): number {
  return dtype === "float64" ? Math.exp(-100) : 2 ** -126;
}

/** 1/v where v >= floor, 0 below it; NaN stays NaN. */
function keptInverse(v: number, floor: number): number {
  return v >= floor ? 1 / v : v < floor ? 0 : v;
}

/**
 * C's pow, which PyTorch computes with: Math.pow differs only in giving NaN
 * for pow(1, NaN) and pow(±1, ±Infinity), where C gives 1.
 */
function powC(x: number, y: number): number {
  return x === 1 || (x === -1 && (y === Infinity || y === -Infinity)) ? 1 : Math.pow(x, y);
}

const wasmBinaryOps = new Map<BinaryRun, number>(
  Object.entries(WASM_BINARY_OPS).map(([name, code]) => [binaryRuns[name as keyof typeof WASM_BINARY_OPS], code]),
);

/** Runs `run` in wasm when it has a wasm twin and the operands allow; false if it did not. */
function binaryInWasm(run: BinaryRun, a: FloatArray, aStep: 0 | 1, b: FloatArray, bStep: 0 | 1, out: FloatArray): boolean {
  if (out.length < WASM_MIN_ELEMENTS || a.constructor !== out.constructor || b.constructor !== out.constructor) return false;
  const code = wasmBinaryOps.get(run);
  const w = code === undefined ? null : activeWasm();
  return w !== null && binaryWasm(w, code!, a, aStep, b, bStep, out);
}

/**
 * out = run(a, b) with NumPy broadcasting. `outShape` must be the broadcast of
 * `aShape` and `bShape` (checked by the caller, which can name the op).
 */
export function broadcastBinary(
  run: BinaryRun,
  a: FloatArray, aShape: Shape,
  b: FloatArray, bShape: Shape,
  out: FloatArray, outShape: Shape,
): void {
  if (taping()) return onTape(() => broadcastBinary(run, a, aShape, b, bShape, out, outShape), out);
  const size = out.length;
  if (size === 0) return;
  // An input with as many elements as the output has the output's layout.
  const aStep = a.length === size ? 1 : a.length === 1 ? 0 : -1;
  const bStep = b.length === size ? 1 : b.length === 1 ? 0 : -1;
  if (aStep !== -1 && bStep !== -1) {
    if (!binaryInWasm(run, a, aStep, b, bStep, out)) run(a, 0, aStep, b, 0, bStep, out, 0, size);
    return;
  }

  const ndim = outShape.length;
  const aStrides = broadcastStrides(aShape, outShape);
  const bStrides = broadcastStrides(bShape, outShape);
  const inner = outShape[ndim - 1]!;
  const aInner = aStrides[ndim - 1]!;
  const bInner = bStrides[ndim - 1]!;
  const index = new Array<number>(ndim).fill(0);
  let ai = 0;
  let bi = 0;
  for (let oi = 0; oi < size; oi += inner) {
    run(a, ai, aInner, b, bi, bInner, out, oi, inner);
    // Advance the odometer over the outer dimensions.
    for (let d = ndim - 2; d >= 0; d--) {
      ai += aStrides[d]!;
      bi += bStrides[d]!;
      if (++index[d]! < outShape[d]!) break;
      ai -= aStrides[d]! * outShape[d]!;
      bi -= bStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/**
 * out = c != 0 ? a : b elementwise (torch.where; a NaN condition counts as
 * true, as a C++ bool conversion does), every input broadcast to `outShape`.
 */
export function broadcastWhere(
  c: FloatArray, cShape: Shape,
  a: FloatArray, aShape: Shape,
  b: FloatArray, bShape: Shape,
  out: FloatArray, outShape: Shape,
): void {
  if (taping()) return onTape(() => broadcastWhere(c, cShape, a, aShape, b, bShape, out, outShape), out);
  const size = out.length;
  if (c.length === size && a.length === size && b.length === size) {
    for (let i = 0; i < size; i++) out[i] = c[i] !== 0 ? a[i]! : b[i]!;
    return;
  }
  const ndim = outShape.length;
  const cs = broadcastStrides(cShape, outShape), as = broadcastStrides(aShape, outShape), bs = broadcastStrides(bShape, outShape);
  const index = new Array<number>(ndim).fill(0);
  let ci = 0, ai = 0, bi = 0;
  for (let o = 0; o < size; o++) {
    out[o] = c[ci] !== 0 ? a[ai]! : b[bi]!;
    for (let d = ndim - 1; d >= 0; d--) {
      ci += cs[d]!; ai += as[d]!; bi += bs[d]!;
      if (++index[d]! < outShape[d]!) break;
      ci -= cs[d]! * outShape[d]!; ai -= as[d]! * outShape[d]!; bi -= bs[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** target += source, same length (the engine's gradient accumulation). */
export function addInto(target: FloatArray, source: FloatArray): void {
  if (taping()) return onTape(() => addInto(target, source));
  for (let i = 0; i < target.length; i++) target[i] += source[i]!;
}

/** Copy x into the larger broadcast shape `outShape`. */
export function broadcastTo(x: FloatArray, xShape: Shape, out: FloatArray, outShape: Shape): void {
  broadcastBinary(binaryRuns.first, x, xShape, x, xShape, out, outShape);
}

export type UnaryKernel = (x: FloatArray, out: FloatArray) => void;

function sigmoidOf(v: number): number {
  // Two branches so exp never overflows: finite and accurate at |v| = 1000.
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

const unaryLoops = {
  neg: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = -x[i]!; },
  exp: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.exp(x[i]!); },
  log: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.log(x[i]!); },
  sqrt: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.sqrt(x[i]!); },
  abs: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = Math.abs(x[i]!); },
  // As PyTorch's: sign(-0) is 0; but sign(NaN) is NaN, as NumPy's (PyTorch gives 0: pytorch#41245).
  sign: (x, o) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; o[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v; } },
  square: (x, o) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; o[i] = v * v; } },
  // v <= 0, not !(v > 0): relu(NaN) is NaN, as in PyTorch.
  relu: (x, o) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; o[i] = v <= 0 ? 0 : v; } },
  sigmoid: (x, o) => { for (let i = 0; i < x.length; i++) o[i] = sigmoidOf(x[i]!); },
  // float32: a rational approximation within 1 ulp, 7x faster than Math.tanh (fast-tanh.ts).
  tanh: (x, o) => { if (x instanceof Float32Array && o instanceof Float32Array) tanhFloat32(x, o); else for (let i = 0; i < x.length; i++) o[i] = Math.tanh(x[i]!); },
  // softplus(v) = max(v, 0) + log1p(exp(-|v|)): no overflow for large |v|.
  softplus: (x, o) => { for (let i = 0; i < x.length; i++) { const v = x[i]!; o[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))); } },
} satisfies Record<string, UnaryKernel>;

/** A loop above, or its wasm twin where there is one and the operands allow (tanh: float32 only); on a recording tape either way. */
function dispatched(name: keyof typeof unaryLoops): UnaryKernel {
  const loop: UnaryKernel = unaryLoops[name];
  const code: number | undefined = (WASM_UNARY_OPS as Record<string, number>)[name];
  const run: UnaryKernel = code === undefined ? loop : (x, o) => {
    const w = o.length >= WASM_MIN_ELEMENTS && x.constructor === o.constructor && (name !== "tanh" || o instanceof Float32Array) ? activeWasm() : null;
    if (w === null || !unaryWasm(w, code, x, o)) loop(x, o);
  };
  return (x, o) => (taping() ? onTape(() => run(x, o), o) : run(x, o));
}

export const unaryKernels = Object.fromEntries(
  Object.keys(unaryLoops).map((name) => [name, dispatched(name as keyof typeof unaryLoops)]),
) as Record<keyof typeof unaryLoops, UnaryKernel>;

export function leakyReluKernel(x: FloatArray, out: FloatArray, slope: number): void {
  if (taping()) return onTape(() => leakyReluKernel(x, out, slope), out);
  for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v > 0 ? v : v * slope; }
}

export function clampKernel(x: FloatArray, out: FloatArray, min: number, max: number): void {
  if (taping()) return onTape(() => clampKernel(x, out, min, max), out);
  for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v < min ? min : v > max ? max : v; }
}

/** 1 where min <= x <= max, else 0 (the gradient mask of clamp). */
export function insideKernel(x: FloatArray, out: FloatArray, min: number, max: number): void {
  if (taping()) return onTape(() => insideKernel(x, out, min, max), out);
  for (let i = 0; i < x.length; i++) { const v = x[i]!; out[i] = v >= min && v <= max ? 1 : 0; }
}

/** 1 where x > 0, `slope` elsewhere (the gradient mask of relu and leakyRelu). */
export function stepKernel(x: FloatArray, out: FloatArray, slope: number): void {
  if (taping()) return onTape(() => stepKernel(x, out, slope), out);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! > 0 ? 1 : slope;
}
