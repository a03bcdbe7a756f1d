// Options that several commands share: which data, which network, and the
// output and loss, checked against the one rule of what they can mean
// (ClassifierHead in src/nn/decision.ts).
import { type ActivationName, ClassifierHead, type HeadLoss, type HeadOutput, HeadError, type InitScheme } from "../nn/index.js";
import { type OptionSpec, type Values, UsageError, choiceOption, intListOption, integerOption, numberOption, optionalString } from "./args.js";
import { ACTIVATIONS, DATA_NAMES, type DataSpec, INITS, LOSS_NAMES, OUTPUTS } from "./setup.js";

export const DATA_OPTIONS: readonly OptionSpec[] = [
  { name: "data", type: "string", value: "NAME", help: `dataset: ${DATA_NAMES.join(", ")} or csv:<path> (last column the label)`, default: "moons" },
  { name: "samples", type: "string", value: "N", help: "samples to generate (mnist: digits to use, at most 10000)", defaultNote: "300; mnist 3000" },
  { name: "noise", type: "string", value: "SD", help: "noise of moons, circles and spirals", defaultNote: "0.2" },
  { name: "test-size", type: "string", value: "FRACTION", help: "share of samples held out for testing (xor and and test on their 4 rows)", defaultNote: "0.2" },
  { name: "csv-header", type: "boolean", help: "the CSV file's first line holds column names" },
  { name: "no-scale", type: "boolean", help: "do not standardise the features (default: standardise, except mnist)" },
  { name: "seed", type: "string", value: "N", help: "seed of the data, the split, the initial weights and the shuffling", default: "42" },
];

export const MODEL_OPTIONS: readonly OptionSpec[] = [
  { name: "layers", type: "string", value: "16,16", help: "hidden layer widths, comma-separated (\"\" for none)", defaultNote: "8 (as 000 section 3); mnist 64" },
  { name: "activation", type: "string", value: "NAME", help: `hidden activation: ${ACTIVATIONS.join(", ")}`, defaultNote: "tanh; mnist relu" },
  { name: "output", type: "string", value: "NAME", help: `output activation: ${OUTPUTS.join(", ")}`, defaultNote: "the loss's (sigmoid for bce, identity for logit losses); else sigmoid for 2 classes, identity for more" },
  { name: "loss", type: "string", value: "NAME", help: `loss: ${LOSS_NAMES.join(", ")}`, defaultNote: "bce for 2 classes, crossEntropy for more (bceWithLogits for an identity output on 2 classes)" },
  { name: "init", type: "string", value: "NAME", help: `weight init: ${INITS.join(", ")}`, default: "xavier" },
];

/** Generated datasets stop here: beyond it a typed array or the training time is the limit, not the data. */
const MAX_SAMPLES = 1_000_000;
/** Weights and biases the CLI builds at most (200 MB of float32). */
const MAX_PARAMETERS = 50_000_000;
/** Hidden layers the CLI builds at most: far past any use, and short of where building the MLP overflows the stack. */
export const MAX_HIDDEN_LAYERS = 1000;

/** Which options each dataset reads; the others would be silently ignored, so they are refused. */
const READS: Record<string, readonly string[]> = {
  moons: ["samples", "noise", "test-size"], circles: ["samples", "noise", "test-size"], spirals: ["samples", "noise", "test-size"],
  blobs: ["samples", "test-size"], mnist: ["samples", "test-size"], xor: [], and: [], csv: ["test-size", "csv-header"],
};

export function isMnist(values: Values): boolean {
  return optionalString(values, "data") === "mnist";
}

