// Options that several commands share: which data, which network, and the
// output and loss, checked against the one rule of what they can mean
// (ClassifierHead in src/nn/decision.ts).
import { type ActivationName, ClassifierHead, type HeadLoss, type HeadOutput, HeadError, type HeadTask } from "../nn/index.js";
import { type OptionSpec, type Values, UsageError, choiceOption, intListOption, integerOption, numberOption, optionalString, stringOption } from "./args.js";
import { ACTIVATIONS, DATA_NAMES, type DataSpec, INITS, LOSS_NAMES, OUTPUTS, dataTask, parseInit } from "./setup.js";

export const DATA_OPTIONS: readonly OptionSpec[] = [
  { name: "data", type: "string", value: "NAME", help: `dataset: ${DATA_NAMES.join(", ")} or csv:<path> (last column the label)`, default: "moons" },
  { name: "samples", type: "string", value: "N", help: "samples to generate (mnist: digits to use, at most 10000)", defaultNote: "300; mnist 3000" },
  { name: "noise", type: "string", value: "SD", help: "noise of moons, circles and spirals (of the targets for sine and surface)", defaultNote: "0.2" },
  { name: "test-size", type: "string", value: "FRACTION", help: "share of samples held out for testing (xor and and test on their 4 rows)", defaultNote: "0.2" },
  { name: "csv-header", type: "boolean", help: "the CSV file's first line holds column names" },
  { name: "task", type: "string", value: "TASK", help: "what a CSV file's last column holds: classification (class indices) or regression (real numbers)", defaultNote: "classification" },
  { name: "no-scale", type: "boolean", help: "do not standardise the features (default: standardise, except mnist)" },
  { name: "scale-on", type: "string", value: "ROWS", help: "rows the standardising mean and std come from: train, or all (as 000: before the split)", default: "train" },
  { name: "seed", type: "string", value: "N", help: "seed of everything: the data, the split, the initial weights, dropout and the shuffling", default: "42" },
  { name: "data-seed", type: "string", value: "N", help: "seed of the data and the split only", defaultNote: "--seed" },
];

export const MODEL_OPTIONS: readonly OptionSpec[] = [
  { name: "layers", type: "string", value: "16,16", help: "hidden layer widths, comma-separated (\"\" for none)", defaultNote: "8 (as 000 section 3); mnist 64" },
  { name: "activation", type: "string", value: "NAME", help: `hidden activation: ${ACTIVATIONS.join(", ")}`, defaultNote: "tanh; mnist relu" },
  { name: "output", type: "string", value: "NAME", help: `output activation: ${OUTPUTS.join(", ")}`, defaultNote: "the loss's (sigmoid for bce, identity for logit losses); else sigmoid for 2 classes, identity for more" },
  { name: "loss", type: "string", value: "NAME", help: `loss: ${LOSS_NAMES.join(", ")}`, defaultNote: "bce for 2 classes, crossEntropy for more (bceWithLogits for an identity output on 2 classes)" },
  { name: "init", type: "string", value: "NAME", help: `weight init: ${INITS.join(", ")}, uniform:A,B (U[A, B)) or normal:STD (N(0, STD²))`, default: "xavier" },
  { name: "bias-init", type: "string", value: "NAME", help: "bias init: zeros, uniform:A,B or normal:STD", defaultNote: "zeros; U(±1/sqrt(in)) for --init default" },
  { name: "init-seed", type: "string", value: "N", help: "seed of the initial weights, dropout and the shuffling only", defaultNote: "--seed" },
  { name: "batch-norm", type: "boolean", help: "BatchNorm1d between each hidden Linear and its activation (001's remedy)" },
  { name: "residual", type: "boolean", help: "residual connections h + s·layer(h) around hidden layers of equal width (001's remedy)" },
  { name: "residual-scale", type: "string", value: "S", help: "the residual blocks' scale s", defaultNote: "1/(number of blocks)" },
  { name: "dropout", type: "string", value: "P", help: "dropout probability after each hidden activation, in [0, 1)", default: "0" },
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
  blobs: ["samples", "test-size"], mnist: ["samples", "test-size"], xor: [], and: [], csv: ["test-size", "csv-header", "task"],
  sine: ["samples", "noise", "test-size"], surface: ["samples", "noise", "test-size"],
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
  for (const name of ["samples", "noise", "test-size", "csv-header", "task"]) {
    if (values[name] !== undefined && !READS[kind]!.includes(name)) {
      throw new UsageError(`--${name} does not apply to ${kind === "csv" ? "csv data" : data}${kind === "xor" || kind === "and" ? ` (its 4 rows are the training and the test data)` : ""}; leave it out`);
    }
  }
  const mnist = data === "mnist";
  const seed = values.seed === undefined ? 42 : integerOption(values, "seed", 0);
  const samples = values.samples === undefined ? (mnist ? 3000 : 300) : integerOption(values, "samples", 2);
  if (mnist && samples > 10000) throw new UsageError(`--samples for mnist must be at most 10000 (the digits the mnist package ships), got ${samples}`);
  if (samples > MAX_SAMPLES) throw new UsageError(`--samples must be at most ${MAX_SAMPLES}, got ${samples}`);
  return {
    data, samples,
    noise: values.noise === undefined ? 0.2 : numberOption(values, "noise", { min: 0, max: 10 }),
    testSize: values["test-size"] === undefined ? 0.2 : numberOption(values, "test-size", { min: 0, minOpen: true, max: 0.9 }),
    seed: values["data-seed"] === undefined ? seed : integerOption(values, "data-seed", 0),
    standardize: !values["no-scale"] && !mnist,
    scaleOn: values["scale-on"] === undefined ? "train" : choiceOption(values, "scale-on", ["train", "all"] as const),
    csvHeader: values["csv-header"] === true,
    task: dataTask(data, values.task === undefined ? "classification" : choiceOption(values, "task", ["classification", "regression"] as const)),
  };
}

