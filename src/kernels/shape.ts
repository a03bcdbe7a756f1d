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

/** Dense float buffer of the given dtype. */
export function allocate(dtype: "float32" | "float64", size: number): FloatArray {
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}
