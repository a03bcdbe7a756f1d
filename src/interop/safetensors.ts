// The safetensors format (Hugging Face's): an 8-byte little-endian header
// length N, N bytes of JSON naming each tensor's dtype, shape and byte range
// (`data_offsets`, from the end of the header), then the raw little-endian
// values. Names are PyTorch's state_dict names (torch-names.ts), so
// `model.load_state_dict(load_file(...))` works on the nn.Sequential of the
// same shape. Reading checks the whole file, header and byte ranges, before a
// single tensor is made: a corrupt or truncated file gives nothing.
import { Tensor, formatShape } from "../autograd/index.js";
import type { Module, StateDict } from "../nn/index.js";
import { SafetensorsError } from "./errors.js";
import { torchStateDict } from "./torch-names.js";

const BYTES = { F32: 4, F64: 8 } as const;
type FloatDType = keyof typeof BYTES;
/** The other dtypes the format has, to tell "not loadable" from "not a dtype". */
const OTHER_DTYPES = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "I64", "U64"];
/** As the reference implementation: a larger header is refused before it is decoded. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA = "__metadata__";
/** PyTorch's BatchNorm counter (int64); dagrad keeps none, and PyTorch fills it in when a state dict lacks it. */
const BATCH_COUNTER = /(^|\.)num_batches_tracked$/;

export interface SafetensorsFile {
  /** The tensors by their names in the file (F32 as float32, F64 as float64). */
  tensors: StateDict;
  /** The header's `__metadata__` (string to string); empty when there is none. */
  metadata: Record<string, string>;
}

export interface SaveSafetensorsOptions {
  /** Strings stored in the header's `__metadata__`. */
  metadata?: Record<string, string>;
}

/** The model's parameters and buffers as a safetensors file, under PyTorch's state_dict names. */
export function saveSafetensors(model: Module, options: SaveSafetensorsOptions = {}): Uint8Array {
  const metadata = options.metadata ?? {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") throw new SafetensorsError("saveSafetensors", `metadata "${key}" is ${typeof value}; safetensors metadata values are strings`, key);
  }
  const tensors = Object.entries(torchStateDict(model));
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { [METADATA]: metadata } : {};
  let offset = 0;
  for (const [name, t] of tensors) {
    const size = t.size * (t.dtype === "float64" ? 8 : 4);
    header[name] = { dtype: t.dtype === "float64" ? "F64" : "F32", shape: [...t.shape], data_offsets: [offset, offset + size] };
    offset += size;
  }
  // Padded with spaces (as the format allows) so the data starts 8-byte aligned.
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const bytes = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  bytes.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of tensors) {
    for (const v of t.data) {
      if (t.dtype === "float64") view.setFloat64(at, v, true);
      else view.setFloat32(at, v, true);
      at += t.dtype === "float64" ? 8 : 4;
    }
  }
  return bytes;
}

