// A module's state dict in a JSON file: the text of stateDictToJson, written
// atomically, and read back with every check of stateDictFromJson plus the
// module's own (keys and shapes) before anything is copied.
import { readFileSync } from "node:fs";
import { type LoadOptions, type Module, SaveError, StateDictError } from "../nn/index.js";
import { readStateDict, stateDictToJson } from "../nn/state.js";
import { FileWriteError, writeFileAtomic } from "./files.js";

/**
 * Write `model.stateDict()` to a JSON file that records each tensor's shape
 * and dtype, every value bit for bit. The file is replaced atomically: a
 * failed save (missing folder, full disk, file-size limit) throws a SaveError
 * and leaves the file that was there.
 */
export function saveModule(model: Module, path: string): void {
  try {
    writeFileAtomic(path, stateDictToJson(model.stateDict()));
  } catch (e) {
    if (e instanceof FileWriteError) throw new SaveError("saveModule", path, e.code, e.message);
    throw e;
  }
}

/**
 * Load a file written by saveModule into `model` and return it; a missing
 * key, wrong shape or corrupt file throws and loads nothing, and so does a
 * NaN or infinite value unless allowNonFinite (a model saved after it
 * diverged is no model to use).
 */
export function loadModule<M extends Module>(model: M, path: string, options: LoadOptions = {}): M {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new StateDictError("loadModule", `cannot read ${path}: ${(e as Error).message}`);
  }
  const dict = readStateDict("loadModule", text, path, options.allowNonFinite === true);
  try {
    model.loadStateDict(dict, { strict: true });
  } catch (e) {
    if (e instanceof StateDictError) throw new StateDictError("loadModule", `${path}: ${e.message}`, e.key);
    throw e;
  }
  return model;
}
