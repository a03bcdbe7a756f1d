// MLP: a Sequential of Linear layers, each followed by its activation module.
// Nothing here computes anything itself, so every MLP's gradients are the
// graph's, and the manual-backprop reference can be checked against them.
import { DagradError, type DType, ShapeError, type Tensor } from "../autograd/index.js";
import { ACTIVATION_NAMES, type ActivationName, activationModule } from "./activations.js";
import { Residual, Sequential } from "./containers.js";
import { type InitFn, type InitScheme, Linear } from "./linear.js";
import { Module } from "./module.js";
import { type OptionNames, checkOptionNames } from "../autograd/options.js";
import { BatchNorm1d, Dropout } from "./regularization.js";
import { type SeedOptions, resolveRng } from "./seed.js";

export interface MLPOptions extends SeedOptions {
  /** Layer widths from input to output: [2, 16, 16, 1] has two hidden layers of 16. */
  sizes: readonly number[];
  /** Hidden activation: one name for all hidden layers, or one per hidden layer (default "relu"). */
  activation?: ActivationName | readonly ActivationName[];
  /** Applied to the last Linear's output (default "identity": raw scores). */
  outputActivation?: ActivationName;
  /** Weight init of every Linear (see Linear); default "default", PyTorch's. */
  init?: InitScheme | InitFn;
  /** Bias init of every Linear (see Linear); default: the init scheme's rule. */
  biasInit?: InitFn;
  bias?: boolean;
  dtype?: DType;
  /** Slope of leakyRelu for x < 0 (default 0.01). */
  negativeSlope?: number;
  /** BatchNorm1d between each hidden Linear and its activation. */
  batchNorm?: boolean;
  /** Dropout probability after each hidden activation (default 0: none). */
  dropout?: number;
  /** Wrap each hidden layer whose input and output widths match in Residual: h + layer(h). */
  residual?: boolean;
  /** The residual blocks' scale: h + residualScale · layer(h) (default 1). */
  residualScale?: number;
}

const MLP_OPTIONS: OptionNames<MLPOptions> = {
  sizes: true, activation: true, outputActivation: true, init: true, bias: true, dtype: true, negativeSlope: true,
  batchNorm: true, dropout: true, residual: true, residualScale: true, biasInit: true, rng: true, seed: true,
};

export class MLP extends Module {
  readonly sizes: readonly number[];
  // #private: the Linear layers are children of `layers`; a field would register them twice.
  readonly #linears: readonly Linear[];
  readonly #activationModules: readonly Module[];
  /** One activation per Linear; the last is the output activation. */
  readonly activations: readonly ActivationName[];
  readonly negativeSlope: number;
  /**
   * True when the network is only Linear and activation layers (no batch norm,
   * residual or dropout): exactly the chain the manual backprop formulas describe.
   */
  readonly isPlain: boolean;
  readonly layers: Sequential;

  constructor(options: MLPOptions) {
    super();
    checkOptionNames("MLP", options, MLP_OPTIONS);
    const sizes = checkSizes(options?.sizes);
    const depth = sizes.length - 1;
    const hidden = hiddenActivations(options.activation ?? "relu", depth - 1);
    const output = options.outputActivation ?? "identity";
    if (!ACTIVATION_NAMES.includes(output)) throw new DagradError("MLP", `unknown outputActivation "${String(output)}", expected one of ${ACTIVATION_NAMES.join(", ")}`);
    const dropout = options.dropout ?? 0;
    if (options.residualScale !== undefined && !options.residual) throw new DagradError("MLP", `residualScale ${String(options.residualScale)} without residual: true scales no block; set residual: true or leave residualScale out`);
    const rng = resolveRng(options);
    this.sizes = sizes;
    this.activations = [...hidden, output];
    this.negativeSlope = options.negativeSlope ?? 0.01;
    this.isPlain = !options.batchNorm && !options.residual && dropout === 0;

    const linears: Linear[] = [];
    const activationModules: Module[] = [];
    const modules: Module[] = [];
    for (let i = 0; i < depth; i++) {
      const linear = new Linear(sizes[i]!, sizes[i + 1]!, { bias: options.bias ?? true, init: options.init ?? "default", biasInit: options.biasInit, dtype: options.dtype ?? "float32", rng });
      linears.push(linear);
      const layer: Module[] = [linear];
      const isHidden = i < depth - 1;
      if (isHidden && options.batchNorm) layer.push(new BatchNorm1d(sizes[i + 1]!, { dtype: options.dtype ?? "float32" }));
      const activation = activationModule(this.activations[i]!, this.negativeSlope);
      activationModules.push(activation);
      layer.push(activation);
      if (isHidden && dropout > 0) layer.push(new Dropout(dropout, { rng }));
      if (isHidden && options.residual && sizes[i] === sizes[i + 1]) modules.push(new Residual(new Sequential(...layer), { scale: options.residualScale ?? 1 }));
      else modules.push(...layer);
    }
    this.#linears = linears;
    this.#activationModules = activationModules;
    this.layers = this.registerModule("layers", new Sequential(...modules));
  }

  /** The Linear layers in order, input to output. */
  get linears(): readonly Linear[] { return this.#linears; }

  /** The activation module after each Linear (the last is the output activation): their inputs are the pre-activations z. */
  get activationModules(): readonly Module[] { return this.#activationModules; }

  forward(x: Tensor): Tensor {
    return this.layers.forward(x);
  }

  protected override describe(): string {
    return `[${this.sizes.join(", ")}], ${this.activations.join(" / ")}`;
  }
}

function checkSizes(sizes: readonly number[] | undefined): readonly number[] {
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new ShapeError("MLP", `sizes must list at least two positive integer widths (input, ..., output), got ${JSON.stringify(sizes)}`);
  }
  return [...sizes];
}

function hiddenActivations(activation: ActivationName | readonly ActivationName[], hiddenLayers: number): ActivationName[] {
  const list = typeof activation === "string" ? new Array<ActivationName>(hiddenLayers).fill(activation) : [...activation];
  if (list.length !== hiddenLayers) {
    throw new DagradError("MLP", `got ${list.length} hidden activations for ${hiddenLayers} hidden layers; pass one name, or one per hidden layer`);
  }
  for (const name of list) {
    if (!ACTIVATION_NAMES.includes(name)) throw new DagradError("MLP", `unknown activation "${String(name)}", expected one of ${ACTIVATION_NAMES.join(", ")}`);
  }
  return list;
}
