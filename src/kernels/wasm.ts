// The WebAssembly SIMD kernels (wasm/gemm.as, wasm/elementwise.as) from
// TypeScript: operands are copied into a module's memory, computed on there,
// and the result copied back. Two instances run the same code: one over plain
// memory for what the calling thread does alone, and one over shared memory
// for large products, half of which a worker thread (gemm-threads.ts)
// computes in place. Copies into and out of a SharedArrayBuffer cost ~2x more
// (28 against 51 GB/s, measured in Node 20), so only the products that the worker
// shares go there. The code comes in two builds: plain SIMD, and relaxed SIMD
// (fused multiply-add in the float32 GEMM and tanh), which only runtimes that
// validate it get (Chromium, Node 22+, Node 20 with --experimental-wasm-relaxed-simd).
import { TANH_CONSTANTS } from "./fast-tanh.js";
import type { FloatArray } from "./shape.js";
import {
  KERNELS_RELAXED_WASM_BASE64, KERNELS_RELAXED_WASM_SHARED_BASE64, KERNELS_WASM_BASE64, KERNELS_WASM_SHARED_BASE64,
} from "./wasm/kernels.generated.js";

type Flag = 0 | 1;

// The few WebAssembly JS API members used here (tsconfig's ES2022 lib has none).
interface WasmMemory { readonly buffer: ArrayBufferLike; grow(pages: number): number }
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
  validate(bytes: Uint8Array): boolean;
};

type GemmFn = (
  transA: Flag, transB: Flag, m: number, n: number, k: number, a: number, b: number, c: number,
  i0: number, i1: number, j0: number, j1: number, scratch: number, prepackedA: number, prepackedB: number, overwrite: Flag,
) => void;
type PackFn = (source: number, transposed: Flag, outer: number, k: number, dst: number) => void;
type RowsFn = (source: number, m: number, n: number, dst: number) => void;
type BinaryFn = (op: number, a: number, aStep: Flag, b: number, bStep: Flag, out: number, n: number) => void;
type UnaryFn = (op: number, x: number, out: number, n: number) => void;
type TanhFn = (x: number, out: number, n: number, constants: number) => void;
type SgdFn = (w: number, g: number, n: number, lr: number, weightDecay: number) => void;

export interface KernelExports {
  gemmF32: GemmFn;
  gemmF64: GemmFn;
  packAllAF32: PackFn;
  packAllAF64: PackFn;
  packAllBF32: PackFn;
  packAllBF64: PackFn;
  repeatRowsF32: RowsFn;
  repeatRowsF64: RowsFn;
  sumRowsF32: RowsFn;
  sumRowsF64: RowsFn;
  binaryF32: BinaryFn;
  binaryF64: BinaryFn;
  unaryF32: UnaryFn;
  unaryF64: UnaryFn;
  tanhF32: TanhFn;
  sgdF32: SgdFn;
  sgdF64: SgdFn;
  scratchBytes(elementSize: number): number;
  /** The bench's calibration: `iterations` steps of 12 independent f32x4 multiply-add chains (96 flops each). */
  peakF32(iterations: number): number;
}

const PAGE = 65536;
const MAX_PAGES = 16384; // must match build.mjs
/**
 * Bytes reserved at the start of memory: the worker's control words (140
 * bytes with 16 strips, see gemm-threads.ts), then the tanh constants (96).
 */
const CONTROL_BYTES = 256;
const TANH_CONSTANTS_AT = 160;
/** Packing scratch regions of the shared instance: one per thread that can run a part of a product (the plain one has one). */
const THREADS = 2;

export interface WasmKernels {
  readonly shared: boolean;
  /** The relaxed-SIMD build (fused multiply-add in the float32 GEMM and tanh). */
  readonly relaxed: boolean;
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  /** Byte offset of thread t's packing scratch. */
  scratch(thread: number): number;
  /** Byte offset where operands start. */
  readonly operands: number;
  /**
   * Views of the whole memory and its size, remade only when memoryFor grows it
   * (only the calling thread grows it): small products run thousands of times
   * per second, and reading memory.buffer costs a call into the runtime each time.
   */
  views: MemoryViews;
}