export function dataSpec(values: Values): DataSpec {
  const data = optionalString(values, "data") ?? "moons";
  if (!data.startsWith("csv:") && !(DATA_NAMES as readonly string[]).includes(data)) {
    throw new UsageError(`--data must be one of ${DATA_NAMES.join(", ")} or csv:<path>, got "${data}"`);
  }
  const kind = data.startsWith("csv:") ? "csv" : data;
  for (const name of ["samples", "noise", "test-size", "csv-header"]) {
    if (values[name] !== undefined && !READS[kind]!.includes(name)) {
      throw new UsageError(`--${name} does not apply to ${kind === "csv" ? "csv data" : data}${kind === "xor" || kind === "and" ? ` (its 4 rows are the training and the test data)` : ""}; leave it out`);
    }
  }
  const mnist = data === "mnist";
  const samples = values.samples === undefined ? (mnist ? 3000 : 300) : integerOption(values, "samples", 2);
  if (mnist && samples > 10000) throw new UsageError(`--samples for mnist must be at most 10000 (the digits the mnist package ships), got ${samples}`);
  if (samples > MAX_SAMPLES) throw new UsageError(`--samples must be at most ${MAX_SAMPLES}, got ${samples}`);
  return {
    data, samples,
    noise: values.noise === undefined ? 0.2 : numberOption(values, "noise", { min: 0, max: 10 }),
    testSize: values["test-size"] === undefined ? 0.2 : numberOption(values, "test-size", { exclusiveMin: 0, max: 0.9 }),
    seed: values.seed === undefined ? 42 : integerOption(values, "seed", 0),
    standardize: !values["no-scale"] && !mnist,
    csvHeader: values["csv-header"] === true,
  };
}

export interface NetworkChoice {
  hidden: number[];
  activation: ActivationName;
  output: HeadOutput | undefined;
  loss: HeadLoss | undefined;
  init: InitScheme;
}

export function networkChoice(values: Values): NetworkChoice {
  const mnist = isMnist(values);
  const hidden = values.layers === undefined ? (mnist ? [64] : [8]) : intListOption(values, "layers");
  if (hidden.length > MAX_HIDDEN_LAYERS) throw new UsageError(`--layers lists ${hidden.length} hidden layers; dagrad builds at most ${MAX_HIDDEN_LAYERS}`);
  return {
    hidden,
    activation: values.activation === undefined ? (mnist ? "relu" : "tanh") : choiceOption(values, "activation", ACTIVATIONS),
    output: values.output === undefined ? undefined : choiceOption(values, "output", OUTPUTS),
    loss: values.loss === undefined ? undefined : choiceOption(values, "loss", LOSS_NAMES),
    init: values.init === undefined ? "xavier" : choiceOption(values, "init", INITS),
  };
}

/** The output a loss reads when only --loss is given. */
const OUTPUT_FOR: Record<HeadLoss, HeadOutput | null> = { bce: "sigmoid", bceWithLogits: "identity", crossEntropy: "identity", mse: null, halfSquaredError: null };

/**
 * The head for the user's --output and --loss on data of `classes` classes:
 * a name left out is filled in to fit the other (or the task), and a
 * combination that cannot mean anything is refused with what to use instead.
 */
export function resolveHead(choice: { output?: HeadOutput | undefined; loss?: HeadLoss | undefined }, classes: number, dataName: string): ClassifierHead {
  const two = classes === 2;
  const output = choice.output ?? (choice.loss ? OUTPUT_FOR[choice.loss] : null) ?? (two ? "sigmoid" : "identity");
  const loss = choice.loss ?? (output === "identity" ? (two ? "bceWithLogits" : "crossEntropy") : two ? "bce" : "crossEntropy");
  try {
    return new ClassifierHead({ output, loss, classes });
  } catch (e) {
    if (!(e instanceof HeadError)) throw e;
    const named = (flag: string, value: string, given: boolean) => `--${flag} ${value}${given ? "" : " (the default)"}`;
    throw new UsageError(`${named("output", output, choice.output !== undefined)} with ${named("loss", loss, choice.loss !== undefined)} on ${dataName} (${classes} classes): ${e.reason}`);
  }
}

/** Refuse a network too large to build before allocating it. */
export function checkModelSize(sizes: readonly number[]): void {
  let parameters = 0;
  for (let i = 0; i + 1 < sizes.length; i++) parameters += sizes[i]! * sizes[i + 1]! + sizes[i + 1]!;
  if (parameters > MAX_PARAMETERS) {
    throw new UsageError(`MLP [${sizes.join(", ")}] has ${parameters.toLocaleString("en-US")} parameters; dagrad builds at most ${MAX_PARAMETERS.toLocaleString("en-US")} (200 MB of float32): use smaller --layers`);
  }
}
