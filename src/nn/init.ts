// Initialisers: each fills a tensor in place and returns it, drawing from an
// explicit generator or the global one that manualSeed resets. Fans follow
// PyTorch for a [out, in] weight: fanIn = in, fanOut = out (times the size of
// any further axes, as for convolution kernels).
import { DagradError, type Rng, type Tensor, ShapeError, defaultRng, formatShape, noGrad, normalSample } from "../autograd/index.js";
import { checkNumber } from "../autograd/options.js";

export interface RandomInitOptions {
  rng?: Rng;
}

export interface ScaledInitOptions extends RandomInitOptions {
  /** Multiplies the standard deviation (see calculateGain). */
  gain?: number;
}

export type FanMode = "fanIn" | "fanOut";

export interface KaimingOptions extends ScaledInitOptions {
  /** Preserve the variance of activations (fanIn, default) or of gradients (fanOut). */
  mode?: FanMode;
}

export type Nonlinearity = "linear" | "identity" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "softplus" | "softmax";

/** PyTorch's recommended gains: tanh 5/3, relu sqrt(2), leakyRelu sqrt(2 / (1 + slope^2)), others 1. */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "leakyRelu": return Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
    default: return 1;
  }
}

/** fanIn and fanOut of a weight of at least 2 dimensions. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ShapeError("init", `fan in and fan out need a weight of at least 2 dimensions, got ${formatShape(t.shape)}${t.name ? ` (${t.name})` : ""}`, [t.shape]);
  const receptive = t.shape.slice(2).reduce((n, d) => n * d, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/** Let `write` fill t's buffer (outside the graph: a parameter requires grad), then bump its version. */
function overwrite(t: Tensor, write: (data: Tensor["data"]) => void): Tensor {
  noGrad(() => {
    write(t.data);
    t.markModified();
  });
  return t;
}

export function constant(t: Tensor, value: number): Tensor {
  // A NaN or infinite setting would fill the weights with NaN or infinities without a word.
  checkNumber("init.constant", "value", value);
  return overwrite(t, (d) => d.fill(value));
}

export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/** Uniform on [low, high). */
export function uniform(t: Tensor, low = 0, high = 1, options: RandomInitOptions = {}): Tensor {
  if (t.size === 0) return t; // nothing to fill (a zero fan makes the bound infinite)
  checkNumber("init.uniform", "low", low);
  checkNumber("init.uniform", "high", high);
  const rng = options.rng ?? defaultRng();
  return overwrite(t, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * rng();
  });
}

export function normal(t: Tensor, mean = 0, std = 1, options: RandomInitOptions = {}): Tensor {
  if (t.size === 0) return t; // nothing to fill (a zero fan makes the std infinite)
  checkNumber("init.normal", "mean", mean);
  checkNumber("init.normal", "std", std, { min: 0 });
  const rng = options.rng ?? defaultRng();
  return overwrite(t, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = mean + std * normalSample(rng);
  });
}

/** Glorot: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(t: Tensor, options: ScaledInitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(t);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -bound, bound, options);
}

/** Glorot: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(t: Tensor, options: ScaledInitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), options);
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  const mode = options.mode ?? "fanIn";
  // Any other value ("fan_in", PyTorch's spelling) would silently mean fanOut.
  if (mode !== "fanIn" && mode !== "fanOut") throw new DagradError("init.kaiming", `mode must be "fanIn" or "fanOut", got ${JSON.stringify(mode)}`);
  if (options.gain !== undefined) checkNumber("init.kaiming", "gain", options.gain, { min: 0 });
  const fan = mode === "fanIn" ? fanIn : fanOut;
  return (options.gain ?? Math.SQRT2) / Math.sqrt(fan);
}

/** He: U(-a, a) with a = gain * sqrt(3 / fan); the default gain sqrt(2) suits ReLU. */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -bound, bound, options);
}

/** He: N(0, std^2) with std = gain / sqrt(fan); the default gain sqrt(2) suits ReLU. */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options), options);
}