interface MemoryViews {
  readonly bytes: number;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

function decode(base64: string): Uint8Array {
  if (typeof Buffer !== "undefined") return new Uint8Array(Buffer.from(base64, "base64"));
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const BUILDS = {
  plain: { simd: KERNELS_WASM_BASE64, relaxed: KERNELS_RELAXED_WASM_BASE64 },
  shared: { simd: KERNELS_WASM_SHARED_BASE64, relaxed: KERNELS_RELAXED_WASM_SHARED_BASE64 },
} as const;

/**
 * Compile and instantiate one build, or return null where this runtime cannot
 * run it: no WebAssembly SIMD, no relaxed SIMD (WebAssembly.validate refuses
 * the module first), or no shared memory when asked for.
 */
function instantiate(shared: boolean, relaxed: boolean): WasmKernels | null {
  try {
    const bytes = decode(BUILDS[shared ? "shared" : "plain"][relaxed ? "relaxed" : "simd"]);
    if (!WebAssembly.validate(bytes)) return null;
    const module = new WebAssembly.Module(bytes);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared });
    const exports = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error("the wasm kernels aborted"); } } }).exports as unknown as KernelExports;
    const scratchSize = align(Math.max(exports.scratchBytes(4), exports.scratchBytes(8)));
    const operands = CONTROL_BYTES + (shared ? THREADS : 1) * scratchSize;
    grow(memory, operands);
    new Float64Array(memory.buffer, TANH_CONSTANTS_AT, TANH_CONSTANTS.length).set(TANH_CONSTANTS);
    return { shared, relaxed, module, memory, exports, operands, scratch: (thread) => CONTROL_BYTES + thread * scratchSize, views: viewsOf(memory) };
  } catch {
    return null;
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

function grow(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}

function viewsOf(memory: WasmMemory): MemoryViews {
  const buffer = memory.buffer;
  return { bytes: buffer.byteLength, f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
}

/** Instances by build (index: 2 * shared + relaxed), created on first use; null where this platform cannot run that build. */
const instances: (WasmKernels | null | undefined)[] = [undefined, undefined, undefined, undefined];

function instance(shared: boolean, relaxed: boolean): WasmKernels | null {
  const index = (shared ? 2 : 0) + (relaxed ? 1 : 0);
  let w = instances[index];
  if (w === undefined) w = instances[index] = instantiate(shared, relaxed);
  return w;
}

/** The instance over plain memory of the plain-SIMD build (relaxed: of the relaxed-SIMD build); null when this platform cannot run it. */
export function wasmKernels(relaxed = false): WasmKernels | null {
  return instance(false, relaxed);
}

/** The instance over shared memory of the same build as w, for products split with the worker; null where shared memory is missing. */
export function sharedWasmKernels(w: WasmKernels): WasmKernels | null {
  return w.shared ? w : instance(true, w.relaxed);
}

function viewOf(w: WasmKernels, f64: boolean): Float32Array | Float64Array {
  return f64 ? w.views.f64 : w.views.f32;
}

/**
 * A view of w's memory in the given dtype, grown to hold `bytes` first; null
 * when that is more than a module's memory can grow to (MAX_PAGES), and the
 * caller runs its TypeScript loop instead of failing with a RangeError.
 */
function memoryFor(w: WasmKernels, f64: boolean, bytes: number): Float32Array | Float64Array | null {
  if (bytes > MAX_PAGES * PAGE) return null;
  if (bytes > w.views.bytes) {
    grow(w.memory, bytes);
    w.views = viewsOf(w.memory);
  }
  return viewOf(w, f64);
}

/** out[outOffset, outOffset + n) = view[from, from + n) (element offsets). */
function copyOut(view: Float32Array | Float64Array, from: number, n: number, out: FloatArray, outOffset = 0): void {
  out.set(view.subarray(from, from + n), outOffset);
}

/** x[offset, offset + length) without a new view when that is all of x (a view costs ~0.1 us). */
function range(x: FloatArray, offset: number, length: number): FloatArray {
  return offset === 0 && length === x.length ? x : x.subarray(offset, offset + length);
}

/** Where the operands of one product live in wasm memory (byte offsets). */
export interface Placement {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** Room for op(A) or op(B) packed whole, when threads share it (see packShared). */
  readonly packed: number;
  /** C starts as zeros: the kernel stores its first depth block's sums instead of adding them to zeros. */
  readonly overwrite: boolean;
}

/**
 * Copy op(A), op(B) (and C when accumulating) into wasm memory in the output's
 * dtype; otherwise C starts as rowBias in every row, or as zeros (left to the
 * kernel's first depth block unless k is 0). Returns where each one landed, or
 * null when they do not fit in the module's memory.
 */
export function placeOperands(
  w: WasmKernels, f64: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number, accumulate: boolean, rowBias: FloatArray | null,
): Placement | null {
  const size = f64 ? 8 : 4;
  const aAt = w.operands;
  const bAt = align(aAt + m * k * size);
  const cAt = align(bAt + k * n * size);
  const packedAt = align(cAt + m * n * size);
  // Packed panels round rows up to 4 (6 for the relaxed build's f32) and columns up to 8 (f32) or 4 (f64).
  const packedSize = Math.max(Math.ceil(m / 12) * 12, Math.ceil(n / 8) * 8) * k * size;
  const view = memoryFor(w, f64, packedAt + Math.max(packedSize, n * size));
  if (view === null) return null;
  view.set(range(a, aOffset, m * k), aAt / size);
  view.set(range(b, bOffset, k * n), bAt / size);
  if (accumulate) {
    view.set(range(c, cOffset, m * n), cAt / size);
  } else if (rowBias !== null) {
    // The bias waits where the packed panels go: packing starts after it is spread.
    view.set(rowBias, packedAt / size);
    (f64 ? w.exports.repeatRowsF64 : w.exports.repeatRowsF32)(packedAt, m, n, cAt);
  } else if (k === 0) {
    view.fill(0, cAt / size, cAt / size + m * n);
  }
  return { a: aAt, b: bAt, c: cAt, packed: packedAt, overwrite: !accumulate && rowBias === null };
}

/** Copy the product back out of wasm memory. */
export function takeProduct(w: WasmKernels, f64: boolean, m: number, n: number, at: Placement, c: FloatArray, cOffset: number): void {
  const start = at.c / (f64 ? 8 : 4);
  copyOut(viewOf(w, f64), start, m * n, c, cOffset);
}

/** Which operand, if any, was packed whole into `Placement.packed`. */
export type Prepacked = "none" | "a" | "b";

/** Pack op(A) (or op(B)) whole into at.packed, once, for threads that all read it. */
export function packShared(w: WasmKernels, f64: boolean, which: "a" | "b", transA: boolean, transB: boolean, m: number, n: number, k: number, at: Placement): void {
  const e = w.exports;
  if (which === "a") (f64 ? e.packAllAF64 : e.packAllAF32)(at.a, transA ? 1 : 0, m, k, at.packed);
  else (f64 ? e.packAllBF64 : e.packAllBF32)(at.b, transB ? 1 : 0, n, k, at.packed);
}

/** C[i0:i1, j0:j1] += op(A) · op(B) on this thread, with thread slot `thread`'s scratch. */
export function runPart(
  w: WasmKernels, f64: boolean, transA: boolean, transB: boolean, m: number, n: number, k: number,
  at: Placement, i0: number, i1: number, j0: number, j1: number, thread: number, prepacked: Prepacked = "none",
): void {
  const run = f64 ? w.exports.gemmF64 : w.exports.gemmF32;
  const packedA = prepacked === "a" ? at.packed : 0;
  const packedB = prepacked === "b" ? at.packed : 0;
  run(transA ? 1 : 0, transB ? 1 : 0, m, n, k, at.a, at.b, at.c, i0, i1, j0, j1, w.scratch(thread), packedA, packedB, at.overwrite ? 1 : 0);
}

/** out[outOffset + j] = sum over i < m of x[xOffset + i * n + j], for j < n, in x's dtype; false if it does not fit in wasm memory. */
export function sumRowsWasm(w: WasmKernels, x: FloatArray, xOffset: number, m: number, n: number, out: FloatArray, outOffset: number): boolean {
  const f64 = x instanceof Float64Array;
  const size = f64 ? 8 : 4;
  const xAt = w.operands;
  const outAt = align(xAt + m * n * size);
  const view = memoryFor(w, f64, outAt + n * size);
  if (view === null) return false;
  view.set(range(x, xOffset, m * n), xAt / size);
  (f64 ? w.exports.sumRowsF64 : w.exports.sumRowsF32)(xAt, m, n, outAt);
  copyOut(view, outAt / size, n, out, outOffset);
  return true;
}

/** Op codes of wasm/elementwise.as (tanh, float32 only, has an export of its own: tanhF32). */
export const WASM_BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3, tanhBackward: 4, sigmoidBackward: 5, reluBackward: 6 } as const;
export const WASM_UNARY_OPS = { neg: 0, abs: 1, square: 2, relu: 3, tanh: 4 } as const;
const TANH = WASM_UNARY_OPS.tanh;

/**
 * out[i] = op(a[i * aStep], b[i * bStep]) for i < out.length, steps 0 (a
 * broadcast scalar) or 1; a, b and out of one dtype. False if they do not fit in wasm memory.
 */
export function binaryWasm(w: WasmKernels, op: number, a: FloatArray, aStep: Flag, b: FloatArray, bStep: Flag, out: FloatArray): boolean {
  const f64 = out instanceof Float64Array;
  const size = f64 ? 8 : 4;
  const aAt = w.operands;
  const bAt = align(aAt + a.length * size);
  const outAt = align(bAt + b.length * size);
  const view = memoryFor(w, f64, outAt + out.length * size);
  if (view === null) return false;
  view.set(a, aAt / size);
  view.set(b, bAt / size);
  (f64 ? w.exports.binaryF64 : w.exports.binaryF32)(op, aAt, aStep, bAt, bStep, outAt, out.length);
  copyOut(view, outAt / size, out.length, out);
  return true;
}

/** out[i] = op(x[i]); x and out of one dtype (tanh: float32 only). False if they do not fit in wasm memory. */
export function unaryWasm(w: WasmKernels, op: number, x: FloatArray, out: FloatArray): boolean {
  const f64 = out instanceof Float64Array;
  const size = f64 ? 8 : 4;
  const xAt = w.operands;
  const outAt = align(xAt + x.length * size);
  const view = memoryFor(w, f64, outAt + out.length * size);
  if (view === null) return false;
  view.set(x, xAt / size);
  if (op === TANH) w.exports.tanhF32(xAt, outAt, x.length, TANH_CONSTANTS_AT);
  else (f64 ? w.exports.unaryF64 : w.exports.unaryF32)(op, xAt, outAt, x.length);
  copyOut(view, outAt / size, out.length, out);
  return true;
}

/** weights[i] -= lr * (grad[i] + weightDecay * weights[i]); weights and grad of one dtype. False if they do not fit in wasm memory. */
export function sgdWasm(w: WasmKernels, weights: FloatArray, grad: FloatArray, lr: number, weightDecay: number): boolean {
  const f64 = weights instanceof Float64Array;
  const size = f64 ? 8 : 4;
  const wAt = w.operands;
  const gAt = align(wAt + weights.length * size);
  const view = memoryFor(w, f64, gAt + grad.length * size);
  if (view === null) return false;
  view.set(weights, wAt / size);
  view.set(grad, gAt / size);
  (f64 ? w.exports.sgdF64 : w.exports.sgdF32)(wAt, gAt, weights.length, lr, weightDecay);
  copyOut(view, wAt / size, weights.length, weights);
  return true;
}
