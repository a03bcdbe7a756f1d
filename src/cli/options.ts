// Options that several commands share: which data, and which network.
import type { ActivationName, InitScheme, LossName } from "../nn/index.js";
import { type OptionSpec, type Values, UsageError, choiceOption, intListOption, integerOption, numberOption, optionalString } from "./args.js";
import { ACTIVATIONS, DATA_NAMES, type DataSpec, INITS, LOSS_NAMES, OUTPUTS } from "./setup.js";

export const DATA_OPTIONS: readonly OptionSpec[] = [
  { name: "data", type: "string", value: "NAME", help: `dataset: ${DATA_NAMES.join(", ")} or csv:<path> (last column the label)`, default: "moons" },
  { name: "samples", type: "string", value: "N", help: "samples to generate (mnist: digits to use, at most 10000)", defaultNote: "300; mnist 3000" },
  { name: "noise", type: "string", value: "SD", help: "noise of moons, circles and spirals", default: "0.2" },
  { name: "test-size", type: "string", value: "FRACTION", help: "share of samples held out for testing (xor and and test on their 4 rows)", default: "0.2" },
  { name: "csv-header", type: "boolean", help: "the CSV file's first line holds column names" },
  { name: "no-scale", type: "boolean", help: "do not standardise the features (default: standardise, except mnist)" },
  { name: "seed", type: "string", value: "N", help: "seed of the data, the split, the initial weights and the shuffling", default: "42" },
];

export const MODEL_OPTIONS: readonly OptionSpec[] = [
  { name: "layers", type: "string", value: "16,16", help: "hidden layer widths, comma-separated (\"\" for none)", defaultNote: "8 (as 000 section 3); mnist 64" },
  { name: "activation", type: "string", value: "NAME", help: `hidden activation: ${ACTIVATIONS.join(", ")}`, defaultNote: "tanh; mnist relu" },
  { name: "output", type: "string", value: "NAME", help: `output activation: ${OUTPUTS.join(", ")}`, defaultNote: "sigmoid for 2 classes, identity (logits) for more" },
  { name: "loss", type: "string", value: "NAME", help: `loss: ${LOSS_NAMES.join(", ")}`, defaultNote: "bce for 2 classes, crossEntropy for more" },
  { name: "init", type: "string", value: "NAME", help: `weight init: ${INITS.join(", ")}`, default: "xavier" },
];

export function isMnist(values: Values): boolean {
  return optionalString(values, "data") === "mnist";
}

export function dataSpec(values: Values): DataSpec {
  const data = optionalString(values, "data") ?? "moons";
  if (!data.startsWith("csv:") && !(DATA_NAMES as readonly string[]).includes(data)) {
    throw new UsageError(`--data must be one of ${DATA_NAMES.join(", ")} or csv:<path>, got "${data}"`);
  }
  const mnist = data === "mnist";
  const samples = values.samples === undefined ? (mnist ? 3000 : 300) : integerOption(values, "samples", 2);
  if (mnist && samples > 10000) throw new UsageError(`--samples for mnist must be at most 10000 (the digits the mnist package ships), got ${samples}`);
  return {
    data, samples,
    noise: values.noise === undefined ? 0.2 : numberOption(values, "noise", { min: 0 }),
    testSize: values["test-size"] === undefined ? 0.2 : numberOption(values, "test-size", { exclusiveMin: 0, max: 0.9 }),
    seed: values.seed === undefined ? 42 : integerOption(values, "seed", 0),
    standardize: !values["no-scale"] && !mnist,
    csvHeader: values["csv-header"] === true,
  };
}

export interface NetworkChoice {
  hidden: number[];
  activation: ActivationName;
  output: ActivationName | undefined;
  loss: LossName | undefined;
  init: InitScheme;
}

export function networkChoice(values: Values): NetworkChoice {
  const mnist = isMnist(values);
  return {
    hidden: values.layers === undefined ? (mnist ? [64] : [8]) : intListOption(values, "layers"),
    activation: values.activation === undefined ? (mnist ? "relu" : "tanh") : choiceOption(values, "activation", ACTIVATIONS),
    output: values.output === undefined ? undefined : choiceOption(values, "output", OUTPUTS),
    loss: values.loss === undefined ? undefined : choiceOption(values, "loss", LOSS_NAMES),
    init: values.init === undefined ? "xavier" : choiceOption(values, "init", INITS),
  };
}

/** Output activation and loss that fit the task when the user named neither. */
export function taskDefaults(task: "binary" | "multiclass", choice: NetworkChoice): { output: ActivationName; loss: LossName } {
  return {
    output: choice.output ?? (task === "binary" ? "sigmoid" : "identity"),
    loss: choice.loss ?? (task === "binary" ? "bce" : "crossEntropy"),
  };
}