export interface NetworkChoice {
  hidden: number[];
  activation: ActivationName;
  output: HeadOutput | undefined;
  loss: HeadLoss | undefined;
  init: string;
  biasInit: string | null;
  /** Seed of the initial weights, dropout and the shuffling. */
  initSeed: number;
  batchNorm: boolean;
  residual: boolean;
  /** Given with --residual-scale; else 1/blocks, once the widths are known (residualScaleFor). */
  residualScale: number | undefined;
  dropout: number;
}

/** --init or --bias-init checked: the text as given, or a UsageError naming what it may be. */
function initOption(values: Values, name: string, schemes: readonly string[]): string {
  const text = stringOption(values, name);
  const spec = parseInit(text, schemes);
  if ("refused" in spec) throw new UsageError(`--${name} ${spec.refused}, got "${text}"`);
  return text;
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
    init: values.init === undefined ? "xavier" : initOption(values, "init", INITS),
    biasInit: values["bias-init"] === undefined ? null : initOption(values, "bias-init", ["zeros"]),
    initSeed: values["init-seed"] === undefined ? (values.seed === undefined ? 42 : integerOption(values, "seed", 0)) : integerOption(values, "init-seed", 0),
    batchNorm: values["batch-norm"] === true,
    residual: values.residual === true,
    residualScale: values["residual-scale"] === undefined ? undefined : numberOption(values, "residual-scale", { min: 0, minOpen: true }),
    dropout: values.dropout === undefined ? 0 : numberOption(values, "dropout", { min: 0, max: 1, maxOpen: true }),
  };
}

/**
 * The residual scale of a network of these widths: the one given, else
 * 1/blocks (a block is a hidden layer as wide as its input). Each block adds
 * about s times the activations to themselves (a ReLU branch does not average
 * out), so over the stack they grow by about (1 + 1/blocks)^blocks < e
 * whatever the depth; unscaled they double block after block.
 */
export function residualScaleFor(choice: NetworkChoice, sizes: readonly number[]): number | null {
  if (!choice.residual) {
    if (choice.residualScale !== undefined) throw new UsageError("--residual-scale scales residual blocks: add --residual, or leave it out");
    return null;
  }
  // As MLP does: hidden layer i (Linear i, all but the last) is a block when it keeps its input's width.
  let blocks = 0;
  for (let i = 0; i < sizes.length - 2; i++) if (sizes[i] === sizes[i + 1]) blocks++;
  if (blocks === 0) throw new UsageError(`--residual wraps hidden layers as wide as the layer before them, and MLP [${sizes.join(", ")}] has none; use e.g. --layers 16,16,16`);
  return choice.residualScale ?? Number((1 / blocks).toPrecision(6));
}

/** The output a loss reads when only --loss is given. */
const OUTPUT_FOR: Record<HeadLoss, HeadOutput | null> = { bce: "sigmoid", bceWithLogits: "identity", crossEntropy: "identity", mse: null, halfSquaredError: null };

/**
 * The head for the user's --output and --loss on data of `classes` classes:
 * a name left out is filled in to fit the other (or the task), and a
 * combination that cannot mean anything is refused with what to use instead.
 */
export function resolveHead(choice: { output?: HeadOutput | undefined; loss?: HeadLoss | undefined }, classes: number, dataName: string, task: HeadTask = "classification"): ClassifierHead {
  const two = classes === 2;
  const regression = task === "regression";
  const output = choice.output ?? (choice.loss ? OUTPUT_FOR[choice.loss] : null) ?? (two ? "sigmoid" : "identity");
  const loss = choice.loss ?? (regression ? "mse" : output === "identity" ? (two ? "bceWithLogits" : "crossEntropy") : two ? "bce" : "crossEntropy");
  try {
    return new ClassifierHead({ output, loss, classes, task });
  } catch (e) {
    if (!(e instanceof HeadError)) throw e;
    const named = (flag: string, value: string, given: boolean) => `--${flag} ${value}${given ? "" : " (the default)"}`;
    throw new UsageError(`${named("output", output, choice.output !== undefined)} with ${named("loss", loss, choice.loss !== undefined)} on ${dataName} (${regression ? "regression" : `${classes} classes`}): ${e.reason}`);
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
