// An independent float64 reference for every op's forward: plain loops over
// number arrays with their own index arithmetic (nothing from src/kernels), so
// a wrong forward in dagrad shows up as a disagreement with these values.
// Semantics are PyTorch's (torch.matmul, broadcasting, reductions over empty
// axes: sum 0, mean NaN, logsumexp -Infinity).

export interface Ref {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function ref(shape: readonly number[], data: readonly number[]): Ref {
  if (data.length !== sizeOf(shape)) throw new Error(`reference: ${data.length} values for shape [${shape.join(",")}]`);
  return { shape: [...shape], data: [...data] };
}

/** The multi-index of flat position `flat` in a row-major array of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return index;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + index[d]!;
  return flat;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Flat position in `x` read by output multi-index `index` when x is broadcast to the output. */
function broadcastSource(index: readonly number[], shape: readonly number[]): number {
  const offset = index.length - shape.length;
  return ravel(shape.map((d, i) => (d === 1 ? 0 : index[offset + i]!)), shape);
}

export function map(x: Ref, f: (v: number) => number): Ref {
  return ref(x.shape, x.data.map(f));
}

/** f over the broadcast pairs of a and b, in output order. */
export function zip(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  if (shape === null) throw new Error(`reference: cannot broadcast [${a.shape.join(",")}] with [${b.shape.join(",")}]`);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const index = unravel(i, shape);
    data.push(f(a.data[broadcastSource(index, a.shape)]!, b.data[broadcastSource(index, b.shape)]!));
  }
  return ref(shape, data);
}

export const expand = (x: Ref, shape: readonly number[]): Ref => zip(x, ref(shape, new Array<number>(sizeOf(shape)).fill(0)), (v) => v);

/** Which axes an `axis` argument (undefined: all; negative: from the end) reduces. */
export function reducedMask(ndim: number, axis: number | readonly number[] | undefined): boolean[] {
  const mask = new Array<boolean>(ndim).fill(axis === undefined);
  for (const a of axis === undefined ? [] : typeof axis === "number" ? [axis] : axis) mask[a < 0 ? a + ndim : a] = true;
  return mask;
}

/** The output shape of a reduction and, for each output element, the flat input positions it reduces (in order). */
function lanes(shape: readonly number[], mask: readonly boolean[], keepdim: boolean): { shape: number[]; lanes: number[][] } {
  const kept = shape.map((d, i) => (mask[i] ? 1 : d));
  const out = shape.flatMap((d, i) => (mask[i] ? (keepdim ? [1] : []) : [d]));
  const groups: number[][] = Array.from({ length: sizeOf(kept) }, () => []);
  for (let i = 0; i < sizeOf(shape); i++) {
    const index = unravel(i, shape);
    groups[ravel(index.map((v, d) => (mask[d] ? 0 : v)), kept)]!.push(i);
  }
  return { shape: out, lanes: groups };
}

export function reduce(x: Ref, axis: number | readonly number[] | undefined, keepdim: boolean, fold: (values: number[]) => number): Ref {
  const { shape, lanes: groups } = lanes(x.shape, reducedMask(x.shape.length, axis), keepdim);
  return ref(shape, groups.map((g) => fold(g.map((i) => x.data[i]!))));
}

/** f maps each lane along `axis` to a lane of the same length; the shape is kept. */
export function mapLanes(x: Ref, axis: number, f: (values: number[]) => number[]): Ref {
  const { lanes: groups } = lanes(x.shape, reducedMask(x.shape.length, axis), true);
  const data = new Array<number>(x.data.length).fill(0);
  for (const g of groups) f(g.map((i) => x.data[i]!)).forEach((v, k) => { data[g[k]!] = v; });
  return ref(x.shape, data);
}

export const total = (values: number[]): number => values.reduce((s, v) => s + v, 0);

export function logsumexpOf(values: number[]): number {
  if (values.length === 0) return -Infinity;
  const m = Math.max(...values);
  return m + Math.log(total(values.map((v) => Math.exp(v - m))));
}

/** Position of the first largest (or smallest) value. */
export function argExtreme(values: number[], smallest: boolean): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (smallest ? values[i]! < values[best]! : values[i]! > values[best]!) best = i;
  return best;
}

export function permute(x: Ref, dims: readonly number[]): Ref {
  const order = dims.map((d) => (d < 0 ? d + x.shape.length : d));
  const shape = order.map((d) => x.shape[d]!);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const index = unravel(i, shape);
    const source = new Array<number>(order.length);
    order.forEach((d, k) => { source[d] = index[k]!; });
    data.push(x.data[ravel(source, x.shape)]!);
  }
  return ref(shape, data);
}

/** The slices at `positions` along `axis`, in that order (repeats allowed): slice and indexSelect. */
export function gather(x: Ref, axis: number, positions: readonly number[]): Ref {
  const d = axis < 0 ? axis + x.shape.length : axis;
  const shape = x.shape.map((v, i) => (i === d ? positions.length : v));
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const index = unravel(i, shape);
    index[d] = positions[index[d]!]!;
    data.push(x.data[ravel(index, x.shape)]!);
  }
  return ref(shape, data);
}

export function concat(parts: readonly Ref[], axis: number): Ref {
  const d = axis < 0 ? axis + parts[0]!.shape.length : axis;
  const shape = parts[0]!.shape.map((v, i) => (i === d ? total(parts.map((p) => p.shape[d]!)) : v));
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const index = unravel(i, shape);
    let part = 0;
    while (index[d]! >= parts[part]!.shape[d]!) index[d] = index[d]! - parts[part++]!.shape[d]!;
    data.push(parts[part]!.data[ravel(index, parts[part]!.shape)]!);
  }
  return ref(shape, data);
}

/** torch.matmul: 1-D operands become a row (left) or a column (right) and that axis is dropped; batch axes broadcast. */
export function matmul(a: Ref, b: Ref): Ref {
  const a2 = a.shape.length === 1 ? ref([1, a.shape[0]!], a.data) : a;
  const b2 = b.shape.length === 1 ? ref([b.shape[0]!, 1], b.data) : b;
  const [m, k] = a2.shape.slice(-2) as [number, number];
  const n = b2.shape[b2.shape.length - 1]!;
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  const batch = broadcastShape(batchA, batchB)!;
  const data: number[] = [];
  for (let p = 0; p < sizeOf(batch); p++) {
    const index = unravel(p, batch);
    const aBase = broadcastSource(index, batchA) * m * k;
    const bBase = broadcastSource(index, batchB) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) s += a2.data[aBase + i * k + q]! * b2.data[bBase + q * n + j]!;
        data.push(s);
      }
    }
  }
  const shape = [...batch, m, n];
  if (b.shape.length === 1) shape.pop();
  if (a.shape.length === 1) shape.splice(shape.length - (b.shape.length === 1 ? 1 : 2), 1);
  return ref(shape, data);
}

/** x · Wᵀ + b over the last axis of x. */
export function linear(x: Ref, weight: Ref, bias: Ref | null): Ref {
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const rows = inFeatures === 0 ? sizeOf(x.shape.slice(0, -1)) : x.data.length / inFeatures;
  const data: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let s = bias === null ? 0 : bias.data[o]!;
      for (let i = 0; i < inFeatures; i++) s += x.data[r * inFeatures + i]! * weight.data[o * inFeatures + i]!;
      data.push(s);
    }
  }
  return ref([...x.shape.slice(0, -1), outFeatures], data);
}

export const sigmoidOf = (v: number): number => 1 / (1 + Math.exp(-v));
export const softplusOf = (v: number): number => (v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v)));
