// dagrad train --init-from FILE: start from weights made elsewhere, an ONNX
// model or a safetensors file with PyTorch's state_dict names. The file says
// the layer widths (and, for ONNX, the activations), which become the
// defaults of --layers, --activation and --output; the MLP those options make
// must then be the file's network, or nothing is loaded and the run stops
// before it starts.
import { readFileSync } from "node:fs";
import { DagradError, type Tensor } from "../autograd/index.js";
import { loadSafetensors, loadTorchStateDict } from "../interop/index.js";
import { type ActivationName, Identity, LeakyReLU, Linear, type MLP, type Module, ReLU, Sigmoid, Softmax, Softplus, Tanh } from "../nn/index.js";
import { UsageError } from "./args.js";
import { type OnnxModule, loadOnnx } from "./onnx.js";
import { ACTIVATIONS, OUTPUTS } from "./setup.js";

export interface InitFile {
  path: string;
  /** Layer widths, input to output, as the file's Linear layers have them. */
  sizes: number[];
  /** For ONNX files: the hidden and output activations the file computes. */
  activation?: ActivationName;
  output?: ActivationName;
  /** Copy the file's weights into `model` (the MLP the options made), or throw and copy nothing. */
  load(model: MLP): void;
}

/** The activation name of a module dagrad train can build, or null. */
function activationName(m: Module): ActivationName | null {
  if (m instanceof ReLU) return "relu";
  if (m instanceof LeakyReLU) return m.negativeSlope === 0.01 ? "leakyRelu" : null;
  if (m instanceof Sigmoid) return "sigmoid";
  if (m instanceof Tanh) return "tanh";
  if (m instanceof Softplus) return "softplus";
  if (m instanceof Softmax) return m.axis === 1 || m.axis === -1 ? "softmax" : null;
  if (m instanceof Identity) return "identity";
  return null;
}

function describe(modules: readonly Module[]): string {
  return modules.map((m) => m.toString().split("\n")[0]!.replace(/\($/, "(...)")).join(", ");
}

/** An imported network as dagrad train's MLP: Linear layers, each followed by at most one activation. */
function mlpOf(path: string, modules: readonly Module[]): { sizes: number[]; hidden: ActivationName[]; output: ActivationName; linears: Linear[] } {
  const notAnMlp = (why: string): never => {
    throw new UsageError(`--init-from ${path}: its network (${describe(modules)}) is not one dagrad train builds: ${why}`);
  };
  const linears: Linear[] = [];
  const activations: ActivationName[] = [];
  for (const m of modules) {
    if (m instanceof Linear) {
      if (linears.length > activations.length) activations.push("identity");
      linears.push(m);
      continue;
    }
    const name = activationName(m);
    if (name === null) notAnMlp(`${m.toString().split("\n")[0]} is not an activation of --activation or --output (leakyRelu has slope 0.01)`);
    if (linears.length === 0) notAnMlp("it does not start with a Linear layer");
    if (activations.length === linears.length) {
      if (name === "identity") continue;
      notAnMlp("two activations follow one Linear layer");
    }
    activations.push(name!);
  }
  if (linears.length === 0) notAnMlp("it has no Linear layer");
  if (activations.length < linears.length) activations.push("identity");
  const hidden = activations.slice(0, -1);
  if (new Set(hidden).size > 1) notAnMlp(`its hidden layers use different activations (${hidden.join(", ")}); --activation is one for all`);
  if (hidden.some((a) => !ACTIVATIONS.includes(a))) notAnMlp(`its hidden activation ${hidden[0]} is not one of ${ACTIVATIONS.join(", ")}`);
  const output = activations[activations.length - 1]!;
  if (!(OUTPUTS as readonly string[]).includes(output)) notAnMlp(`its output activation ${output} is not one of ${OUTPUTS.join(", ")}`);
  const sizes = [linears[0]!.inFeatures, ...linears.map((l) => l.outFeatures)];
  return { sizes, hidden, output, linears };
}

function readOnnx(path: string, bytes: Uint8Array, { importOnnx }: OnnxModule): InitFile {
  const network = importOnnx(bytes);
  const { sizes, hidden, output, linears } = mlpOf(path, network.modules);
  return {
    path, sizes, activation: hidden[0] ?? undefined, output,
    load(model) {
      const mine = mlpOf(path, model.layers.modules);
      if (mine.hidden.join() !== hidden.join() || mine.output !== output) {
        throw new UsageError(`--init-from ${path}: the file's network has ${hidden[0] ?? "no"} hidden and ${output} output activations, but the options ask for ${mine.hidden[0] ?? "no"} and ${mine.output}; leave out --activation and --output to take the file's`);
      }
      const dict: Record<string, Tensor> = {};
      linears.forEach((l, i) => {
        const at = model.layers.modules.indexOf(model.linears[i]!);
        dict[`layers.${at}.weight`] = l.weight;
        if (l.bias !== null) dict[`layers.${at}.bias`] = l.bias;
      });
      const bad = Object.entries(dict).find(([, t]) => t.data.some((v) => !Number.isFinite(Math.fround(v))));
      if (bad !== undefined) throw new UsageError(`--init-from ${path}: ${bad[0]} holds values that are not finite float32 numbers; these weights are no start`);
      loadInto(path, () => model.loadStateDict(dict));
    },
  };
}

function readSafetensors(path: string, bytes: Uint8Array): InitFile {
  const { tensors } = loadSafetensors(bytes);
  // nn.Sequential's Linear weights, "0.weight", "2.weight", ..., in layer order.
  const weights = Object.entries(tensors).filter(([name, t]) => /^\d+\.weight$/.test(name) && t.ndim === 2).sort(([a], [b]) => parseInt(a, 10) - parseInt(b, 10));
  if (weights.length === 0) throw new UsageError(`--init-from ${path}: no Linear weights ("0.weight", ...) in it; it holds ${Object.keys(tensors).join(", ") || "nothing"}`);
  const sizes = [weights[0]![1].shape[1]!, ...weights.map(([, w]) => w.shape[0]!)];
  return { path, sizes, load: (model) => loadInto(path, () => loadTorchStateDict(model, tensors)) };
}

function loadInto(path: string, load: () => void): void {
  try {
    load();
  } catch (e) {
    if (e instanceof DagradError) throw new UsageError(`--init-from ${path}: ${e.message}`);
    throw e;
  }
}

/** The file at `path`, read by its extension (.onnx or .safetensors). */
export async function readInitFile(path: string): Promise<InitFile> {
  const format = path.endsWith(".onnx") ? "onnx" : path.endsWith(".safetensors") ? "safetensors" : null;
  if (format === null) throw new UsageError(`--init-from ${path}: name an ONNX model (.onnx) or a safetensors file (.safetensors)`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`--init-from: cannot read ${path}: ${(e as Error).message}`);
  }
  const onnx = format === "onnx" ? await loadOnnx(`--init-from ${path}`) : null;
  try {
    return onnx !== null ? readOnnx(path, bytes, onnx) : readSafetensors(path, bytes);
  } catch (e) {
    if (e instanceof DagradError) throw new UsageError(`--init-from ${path}: ${e.message}`);
    throw e;
  }
}
