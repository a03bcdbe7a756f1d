// dagrad export: a run's model as an ONNX model (for ONNX Runtime and what
// reads ONNX) or a safetensors file (PyTorch's state_dict names, for
// model.load_state_dict). The run's standardisation is not part of the model:
// the command prints it, and the file keeps it in its metadata.
import { join } from "node:path";
import { saveSafetensors, torchStateDict } from "../../interop/index.js";
import { loadOnnx } from "../onnx.js";
import { Identity, LeakyReLU, Linear, type MLP, type Module, ReLU, Sigmoid, Softmax, Softplus, Tanh } from "../../nn/index.js";
import { writeFileAtomic } from "../../node/files.js";
import { VERSION } from "../../version.js";
import { type CommandSpec, type Parsed, UsageError, choiceOption, integerOption, optionalString } from "../args.js";
import { type Command, print } from "../command.js";
import { EXPORT_FILES, type SavedRun, readRun } from "../run-folder.js";

const spec: CommandSpec = {
  name: "export",
  summary: "write a run's model as ONNX (for ONNX Runtime) or safetensors (for PyTorch)",
  usage: "dagrad export runs/moons --format onnx|safetensors [--out FILE]",
  options: [
    { name: "format", type: "string", value: "NAME", help: "onnx or safetensors" },
    { name: "out", type: "string", value: "FILE", help: "file to write (replaced if there)", defaultNote: "model.onnx or model.safetensors in the run folder" },
    { name: "opset", type: "string", value: "N", help: "ONNX opset, 13 to 21", default: "17" },
  ],
  notes: [
    "Examples:",
    "  dagrad export runs/moons --format onnx              # runs/moons/model.onnx",
    "  dagrad export runs/moons --format safetensors --out moons.safetensors",
  ].join("\n"),
};

/** The PyTorch expression of an MLP's layers, so the safetensors file's reader knows what to build. */
function torchModule(m: Module): string {
  if (m instanceof Linear) return `nn.Linear(${m.inFeatures}, ${m.outFeatures}${m.bias === null ? ", bias=False" : ""})`;
  if (m instanceof LeakyReLU) return `nn.LeakyReLU(${m.negativeSlope})`;
  if (m instanceof Softmax) return `nn.Softmax(dim=${m.axis})`;
  const simple = [[ReLU, "ReLU"], [Sigmoid, "Sigmoid"], [Tanh, "Tanh"], [Softplus, "Softplus"], [Identity, "Identity"]] as const;
  const found = simple.find(([kind]) => m instanceof kind);
  return found === undefined ? m.constructor.name : `nn.${found[1]}()`;
}

function metadata({ runId, config }: SavedRun): Record<string, string> {
  return {
    "dagrad.version": VERSION,
    "dagrad.run": runId,
    "dagrad.data": config.data.data,
    "dagrad.head": `${config.model.output} output, ${config.training.loss} loss, ${config.classes} classes`,
    ...(config.scaling === null ? {} : { "dagrad.scaling": JSON.stringify(config.scaling) }),
  };
}

function rounded(values: readonly number[]): string {
  return `[${values.map((v) => Number(v.toPrecision(4))).join(", ")}]`;
}

async function run({ values, positionals, given }: Parsed): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(`give one run folder, e.g. dagrad export runs/moons --format onnx${positionals.length > 1 ? ` (got ${positionals.join(" ")})` : ""}`);
  if (values.format === undefined) throw new UsageError("--format is needed: onnx or safetensors (see dagrad export --help)");
  const format = choiceOption(values, "format", ["onnx", "safetensors"] as const);
  if (format === "safetensors" && given.has("opset")) throw new UsageError("--opset applies to --format onnx only; leave it out");
  const opset = integerOption(values, "opset", 1);
  const dir = positionals[0]!;
  const saved = readRun(dir);
  const model: MLP = saved.model;
  const out = optionalString(values, "out") ?? join(dir, EXPORT_FILES[format]);
  const bytes = format === "onnx"
    ? (await loadOnnx("--format onnx")).exportOnnx(model, { opset, metadata: metadata(saved) })
    : saveSafetensors(model, { metadata: metadata(saved) });
  writeFileAtomic(out, bytes);

  const { sizes, output } = saved.config.model;
  const kb = `${(bytes.length / 1024).toFixed(1)} kB`;
  if (format === "onnx") {
    print(`Wrote ${out} (ONNX opset ${opset}, ${kb}): MLP [${sizes.join(", ")}]`);
    print(`Input "input": float32 [batch, ${sizes[0]}]; output "output": float32 [batch, ${sizes[sizes.length - 1]}] (${output} output)`);
  } else {
    const names = Object.keys(torchStateDict(model));
    const shown = names.length <= 6 ? names.join(", ") : `${names.slice(0, 4).join(", ")}, ... (${names.length} tensors)`;
    print(`Wrote ${out} (safetensors, ${kb}): MLP [${sizes.join(", ")}] as PyTorch's state_dict (${shown})`);
    print(`Loads into nn.Sequential(${model.layers.modules.map(torchModule).join(", ")})`);
  }
  const scaling = saved.config.scaling;
  if (scaling !== null) {
    print(`The model reads standardised features: (x - mean) / std with mean ${rounded(scaling.mean)}, std ${rounded(scaling.std)} (exactly: the file's metadata "dagrad.scaling")`);
  }
  return 0;
}

export const exportCommand: Command = { spec, run };
