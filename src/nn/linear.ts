// Linear: y = x · Wᵀ + b with W [out, in] and b [out], samples as rows (PyTorch).
import { DagradError, type DType, type Rng, Tensor, ShapeError, formatShape, linear, zeros } from "../autograd/index.js";
import * as init from "./init.js";
import { Module } from "./module.js";
import { type OptionNames, checkOptionNames } from "../autograd/options.js";
import { type SeedOptions, resolveRng } from "./seed.js";

/**
 * How weights start. "default" is PyTorch's Linear init (weight and bias
 * U(-1/sqrt(in), 1/sqrt(in))); "xavier" is xavierUniform, "he" is
 * kaimingNormal (gain sqrt 2, fan in); the named schemes set the bias to zero.
 * A function receives the weight and the generator and fills the weight.
 * (biasInit, a function of the same form, fills the bias.)
 */
export type InitScheme = "default" | "xavier" | "xavierUniform" | "xavierNormal" | "he" | "kaimingUniform" | "kaimingNormal" | "zeros";
export type InitFn = (weight: Tensor, rng: Rng) => void;

export interface LinearOptions extends SeedOptions {
  bias?: boolean;
  init?: InitScheme | InitFn;
  /** Fills the bias after the weight (receives the bias and the generator); default: the init scheme's rule. */
  biasInit?: InitFn;
  dtype?: DType;
}

function initialiseWeight(weight: Tensor, scheme: InitScheme | InitFn, rng: Rng): void {
  if (typeof scheme === "function") return scheme(weight, rng);
  switch (scheme) {
    case "default": {
      init.uniform(weight, -defaultBound(weight.shape[1]!), defaultBound(weight.shape[1]!), { rng });
      return;
    }
    case "xavier": case "xavierUniform": init.xavierUniform(weight, { rng }); return;
    case "xavierNormal": init.xavierNormal(weight, { rng }); return;
    case "he": case "kaimingNormal": init.kaimingNormal(weight, { rng }); return;
    case "kaimingUniform": init.kaimingUniform(weight, { rng }); return;
    case "zeros": init.zeros(weight); return;
    default: throw new DagradError("Linear", `unknown init "${String(scheme)}", expected one of default, xavier, xavierUniform, xavierNormal, he, kaimingUniform, kaimingNormal, zeros, or a function`);
  }
}

/** PyTorch's default bound 1/sqrt(in); 0 for a layer without inputs (its weight is empty, its bias starts at 0). */
function defaultBound(inFeatures: number): number {
  return inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
}

const LINEAR_OPTIONS: OptionNames<LinearOptions> = { bias: true, init: true, biasInit: true, dtype: true, rng: true, seed: true };

export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkOptionNames("Linear", options, LINEAR_OPTIONS);
    for (const [what, n] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      // 0 is allowed, as in PyTorch: a layer without inputs outputs its bias.
      if (!Number.isInteger(n) || n < 0) throw new ShapeError("Linear", `${what} must be a non-negative integer, got ${String(n)}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const dtype = options.dtype ?? "float32";
    const rng = resolveRng(options);
    const scheme = options.init ?? "default";
    this.weight = this.registerParameter("weight", zeros([outFeatures, inFeatures], { dtype }));
    initialiseWeight(this.weight, scheme, rng);
    this.bias = options.bias === false ? null : this.registerParameter("bias", zeros([outFeatures], { dtype }));
    if (this.bias !== null && options.biasInit !== undefined) {
      if (typeof options.biasInit !== "function") throw new DagradError("Linear", `biasInit must be a function (bias, rng) => void, got ${String(options.biasInit)}`);
      options.biasInit(this.bias, rng);
    } else if (this.bias !== null && scheme === "default") {
      init.uniform(this.bias, -defaultBound(inFeatures), defaultBound(inFeatures), { rng });
    }
  }

  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      const got = x instanceof Tensor ? `shape ${formatShape(x.shape)}` : String(x);
      throw new ShapeError("Linear", `${this.describe()}: input has ${got}, expected [..., ${this.inFeatures}] (samples as rows)`, x instanceof Tensor ? [x.shape, this.weight.shape] : []);
    }
    // linear() reads W transposed in place: no copy of the weight per call.
    return linear(x, this.weight, this.bias);
  }

  protected override describe(): string {
    return `${this.inFeatures} → ${this.outFeatures}${this.bias === null ? ", bias=false" : ""}`;
  }
}
