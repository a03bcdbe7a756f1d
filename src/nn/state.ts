// The JSON file format of a saved state dict. Each tensor records its dtype
// and shape next to its values, written so that nothing is lost (serial.ts:
// -0, NaN and the infinities as strings). Version 1 files, written before -0
// was kept, read the same way. Decoding checks the whole file before
// returning anything, and every error names the key.
import { readFileSync } from "node:fs";
import type { Tensor } from "../autograd/index.js";
import { StateDictError } from "./errors.js";
import { type TensorRecord, decodeTensor, encodeTensor, isRecord } from "./serial.js";

const FORMAT = "dagrad.stateDict";
const VERSION = 2;
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

export function encodeStateDict(dict: Record<string, Tensor>): string {
  const tensors: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(dict)) tensors[name] = encodeTensor(t);
  return JSON.stringify({ format: FORMAT, version: VERSION, tensors });
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
  if (!READABLE_VERSIONS.includes(parsed.version)) {
    throw new StateDictError("load", `${source} has format version ${JSON.stringify(parsed.version)}; this dagrad reads versions ${READABLE_VERSIONS.join(" and ")}`);
  }
  const dict: Record<string, Tensor> = {};
  for (const [name, record] of Object.entries(parsed.tensors)) {
    dict[name] = decodeTensor(record, (why) => {
      throw new StateDictError("load", `${source}: tensor "${name}" ${why}`, name);
    });
  }
  return dict;
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new StateDictError("load", `cannot read ${path}: ${(e as Error).message}`);
  }
}
