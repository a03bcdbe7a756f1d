// The WebAssembly SIMD GEMM (wasm/gemm.as) from TypeScript: operands are
// copied into the module's memory, multiplied there, and the product copied
// back. The memory is shared, so a worker thread (gemm-threads.ts) can compute
// half of a large product in place.
import type { FloatArray } from "./shape.js";
import { GEMM_WASM_BASE64 } from "./wasm/gemm-binary.generated.js";

type Flag = 0 | 1;

// The few WebAssembly JS API members used here (tsconfig's ES2022 lib has none).
interface WasmMemory { readonly buffer: ArrayBufferLike; grow(pages: number): number }
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
};

type GemmFn = (
  transA: Flag, transB: Flag, m: number, n: number, k: number, a: number, b: number, c: number,
  i0: number, i1: number, j0: number, j1: number, scratch: number, prepackedA: number, prepackedB: number,
) => void;
type PackFn = (source: number, transposed: Flag, outer: number, k: number, dst: number) => void;

export interface GemmExports {
  gemmF32: GemmFn;
  gemmF64: GemmFn;
  packAllAF32: PackFn;
  packAllAF64: PackFn;
  packAllBF32: PackFn;
  packAllBF64: PackFn;
  scratchBytes(elementSize: number): number;
}

const PAGE = 65536;
const MAX_PAGES = 16384; // must match build.mjs
/** Bytes reserved at the start of memory for the worker's control words. */
export const CONTROL_BYTES = 256;
/** Packing scratch regions: one per thread that can run a part of a product. */
export const THREADS = 2;

export interface WasmGemm {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly exports: GemmExports;
  /** Byte offset of thread t's packing scratch. */
  scratch(thread: number): number;
  /** Byte offset where operands start. */
  readonly operands: number;
}

function decode(base64: string): Uint8Array {
  if (typeof Buffer !== "undefined") return new Uint8Array(Buffer.from(base64, "base64"));
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Compile and instantiate the module, or return null where WebAssembly SIMD or shared memory is missing. */
function instantiate(): WasmGemm | null {
  try {
    const module = new WebAssembly.Module(decode(GEMM_WASM_BASE64));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const exports = new WebAssembly.Instance(module, { env: { memory, abort: () => { throw new Error("gemm.wasm aborted"); } } }).exports as unknown as GemmExports;
    const scratchSize = align(Math.max(exports.scratchBytes(4), exports.scratchBytes(8)));
    const operands = CONTROL_BYTES + THREADS * scratchSize;
    grow(memory, operands);
    return { module, memory, exports, operands, scratch: (thread) => CONTROL_BYTES + thread * scratchSize };
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

let instance: WasmGemm | null | undefined;

/** The shared module instance (created on first use); null when this platform cannot run it. */
export function wasmGemm(): WasmGemm | null {
  if (instance === undefined) instance = instantiate();
  return instance;
}

/** Views of the whole memory, remade only when it grows (small products run thousands of times per second). */
let views: { buffer: ArrayBufferLike; f32: Float32Array; f64: Float64Array } | null = null;

function viewOf(w: WasmGemm, f64: boolean): Float32Array | Float64Array {
  const buffer = w.memory.buffer;
  if (views?.buffer !== buffer) views = { buffer, f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
  return f64 ? views.f64 : views.f32;
}

/** Where the operands of one product live in wasm memory (byte offsets). */
export interface Placement {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** Room for op(A) or op(B) packed whole, when threads share it (see packShared). */
  readonly packed: number;
}

/**
 * Copy op(A), op(B) (and C when accumulating) into wasm memory in the output's
 * dtype; C is zeroed otherwise. Returns where each one landed.
 */
export function placeOperands(
  w: WasmGemm, f64: boolean, m: number, n: number, k: number,
  a: FloatArray, aOffset: number, b: FloatArray, bOffset: number,
  c: FloatArray, cOffset: number, accumulate: boolean,
): Placement {
  const size = f64 ? 8 : 4;
  const aAt = w.operands;
  const bAt = align(aAt + m * k * size);
  const cAt = align(bAt + k * n * size);
  const packedAt = align(cAt + m * n * size);
  // Packed panels round rows up to 4 and columns up to 8 (f32) or 4 (f64).
  const packedSize = Math.max(Math.ceil(m / 4) * 4, Math.ceil(n / 8) * 8) * k * size;
  grow(w.memory, packedAt + packedSize);
  const view = viewOf(w, f64);
  view.set(a.subarray(aOffset, aOffset + m * k), aAt / size);
  view.set(b.subarray(bOffset, bOffset + k * n), bAt / size);
  if (accumulate) view.set(c.subarray(cOffset, cOffset + m * n), cAt / size);
  else view.fill(0, cAt / size, cAt / size + m * n);
  return { a: aAt, b: bAt, c: cAt, packed: packedAt };
}

/** Copy the product back out of wasm memory. */
export function takeProduct(w: WasmGemm, f64: boolean, m: number, n: number, at: Placement, c: FloatArray, cOffset: number): void {
  const start = at.c / (f64 ? 8 : 4);
  c.set(viewOf(w, f64).subarray(start, start + m * n), cOffset);
}

/** Which operand, if any, was packed whole into `Placement.packed`. */
export type Prepacked = "none" | "a" | "b";

/** Pack op(A) (or op(B)) whole into at.packed, once, for threads that all read it. */
export function packShared(w: WasmGemm, f64: boolean, which: "a" | "b", transA: boolean, transB: boolean, m: number, n: number, k: number, at: Placement): void {
  const e = w.exports;
  if (which === "a") (f64 ? e.packAllAF64 : e.packAllAF32)(at.a, transA ? 1 : 0, m, k, at.packed);
  else (f64 ? e.packAllBF64 : e.packAllBF32)(at.b, transB ? 1 : 0, n, k, at.packed);
}

/** C[i0:i1, j0:j1] += op(A) · op(B) on this thread, with thread slot `thread`'s scratch. */
export function runPart(
  w: WasmGemm, f64: boolean, transA: boolean, transB: boolean, m: number, n: number, k: number,
  at: Placement, i0: number, i1: number, j0: number, j1: number, thread: number, prepacked: Prepacked = "none",
): void {
  const run = f64 ? w.exports.gemmF64 : w.exports.gemmF32;
  const packedA = prepacked === "a" ? at.packed : 0;
  const packedB = prepacked === "b" ? at.packed : 0;
  run(transA ? 1 : 0, transB ? 1 : 0, m, n, k, at.a, at.b, at.c, i0, i1, j0, j1, w.scratch(thread), packedA, packedB);
}
