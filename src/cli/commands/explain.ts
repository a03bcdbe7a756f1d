// dagrad explain: the step-by-step backprop of 000 section 7 (Z1, A1, Z2, A2,
// loss, dZ2, dW2, dA1, dZ1, dW1), each value from the manual formulas and from
// autograd, side by side with their largest difference.
import { type ActivationName, type ExplainStep, MANUAL_LOSSES, MLP, ManualMLP, autogradSteps, explainSteps, manualLayersOf, mlpOfManualLayers } from "../../nn/index.js";
import { type CommandSpec, UsageError, type Values, choiceOption, intListOption, integerOption, noPositionals, numberOption, optionalString } from "../args.js";
import { type Command, print } from "../command.js";
import { join } from "node:path";
import { writeFileAtomic } from "../../node/files.js";
import { type ExplainPageStep, explainHtml } from "../../report/index.js";
import { ensureFolder } from "../run-folder.js";
import { ACTIVATIONS, OUTPUTS } from "../setup.js";
import { EXAMPLES, type WorkedExample, matrix, randomBatch } from "../worked-examples.js";

const spec: CommandSpec = {
  name: "explain",
  summary: "step-by-step backprop of a worked example: manual formulas and autograd side by side",
  usage: "dagrad explain [--example 000|001|004]  |  dagrad explain --layers 3 [--inputs 2] [--outputs 1] [--seed 1]",
  options: [
    { name: "example", type: "string", value: "ID", help: "worked example of source document 000 (section 7), 001 or 004", default: "000" },
    { name: "layers", type: "string", value: "3,2", help: "instead of an example: hidden widths of a network with seeded random weights" },
    { name: "inputs", type: "string", value: "N", help: "input features of the random network", default: "2" },
    { name: "outputs", type: "string", value: "N", help: "outputs of the random network", default: "1" },
    { name: "samples", type: "string", value: "N", help: "rows in the random network's batch", default: "1" },
    { name: "activation", type: "string", value: "NAME", help: "hidden activation of the random network", default: "tanh" },
    { name: "output", type: "string", value: "NAME", help: "output activation of the random network", default: "sigmoid" },
    { name: "loss", type: "string", value: "NAME", help: `loss of the random network: ${MANUAL_LOSSES.join(", ")}`, default: "bce" },
    { name: "seed", type: "string", value: "N", help: "seed of the random weights, inputs and targets", default: "1" },
    { name: "lr", type: "string", value: "RATE", help: "end with a gradient-descent update at this learning rate", defaultNote: "004: 0.1 on the weights, as the document; others none" },
    { name: "out", type: "string", value: "DIR", help: "folder for explain.html: the equations and every value, manual and autograd, as matrices", defaultNote: "runs/explain-<example>, runs/explain-random" },
  ],
  notes: "Examples:\n  dagrad explain                 # 000 section 7\n  dagrad explain --example 004  # forward, backward and 004's update at lr 0.1\n  dagrad explain --example 001 --lr 0.5\n  dagrad explain --layers 3 --inputs 2 --samples 2 --seed 7",
};

function randomExample(values: Values): WorkedExample {
  const hidden = intListOption(values, "layers");
  const inputs = integerOption(values, "inputs", 1);
  const outputs = integerOption(values, "outputs", 1);
  const samples = integerOption(values, "samples", 1);
  const seed = integerOption(values, "seed", 0);
  const activation = choiceOption(values, "activation", ACTIVATIONS);
  const output = choiceOption(values, "output", OUTPUTS);
  const loss = choiceOption(values, "loss", MANUAL_LOSSES);
  if (output === "softmax" && outputs < 2) throw new UsageError("--output softmax needs --outputs 2 or more");
  const mlp = new MLP({ sizes: [inputs, ...hidden, outputs], activation, outputActivation: output as ActivationName, init: "xavier", dtype: "float64", seed });
  const { x, y } = randomBatch(loss, samples, inputs, outputs, seed);
  return {
    title: `random MLP [${[inputs, ...hidden, outputs].join(", ")}], ${activation} hidden, ${output} output, ${loss} loss, seed ${seed}`,
    note: "Weights drawn with Xavier init from the seed; inputs rounded to two decimals.",
    layers: manualLayersOf(mlp, "float64"), x, y, loss,
  };
}

function formatValues(step: ExplainStep): string {
  const v = Array.from(step.values, (n) => n.toFixed(10));
  if (step.shape.length !== 2 || step.shape[0] === 1) return `[${v.join(", ")}]`;
  const cols = step.shape[1]!;
  const rows = Array.from({ length: step.shape[0]! }, (_, r) => `[${v.slice(r * cols, (r + 1) * cols).join(", ")}]`);
  return `[${rows.join(",\n             ")}]`;
}

