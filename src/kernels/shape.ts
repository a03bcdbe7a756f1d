// Shape arithmetic shared by kernels and ops. Plain numbers only: no Tensor here.

export type Shape = readonly number[];
export type FloatArray = Float32Array | Float64Array;

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i]!;
  return size;
}

/** Row-major (C-order) strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; null when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read an array of `shape` as if it had the (broadcast) shape
 * `target`: broadcast dimensions get stride 0.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const own = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[offset + i] = shape[i] === 1 ? 0 : own[i]!;
  }
  return out;
}

// Buffers that usually die with the training step that made them are cut
// from shared slabs: the outputs of the hot ops a graph records (elementwise,
// matmul, linear, sum: their forward passes `shortLived`) and every buffer of
// a backward sweep. A typed array with its own ArrayBuffer costs ~0.5-1 us to
// make and to collect once it is larger than the 64 bytes V8 keeps on its
// heap (an external, zeroed allocation that the GC tracks): a sixth of a deep
// MLP's training step. A view into a fresh slab is zeroed already and costs
// one small heap object. The price: a view keeps its whole slab alive. So
// that a view kept for long (a .grad, a list of a step's outputs) holds
// little, each size class (65-128 bytes, 129-256, ... up to 64 KB) has its own
// slabs of 16 buffers of that class, 256 KB at most: a kept view holds at most
// 32x its own size, and at most 256 KB. clone() one to give it a buffer of its own.
const SLAB_BYTES = 1 << 18;
/** Larger buffers get their own ArrayBuffer: their allocation costs little next to the work on them. */
const SLAB_MAX_BYTES = 1 << 16;
/** Per size class (its largest buffer is 2^class bytes): the slab being cut, and how much of it is used. */
const slabs: (ArrayBuffer | null)[] = new Array<ArrayBuffer | null>(17).fill(null);
const slabUsed: number[] = new Array<number>(17).fill(0);
let slabSweeps = 0;

/** Run fn with every buffer of 65 bytes to 64 KB cut from slabs (the engine's backward sweep). */
export function allocatingFromSlabs<T>(fn: () => T): T {
  slabSweeps++;
  try {
    return fn();
  } finally {
    slabSweeps--;
  }
}

/**
 * Dense, zeroed float buffer of the given dtype. `shortLived` (the output of
 * an op a graph records) cuts it from a slab as inside a backward sweep.
 */
export function allocate(dtype: "float32" | "float64", size: number, shortLived = false): FloatArray {
  const f64 = dtype === "float64";
  const bytes = size * (f64 ? 8 : 4);
  if ((slabSweeps === 0 && !shortLived) || bytes <= 64 || bytes > SLAB_MAX_BYTES) return f64 ? new Float64Array(size) : new Float32Array(size);
  const sizeClass = 32 - Math.clz32(bytes - 1);
  let slab = slabs[sizeClass];
  const aligned = (bytes + 7) & ~7; // every view starts 8-byte aligned
  if (!slab || slabUsed[sizeClass]! + aligned > slab.byteLength) {
    slab = slabs[sizeClass] = new ArrayBuffer(Math.min(16 << sizeClass, SLAB_BYTES));
    slabUsed[sizeClass] = 0;
  }
  const at = slabUsed[sizeClass]!;
  slabUsed[sizeClass] = at + aligned;
  return f64 ? new Float64Array(slab, at, size) : new Float32Array(slab, at, size);
}
