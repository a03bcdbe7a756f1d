// A state dict as JSON text: what saveModule (dagrad/node) writes to a file
// and what a page keeps in localStorage or downloads. Each tensor records its
// dtype and shape next to its values, written so that nothing is lost
// (serial.ts: -0, NaN and the infinities as strings). Version 1 texts,
// written before -0 was kept, read the same way. Reading checks the whole
// text before returning anything, and every error names the key. No file
// access: this runs wherever JavaScript runs.
import type { Tensor } from "../autograd/index.js";
import { StateDictError } from "./errors.js";
import { elementIndex } from "./position.js";
import { type TensorRecord, decodeTensor, encodeTensor, isRecord } from "./serial.js";

const FORMAT = "dagrad.stateDict";
const VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

export interface LoadOptions {
  /** Load NaN and infinite values too (default false: a saved model that diverged is refused). */
  allowNonFinite?: boolean;
}

export interface StateDictFromJsonOptions extends LoadOptions {
  /** Where the text came from (a file name, a URL), named in errors; default "the JSON text". */
  source?: string;
}

/**
 * The JSON text of a state dict (`model.stateDict()`), every value bit for
 * bit: `{"format":"dagrad.stateDict","version":2,"tensors":{name: {dtype, shape, data}}}`.
 */
export function stateDictToJson(dict: Record<string, Tensor>): string {
  const tensors: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(dict)) tensors[name] = encodeTensor(t);
  return JSON.stringify({ format: FORMAT, version: VERSION, tensors });
}

/**
 * The state dict in text written by stateDictToJson (or a file saveModule
 * wrote), for `model.loadStateDict(...)`. Corrupt text, a tensor that does
 * not match its shape, and (unless allowNonFinite) a NaN or infinite value
 * throw a StateDictError.
 */
export function stateDictFromJson(text: string, options: StateDictFromJsonOptions = {}): Record<string, Tensor> {
  return readStateDict("stateDictFromJson", text, options.source ?? "the JSON text", options.allowNonFinite === true);
}

/** stateDictFromJson for callers that name their own op (loadModule). */
export function readStateDict(op: string, text: string, source: string, allowNonFinite: boolean): Record<string, Tensor> {
  const dict = decodeStateDict(op, text, source);
  if (!allowNonFinite) {
    for (const [key, t] of Object.entries(dict)) {
      const i = t.data.findIndex((v) => !Number.isFinite(v));
      if (i >= 0) {
        throw new StateDictError(op, `${source}: "${key}" holds ${t.data[i]} at ${elementIndex(t.shape, i)}; nothing was loaded. The saved model had diverged: train it again, or pass { allowNonFinite: true } to load it as it is`, key);
      }
    }
  }
  return dict;
}

/** Parse a saved state dict as it is (NaN and infinities included); `source` is named in errors. */
export function decodeStateDict(op: string, text: string, source: string): Record<string, Tensor> {
  if (typeof text !== "string") throw new StateDictError(op, `expected the JSON text of a state dict, got ${text === null ? "null" : typeof text}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new StateDictError(op, `${source} is not valid JSON (${(e as Error).message}); it is corrupt or was not written by dagrad (saveModule, stateDictToJson)`);
  }
  if (!isRecord(parsed) || parsed.format !== FORMAT || !isRecord(parsed.tensors)) {
    throw new StateDictError(op, `${source} is not a dagrad state dict (expected {"format": "${FORMAT}", "tensors": {...}})`);
  }
  if (!READABLE_VERSIONS.includes(parsed.version)) {
    throw new StateDictError(op, `${source} has format version ${JSON.stringify(parsed.version)}; this dagrad reads versions ${READABLE_VERSIONS.join(" and ")}`);
  }
  const dict: Record<string, Tensor> = {};
  for (const [name, record] of Object.entries(parsed.tensors)) {
    dict[name] = decodeTensor(record, (why) => {
      throw new StateDictError(op, `${source}: tensor "${name}" ${why}`, name);
    });
  }
  return dict;
}
