import type { Tensor } from "../../src/autograd/index.js";

/** The raw bytes of a tensor's buffer, for "same seed, same bytes" checks. */
export function bytesOf(t: Tensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Row r of a 2-D tensor as numbers. */
export function row(t: Tensor, r: number): number[] {
  const width = t.shape[1]!;
  return Array.from(t.data.subarray(r * width, (r + 1) * width));
}

/** How many times each value occurs. */
export function counts(values: ArrayLike<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < values.length; i++) out.set(values[i]!, (out.get(values[i]!) ?? 0) + 1);
  return out;
}

/** Mean and population standard deviation. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** Per-class mean of each of x's two features. */
export function classMeans(x: Tensor, y: Tensor): Map<number, [number, number]> {
  const sums = new Map<number, [number, number, number]>();
  for (let i = 0; i < y.size; i++) {
    const s = sums.get(y.data[i]!) ?? [0, 0, 0];
    s[0] += x.data[2 * i]!;
    s[1] += x.data[2 * i + 1]!;
    s[2] += 1;
    sums.set(y.data[i]!, s);
  }
  return new Map([...sums].map(([c, [sx, sy, n]]) => [c, [sx / n, sy / n]]));
}

/** An IDX file: magic 0x0000 08 <dims>, one big-endian uint32 per dimension, then the bytes. */
export function idx(dims: number[], values: number[], type = 0x08): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(type, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(values)]));
}