interface Entry {
  name: string;
  dtype: FloatDType | null;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Read a safetensors file. F32 and F64 tensors are loaded; PyTorch's int64
 * BatchNorm counters (`num_batches_tracked`) are left out; any other dtype,
 * and any header or byte range that does not add up, throws a
 * SafetensorsError that names the key.
 */
export function loadSafetensors(bytes: Uint8Array): SafetensorsFile {
  const fail = (message: string, key?: string): never => { throw new SafetensorsError("loadSafetensors", message, key); };
  if (!(bytes instanceof Uint8Array)) return fail(`expected the file's bytes as a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  if (bytes.length < 8) return fail(`the file has ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) return fail(`the header length reads ${headerLength} bytes (more than ${MAX_HEADER_BYTES}): this is not a safetensors file, or its first bytes are damaged`);
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.length) return fail(`the header length reads ${headerLength} bytes, but only ${bytes.length - 8} follow it: the file is truncated or not a safetensors file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    return fail(`the header (bytes 8 to ${dataStart}) is not JSON text (${(e as Error).message}): the file is corrupt or not a safetensors file`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return fail(`the header is ${JSON.stringify(header)}, not a JSON object of tensors`);

  const metadata = readMetadata((header as Record<string, unknown>)[METADATA], fail);
  const entries = Object.entries(header).filter(([name]) => name !== METADATA).map(([name, info]) => readEntry(name, info, fail));
  checkCoverage(entries, bytes.length - dataStart, fail);

  const tensors: StateDict = {};
  for (const { name, dtype, shape, begin } of entries) {
    if (dtype === null) continue;
    const size = shape.reduce((n, d) => n * d, 1);
    const values = dtype === "F64" ? new Float64Array(size) : new Float32Array(size);
    const at = dataStart + begin;
    for (let i = 0; i < size; i++) values[i] = dtype === "F64" ? view.getFloat64(at + 8 * i, true) : view.getFloat32(at + 4 * i, true);
    tensors[name] = new Tensor(values, shape);
  }
  return { tensors, metadata };
}

function readMetadata(value: unknown, fail: (message: string, key?: string) => never): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(`the header's ${METADATA} is ${JSON.stringify(value)}, not an object of strings`, METADATA);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") fail(`the header's ${METADATA} has "${key}": ${JSON.stringify(v)}; metadata values are strings`, METADATA);
  }
  return { ...(value as Record<string, string>) };
}

/** One tensor's header entry, checked: a loadable dtype (null for a skipped counter), a shape, and a byte range of the right size. */
function readEntry(name: string, info: unknown, fail: (message: string, key?: string) => never): Entry {
  if (typeof info !== "object" || info === null || Array.isArray(info)) return fail(`tensor "${name}" is described by ${JSON.stringify(info)}, not {dtype, shape, data_offsets}`, name);
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return fail(`tensor "${name}" has shape ${JSON.stringify(shape)}, expected a list of non-negative integers`, name);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    return fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] with 0 <= begin <= end`, name);
  }
  const [begin, end] = offsets as [number, number];
  let loaded: FloatDType | null;
  let width: number;
  if (dtype === "F32" || dtype === "F64") {
    loaded = dtype;
    width = BYTES[dtype];
  } else if (dtype === "I64" && BATCH_COUNTER.test(name) && shape.length === 0) {
    loaded = null;
    width = 8;
  } else if (OTHER_DTYPES.includes(dtype as string)) {
    return fail(`tensor "${name}" has dtype ${String(dtype)}; dagrad loads F32 and F64 (in PyTorch, model.float() or model.double() before saving)`, name);
  } else {
    return fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}, which is not a safetensors dtype`, name);
  }
  const needed = shape.reduce((n: number, d: number) => n * d, 1) * width;
  if (end - begin !== needed) return fail(`tensor "${name}" (${String(dtype)} ${formatShape(shape)}) needs ${needed} bytes, but its data_offsets [${begin}, ${end}] hold ${end - begin}`, name);
  return { name, dtype: loaded, shape, begin, end };
}

/** The byte ranges must tile the data exactly, as the format requires: no overlap, no gap, nothing missing or left over. */
function checkCoverage(entries: readonly Entry[], dataLength: number, fail: (message: string, key?: string) => never): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous = "the start of the data";
  for (const e of sorted) {
    if (e.begin < at) fail(`tensor "${e.name}" starts at byte ${e.begin}, inside ${previous} (which ends at ${at}): the byte ranges overlap`, e.name);
    if (e.begin > at) fail(`tensor "${e.name}" starts at byte ${e.begin}, leaving bytes ${at} to ${e.begin} after ${previous} unused: the header does not describe the data`, e.name);
    if (e.end > dataLength) fail(`tensor "${e.name}" needs bytes up to ${e.end}, but the data has ${dataLength}: the file is truncated`, e.name);
    at = e.end;
    previous = `"${e.name}"`;
  }
  if (at !== dataLength) fail(`the data has ${dataLength} bytes, but the tensors fill ${at}: ${dataLength - at} bytes at the end belong to no tensor`);
}
