// PyTorch's state_dict names for a dagrad module. They are dagrad's own
// dotted paths except in two places: an MLP is named as the nn.Sequential it
// is (its `layers.` disappears: `0.weight`, not `layers.0.weight`), and
// BatchNorm1d's buffers are running_mean and running_var. The weight layout
// needs no change: Linear keeps its weight [out, in], as PyTorch does.
import { Tensor } from "../autograd/index.js";
import { BatchNorm1d, type LoadStateDictResult, MLP, type Module, type StateDict, StateDictError } from "../nn/index.js";
import { stateDictProblems } from "../nn/module.js";
import { elementIndex } from "../nn/position.js";

const BATCH_NORM_BUFFERS: Record<string, string> = { runningMean: "running_mean", runningVar: "running_var" };

/** The PyTorch name of the parameter or buffer that `model` calls `name`. */
function torchName(model: Module, name: string): string {
  const parts: string[] = [];
  let module = model;
  let rest = name;
  for (;;) {
    const child = module.namedChildren().find(([n]) => rest.startsWith(`${n}.`));
    if (child === undefined) break;
    if (!(module instanceof MLP && child[0] === "layers")) parts.push(child[0]);
    module = child[1];
    rest = rest.slice(child[0].length + 1);
  }
  parts.push(module instanceof BatchNorm1d ? BATCH_NORM_BUFFERS[rest] ?? rest : rest);
  return parts.join(".");
}

/** [PyTorch name, dagrad name, the live tensor] of every parameter and buffer, parameters first. */
function torchEntries(model: Module): [string, string, Tensor][] {
  return [...model.namedParameters(), ...model.namedBuffers()].map(([name, t]) => [torchName(model, name), name, t]);
}

/** A snapshot of the model's parameters and buffers under PyTorch's state_dict names (copies). */
export function torchStateDict(model: Module): StateDict {
  const dict: StateDict = {};
  for (const [name, , t] of torchEntries(model)) dict[name] = new Tensor(t.data.slice(), [...t.shape]);
  return dict;
}

export interface TorchLoadOptions {
  /** Require the keys to match exactly (default true, as PyTorch's load_state_dict). Shapes must always match. */
  strict?: boolean;
  /** Load NaN and infinite values too (default false: weights that diverged are no weights to start from). */
  allowNonFinite?: boolean;
}

/**
 * Copy a state dict with PyTorch's names (what loadSafetensors returns, or a
 * PyTorch model's state_dict) into `model`. Every key, shape and value is
 * checked before anything is copied, so a dict that does not fit changes
 * nothing; values are converted to each parameter's dtype.
 */
export function loadTorchStateDict(model: Module, dict: StateDict, options: TorchLoadOptions = {}): LoadStateDictResult {
  const entries = torchEntries(model);
  const { problems, missingKeys, unexpectedKeys } = stateDictProblems(entries.map(([name, , t]) => [name, t] as const), dict, options.strict ?? true);
  const renamed: StateDict = {};
  for (const [name, own, t] of entries) {
    const value = dict[name];
    if (!(value instanceof Tensor) || problems.some(([key]) => key === name)) continue;
    const bad = options.allowNonFinite === true ? -1 : value.data.findIndex((v) => !Number.isFinite(t.dtype === "float32" ? Math.fround(v) : v));
    if (bad >= 0) {
      const v = value.data[bad]!;
      const why = Number.isFinite(v) ? `${v}, beyond float32's range,` : String(v);
      problems.push([name, `"${name}" holds ${why} at ${elementIndex(value.shape, bad)} (pass { allowNonFinite: true } to load it anyway)`]);
    }
    renamed[own] = value;
  }
  if (problems.length > 0) {
    throw new StateDictError("loadTorchStateDict", `nothing was loaded into ${model.constructor.name}: ${problems.map(([, m]) => m).join("; ")}`, problems[0]![0]);
  }
  model.loadStateDict(renamed, { strict: false });
  return { missingKeys, unexpectedKeys };
}
