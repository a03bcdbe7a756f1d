// One module per activation op, so networks are built from modules only.
import { DagradError, type Tensor } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";
import { Module } from "./module.js";

export type ActivationName = "identity" | "relu" | "leakyRelu" | "sigmoid" | "tanh" | "softplus" | "softmax";

export const ACTIVATION_NAMES: readonly ActivationName[] = ["identity", "relu", "leakyRelu", "sigmoid", "tanh", "softplus", "softmax"];

export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return x.relu(); }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber("LeakyReLU", "negativeSlope", negativeSlope);
  }
  forward(x: Tensor): Tensor { return x.leakyRelu(this.negativeSlope); }
  protected override describe(): string { return `negativeSlope=${this.negativeSlope}`; }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return x.sigmoid(); }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor { return x.tanh(); }
}

export class Softplus extends Module {
  forward(x: Tensor): Tensor { return x.softplus(); }
}

export class Softmax extends Module {
  constructor(readonly axis = -1) { super(); }
  forward(x: Tensor): Tensor { return x.softmax(this.axis); }
  protected override describe(): string { return `axis=${this.axis}`; }
}

/** log(softmax(x)) along `axis`, computed stably; PyTorch's nn.LogSoftmax (what a PyTorch classifier often ends with). */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) { super(); }
  forward(x: Tensor): Tensor { return x.logSoftmax(this.axis); }
  protected override describe(): string { return `axis=${this.axis}`; }
}

/** The module for an activation name; leakyRelu takes `negativeSlope`. */
export function activationModule(name: ActivationName, negativeSlope = 0.01): Module {
  switch (name) {
    case "identity": return new Identity();
    case "relu": return new ReLU();
    case "leakyRelu": return new LeakyReLU(negativeSlope);
    case "sigmoid": return new Sigmoid();
    case "tanh": return new Tanh();
    case "softplus": return new Softplus();
    case "softmax": return new Softmax();
    default: throw new DagradError("activation", `unknown activation "${String(name)}", expected one of ${ACTIVATION_NAMES.join(", ")}`);
  }
}
