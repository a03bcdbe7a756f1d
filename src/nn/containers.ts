// Modules made of modules: a chain, and a skip connection around a block.
import { ShapeError, type Tensor, formatShape } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";
import { Module } from "./module.js";

/** Applies its modules in order; they are named "0", "1", ... */
export class Sequential extends Module {
  // #private: the registered "0", "1", ... are the children; this is only the running order.
  readonly #modules: readonly Module[];

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => this.registerModule(String(i), m));
    this.#modules = [...modules];
  }

  get modules(): readonly Module[] { return this.#modules; }

  get length(): number { return this.#modules.length; }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const m of this.#modules) out = m.forward(out);
    return out;
  }
}

/**
 * x + scale · block(x): the gradient reaches x through the identity path
 * however small block's gradient is. A scale below 1 (1/blocks, as train uses)
 * keeps a deep stack of blocks from doubling the activations' variance at
 * every block, as plain ReLU blocks with He init do.
 */
export class Residual extends Module {
  readonly block: Module;
  readonly scale: number;

  constructor(block: Module, options: { scale?: number } = {}) {
    super();
    const scale = options.scale ?? 1;
    checkNumber("Residual", "scale", scale);
    this.block = this.registerModule("block", block);
    this.scale = scale;
  }

  forward(x: Tensor): Tensor {
    const y = this.block.forward(x);
    if (y.shape.length !== x.shape.length || y.shape.some((d, i) => d !== x.shape[i])) {
      throw new ShapeError("Residual", `the block maps ${formatShape(x.shape)} to ${formatShape(y.shape)}; a residual block must keep the shape`, [x.shape, y.shape]);
    }
    return x.add(this.scale === 1 ? y : y.mul(this.scale));
  }

  protected override describe(): string {
    return this.scale === 1 ? "" : `scale=${this.scale}`;
  }
}
