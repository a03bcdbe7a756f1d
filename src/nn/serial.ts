// Numbers and tensors as JSON values that lose nothing. JSON has no NaN or
// infinities, and JSON.stringify(-0) is "0", so those four are written as
// strings; every other double prints as the shortest text that parses back to
// the same bits (a float32 value is written as the double it is). Shared by
// saved modules and the optimizer and scheduler state dicts; no file access.
import { type DType, Tensor, formatShape } from "../autograd/index.js";

export type JsonNumber = number | "NaN" | "Infinity" | "-Infinity" | "-0";

/** A tensor as JSON: its dtype, its shape and its values in row-major order. */
export interface TensorRecord {
  dtype: DType;
  shape: number[];
  data: JsonNumber[];
}

export function encodeNumber(v: number): JsonNumber {
  if (Object.is(v, -0)) return "-0";
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

/** The number a JsonNumber stands for; undefined for anything else. */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  switch (v) {
    case "NaN": return NaN;
    case "Infinity": return Infinity;
    case "-Infinity": return -Infinity;
    case "-0": return -0;
    default: return undefined;
  }
}

export function encodeTensor(t: Tensor): TensorRecord {
  return { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data, encodeNumber) };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The tensor a record describes, in the record's dtype. Anything malformed
 * calls `fail` with what is wrong (the caller adds which tensor and where).
 */
export function decodeTensor(record: unknown, fail: (why: string) => never): Tensor {
  if (!isRecord(record)) return fail("is not an object with dtype, shape and data");
  const { dtype, shape, data } = record;
  if (dtype !== "float32" && dtype !== "float64") return fail(`has dtype ${JSON.stringify(dtype)}, expected "float32" or "float64"`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return fail(`has shape ${JSON.stringify(shape)}, expected a list of non-negative integers`);
  const size = shape.reduce((n: number, d: number) => n * d, 1);
  if (!Array.isArray(data) || data.length !== size) {
    return fail(`has ${Array.isArray(data) ? data.length : "no"} values, but its shape ${formatShape(shape)} needs ${size}`);
  }
  const values = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = decodeNumber(data[i]);
    if (v === undefined) return fail(`has ${JSON.stringify(data[i])} at position ${i}, expected a number`);
    values[i] = v;
  }
  return new Tensor(values, shape as number[]);
}
