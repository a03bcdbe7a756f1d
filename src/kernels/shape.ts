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

// Gradient buffers made during a backward sweep are cut from shared slabs.
// A typed array with its own ArrayBuffer costs ~0.5-1 us to make and to
// collect once it is larger than the 64 bytes V8 keeps on its heap (an
// external, zeroed allocation that the GC tracks): a fifth of a deep MLP's
// training step. A view into a fresh slab is zeroed already and costs one
// small heap object. The price: a view keeps its whole slab alive, so a
// gradient kept for long (a .grad tensor, one a hook stores) holds up to
// SLAB_BYTES; clone() it to keep many. Outside sweeps nothing changes.
const SLAB_BYTES = 1 << 18;
/** Larger buffers get their own ArrayBuffer: their allocation costs little next to the work on them. */
const SLAB_MAX_BYTES = 1 << 16;
let slabSweeps = 0;
let slab: ArrayBuffer | null = null;
let slabUsed = 0;

/** Run fn with gradient-sized buffers cut from slabs (the engine's backward sweep). */
export function allocatingFromSlabs<T>(fn: () => T): T {
  slabSweeps++;
  try {
    return fn();
  } finally {
    slabSweeps--;
  }
}

/** Dense, zeroed float buffer of the given dtype. */
export function allocate(dtype: "float32" | "float64", size: number): FloatArray {
  const f64 = dtype === "float64";
  const bytes = size * (f64 ? 8 : 4);
  if (slabSweeps === 0 || bytes <= 64 || bytes > SLAB_MAX_BYTES) return f64 ? new Float64Array(size) : new Float32Array(size);
  if (slab === null || slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const at = slabUsed;
  slabUsed += (bytes + 7) & ~7; // every view starts 8-byte aligned
  return f64 ? new Float64Array(slab, at, size) : new Float32Array(slab, at, size);
}
