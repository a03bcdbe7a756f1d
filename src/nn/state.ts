// The JSON file format of a saved state dict. Each tensor records its dtype
// and shape next to its values; NaN and infinities, which JSON cannot hold,
// are written as the strings "NaN", "Infinity" and "-Infinity". Decoding checks
// the whole file before returning anything, and every error names the key.
import { readFileSync, writeFileSync } from "node:fs";
import { type DType, Tensor, formatShape } from "../autograd/index.js";
import { StateDictError } from "./errors.js";

const FORMAT = "dagrad.stateDict";
const VERSION = 1;

type JsonValue = number | "NaN" | "Infinity" | "-Infinity";

interface TensorRecord {
  dtype: DType;
  shape: number[];
  data: JsonValue[];
}

function encodeValue(v: number): JsonValue {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
}

export function encodeStateDict(dict: Record<string, Tensor>): string {
  const tensors: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(dict)) {
    tensors[name] = { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data, encodeValue) };
  }
  return JSON.stringify({ format: FORMAT, version: VERSION, tensors });
}

function decodeValue(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function decodeTensor(record: unknown, name: string, source: string): Tensor {
  const fail = (why: string): never => {
    throw new StateDictError("load", `${source}: tensor "${name}" ${why}`, name);
  };
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
    const v = decodeValue(data[i]);
    if (v === undefined) return fail(`has ${JSON.stringify(data[i])} at position ${i}, expected a number`);
    values[i] = v;
  }
  return new Tensor(values, shape as number[]);
}

/** Parse a saved state dict; `source` (the path) is named in errors. */
export function decodeStateDict(text: string, source: string): Record<string, Tensor> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new StateDictError("load", `${source} is not valid JSON (${(e as Error).message}); the file is corrupt or was not written by save()`);
  }
  if (!isRecord(parsed) || parsed.format !== FORMAT || !isRecord(parsed.tensors)) {
    throw new StateDictError("load", `${source} is not a dagrad state dict (expected {"format": "${FORMAT}", "tensors": {...}})`);
  }
  if (parsed.version !== VERSION) {
    throw new StateDictError("load", `${source} has format version ${JSON.stringify(parsed.version)}; this dagrad reads version ${VERSION}`);
  }
  const dict: Record<string, Tensor> = {};
  for (const [name, record] of Object.entries(parsed.tensors)) dict[name] = decodeTensor(record, name, source);
  return dict;
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new StateDictError("load", `cannot read ${path}: ${(e as Error).message}`);
  }
}

export function writeTextFile(path: string, text: string): void {
  writeFileSync(path, text, "utf8");
}