/** ΔW = lr · dW and W - ΔW for each layer's weight (and bias), from one path's gradients. */
function updateSteps(example: WorkedExample, steps: readonly ExplainStep[], update: { lr: number; weightsOnly: boolean }): ExplainStep[] {
  return example.layers.flatMap((layer, i) => {
    const kinds = update.weightsOnly || layer.bias === null ? (["weight"] as const) : (["weight", "bias"] as const);
    return kinds.flatMap((kind) => {
      const gradient = steps.find((s) => s.parameter?.layer === i && s.parameter.kind === kind)!;
      const name = `${kind === "weight" ? "W" : "b"}${i + 1}`;
      const current = kind === "weight" ? layer.weight : layer.bias!;
      const change = gradient.values.map((g) => update.lr * g);
      return [
        { name: `Δ${name}`, formula: `lr · d${name}`, phase: "backward" as const, shape: gradient.shape, values: change },
        { name: `new ${name}`, formula: `${name} - Δ${name}`, phase: "backward" as const, shape: gradient.shape, values: change.map((c, k) => current[k]! - c) },
      ];
    });
  });
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  a.forEach((v, i) => { const d = Math.abs(v - b[i]!); if (!(d <= worst)) worst = d; });
  return worst;
}

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const random = optionalString(values, "layers") !== undefined;
  const example = random ? randomExample(values) : EXAMPLES[choiceOption(values, "example", ["000", "001", "004"] as const)];
  const out = optionalString(values, "out") ?? `runs/explain-${random ? "random" : String(values.example)}`;
  // Every option is read before the folder is made, so a bad one leaves nothing behind.
  const update = values.lr !== undefined ? { lr: numberOption(values, "lr", { min: 0, minOpen: true }), weightsOnly: false } : example.update;
  ensureFolder(out);
  const manual = explainSteps(new ManualMLP(example.layers), Float64Array.from(example.x.flat()), Float64Array.from(example.y.flat()), example.loss);
  const autograd = autogradSteps(mlpOfManualLayers(example.layers), matrix(example.x), matrix(example.y), example.loss);

  print("Manual Backpropagation Calculation, checked by autograd");
  print("=".repeat(60));
  print(example.title);
  print(`Note: ${example.note}`);
  print(`\nInput: x = ${JSON.stringify(example.x)}`);
  print(`Target: y = ${JSON.stringify(example.y)}`);
  const setup: [string, string][] = [["Input x", JSON.stringify(example.x)], ["Target y", JSON.stringify(example.y)], ["Loss", example.loss]];
  example.layers.forEach((layer, i) => {
    const rows = Array.from({ length: layer.outFeatures }, (_, o) => Array.from(layer.weight.subarray(o * layer.inFeatures, (o + 1) * layer.inFeatures)));
    const line = `W${i + 1} [out, in] = ${JSON.stringify(rows)}, b${i + 1} = ${JSON.stringify(Array.from(layer.bias ?? []))}, ${layer.activation}`;
    print(line);
    setup.push([`Layer ${i + 1}`, line]);
  });
  let worst = 0;
  const sections: { heading: string; steps: ExplainPageStep[] }[] = [];
  const show = (step: ExplainStep, other: ExplainStep | undefined) => {
    print(`${step.name} = ${step.formula}   shape [${step.shape.join(", ")}]`);
    print(`  manual    ${formatValues(step)}`);
    const diff = other ? maxDiff(step.values, other.values) : null;
    sections[sections.length - 1]!.steps.push({ name: step.name, formula: step.formula, shape: step.shape, manual: step.values, autograd: other?.values ?? null, difference: diff });
    if (!other || diff === null) {
      print(`  autograd  (no matching step: the graph does not keep ${step.name} separately)`);
      return;
    }
    worst = Math.max(worst, diff);
    print(`  autograd  ${formatValues(other)}`);
    print(`  max |manual - autograd| = ${diff.toExponential(2)}`);
  };
  let phase = "";
  manual.forEach((step) => {
    if (step.phase !== phase) {
      phase = step.phase;
      if (phase !== "loss") print(`\n--- ${phase === "forward" ? "Forward" : "Backward"} Pass ---`);
      else print("");
      sections.push({ heading: phase === "forward" ? "Forward pass" : phase === "loss" ? "Loss" : "Backward pass", steps: [] });
    }
    show(step, autograd.find((s) => s.name === step.name));
  });
  if (update !== undefined) {
    const heading = `Update: gradient descent at lr ${update.lr}${update.weightsOnly ? " (the weights only, as the document)" : ""}`;
    print(`\n--- ${heading} ---`);
    sections.push({ heading, steps: [] });
    const manualUpdate = updateSteps(example, manual, update);
    const autogradUpdate = updateSteps(example, autograd, update);
    manualUpdate.forEach((step, i) => show(step, autogradUpdate[i]));
  }
  const summary = `Largest difference over all steps: ${worst.toExponential(2)} (float64; 0 means identical to the last digit)`;
  print("\n" + "=".repeat(60));
  print(summary);
  const page = join(out, "explain.html");
  writeFileAtomic(page, explainHtml({ title: "Backpropagation step by step, checked by autograd", subtitle: example.title, note: example.note, setup, sections, summary }));
  print(`Wrote ${page}: the equations and every value above as matrices`);
  return 0;
}

export const explain: Command = { spec, run };
