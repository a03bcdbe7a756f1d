// dagrad gradcheck: for one seeded MLP and batch, every parameter's gradient
// three ways (central differences, autograd, the manual formulas) and 001's
// relative error ||a - b|| / (||a|| + ||b||) against its threshold 1e-5, with
// a verdict per parameter that tells "autograd is wrong" from "the gradient is
// below what central differences can resolve" (a deep sigmoid net's first layers).
import { formatShape } from "../../autograd/index.js";
import { type GradientVerdict, MANUAL_LOSSES, MLP, centralDifferenceResolution, compareGradients, gradientVerdict } from "../../nn/index.js";
import { type CommandSpec, UsageError, type Values, choiceOption, intListOption, integerOption, noPositionals, numberOption } from "../args.js";
import { type Command, print } from "../command.js";
import { ACTIVATIONS, OUTPUTS } from "../setup.js";
import { matrix, randomBatch } from "../worked-examples.js";

const spec: CommandSpec = {
  name: "gradcheck",
  summary: "numerical vs autograd vs manual gradients per parameter, with a verdict at 001's threshold",
  usage: "dagrad gradcheck [--layers 4] [--activation tanh] [--output sigmoid] [--loss bce]",
  options: [
    { name: "layers", type: "string", value: "4", help: "hidden widths, comma-separated", default: "4" },
    { name: "activation", type: "string", value: "NAME", help: `hidden activation: ${ACTIVATIONS.join(", ")}`, default: "tanh" },
    { name: "output", type: "string", value: "NAME", help: `output activation: ${OUTPUTS.join(", ")}`, default: "sigmoid" },
    { name: "loss", type: "string", value: "NAME", help: `loss: ${MANUAL_LOSSES.join(", ")}`, default: "bce" },
    { name: "inputs", type: "string", value: "N", help: "input features", default: "2" },
    { name: "outputs", type: "string", value: "N", help: "outputs", default: "1" },
    { name: "samples", type: "string", value: "N", help: "rows in the batch", default: "8" },
    { name: "seed", type: "string", value: "N", help: "seed of the weights and the batch", default: "0" },
    { name: "eps", type: "string", value: "H", help: "central-difference step, as in 001", default: "1e-5" },
    { name: "threshold", type: "string", value: "T", help: "largest relative error that passes (001: 1e-5)", default: "1e-5" },
  ],
  notes: [
    "Verdicts: pass (both agree with autograd); below resolution (the manual formulas agree, and central",
    "differences are off by no more than their rounding noise 4 ε |L| sqrt(n) / eps: the gradient is too small",
    "for them to see); FAIL: manual or FAIL: numerical (autograd disagrees with that one). Exit code 1 on a FAIL.",
    "Examples:\n  dagrad gradcheck\n  dagrad gradcheck --layers 8,8 --activation relu --output identity --loss halfSquaredError",
    "  dagrad gradcheck --layers 5 --output softmax --outputs 3 --loss crossEntropy",
    "  dagrad gradcheck --layers 4,4,4,4,4,4,4,4,4,4 --activation sigmoid   # vanishing gradients: below resolution",
  ].join("\n"),
};

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const hidden = intListOption(values, "layers");
  const activation = choiceOption(values, "activation", ACTIVATIONS);
  const output = choiceOption(values, "output", OUTPUTS);
  const loss = choiceOption(values, "loss", MANUAL_LOSSES);
  const inputs = integerOption(values, "inputs", 1);
  const outputs = integerOption(values, "outputs", 1);
  const samples = integerOption(values, "samples", 1);
  const seed = integerOption(values, "seed", 0);
  const eps = numberOption(values, "eps", { min: 0, minOpen: true, max: 0.1 });
  const threshold = numberOption(values, "threshold", { min: 0, minOpen: true });
  if (output === "softmax" && outputs < 2) throw new UsageError("--output softmax needs --outputs 2 or more");

  const mlp = new MLP({ sizes: [inputs, ...hidden, outputs], activation, outputActivation: output, init: "xavier", dtype: "float64", seed });
  const batch = randomBatch(loss, samples, inputs, outputs, seed);
  const result = compareGradients(mlp, matrix(batch.x), matrix(batch.y), { loss, eps });

  print(`Gradient check: MLP [${mlp.sizes.join(", ")}], ${activation} hidden, ${output} output, ${loss} loss, ${samples} samples, float64, seed ${seed}`);
  print(`Loss: autograd ${result.autogradLoss.toPrecision(12)}, manual ${result.manualLoss.toPrecision(12)}`);
  print(`Relative error (001): ||a - b|| / (||a|| + ||b||), central differences with eps ${String(values.eps)}; pass below ${String(values.threshold)}`);
  print("");
  const header = ["parameter", "shape", "||grad||", "numerical vs autograd", "manual vs autograd", "max |manual - autograd|", "result"];
  const verdicts = result.parameters.map((p) => gradientVerdict({
    numerical: p.numerical!, manual: p.manual, threshold,
    resolution: centralDifferenceResolution(result.autogradLoss, eps, p.shape.reduce((n, d) => n * d, 1)),
  }));
  const rows = result.parameters.map((p, i) => [
    p.name, formatShape(p.shape), p.manual.norm.toExponential(2), p.numerical!.relativeError.toExponential(2),
    p.manual.relativeError.toExponential(2), p.manual.maxAbsDiff.toExponential(2), SHOWN[verdicts[i]!],
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd();
  print(line(header));
  print(widths.map((w) => "-".repeat(w)).join("  "));
  rows.forEach((r) => print(line(r)));
  const count = (v: GradientVerdict) => verdicts.filter((x) => x === v).length;
  const failed = count("differs from manual") + count("differs from numerical");
  const belowResolution = count("resolution");
  print("");
  if (failed > 0) {
    const parts = [
      count("differs from manual") > 0 ? `${count("differs from manual")} where autograd differs from the manual formulas` : "",
      count("differs from numerical") > 0 ? `${count("differs from numerical")} where it differs from central differences by more than their rounding noise` : "",
    ].filter(Boolean);
    print(`${failed} of ${rows.length} parameters FAIL: ${parts.join(", ")}.`);
  } else if (belowResolution > 0) {
    const worst = Math.max(...result.parameters.filter((_, i) => verdicts[i] === "resolution").map((p) => p.manual.relativeError));
    print(`No parameter fails: ${count("pass")} pass; ${belowResolution} are below central differences' resolution (off by no more than their rounding noise), and on those autograd and the manual formulas agree to ${worst.toExponential(1)}.`);
  } else {
    print(`All ${rows.length} parameters pass.`);
  }
  return failed === 0 ? 0 : 1;
}

const SHOWN: Record<GradientVerdict, string> = {
  pass: "pass", resolution: "below resolution", "differs from manual": "FAIL: manual", "differs from numerical": "FAIL: numerical",
};

export const gradcheck: Command = { spec, run };
