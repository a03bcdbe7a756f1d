// ManualMLP: an MLP of any depth whose gradients come from the hand-derived
// batch backprop equations of 001 (1/m scaling, bias gradients summed over
// samples), transposed to samples-as-rows. Layers l = 1..L, A_0 = X [m, n_0]:
//
//   forward   Z_l = A_{l-1} W_lᵀ + b_l        W_l is [n_l, n_{l-1}] as in PyTorch
//             A_l = σ_l(Z_l)
//   output    δ_L = ∂ℓ/∂Z_L from the loss and σ_L (see losses.ts)
//   backward  ∂ℓ/∂A_{l-1} = δ_l W_l
//             δ_{l-1} = (δ_l W_l) ⊙ σ'_{l-1}(Z_{l-1})
//   gradients dW_l = δ_lᵀ A_{l-1} / m,  db_l = Σ_i δ_l[i] / m
//
// 001 writes samples as columns (Z = W X, dW = Δ Xᵀ); transposing every
// equation gives these. No autograd is involved anywhere in this file.
import { DTypeError, ShapeError } from "../../autograd/errors.js";
import { type FloatArray, allocate } from "../../kernels/shape.js";
import { DEFAULT_LEAKY_SLOPE, type ManualActivation, activate, activationBackward } from "./activations.js";
import { type ManualLoss, type OutputLayer, lossValue, outputDelta } from "./losses.js";
import { type Matrix, type Precision, asMatrix, biasGradient, inputGradient, linearForward, precisionOf, weightGradient } from "./matrix.js";

export interface ManualLayer {
  /** [outFeatures, inFeatures], row-major. */
  readonly weight: FloatArray;
  /** [outFeatures], or null for a layer without bias. */
  readonly bias: FloatArray | null;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: ManualActivation;
  /** Negative slope of leakyRelu (default 0.01). */
  readonly leakySlope?: number;
}

export interface ManualForward {
  readonly x: Matrix;
  /** z[l] = Z_{l+1}, the pre-activation of layer l (0-based). */
  readonly z: readonly Matrix[];
  /** a[l] = A_{l+1} = σ(z[l]); the last one is the network's output. */
  readonly a: readonly Matrix[];
}

export interface ManualGradients {
  readonly loss: number;
  readonly forward: ManualForward;
  /** delta[l] = ∂ℓ_i/∂Z of layer l, one row per sample (no 1/m yet). */
  readonly delta: readonly Matrix[];
  /** dA[l] = ∂ℓ_i/∂A of layer l; null for the output when a simplified pair skipped it. */
  readonly dA: readonly (Matrix | null)[];
  /** The formula that gave δ_L. */
  readonly outputRule: string;
  /** weight[l] = ∂L/∂W of layer l, [out, in]. */
  readonly weight: readonly Matrix[];
  /** bias[l] = ∂L/∂b of layer l, or null when the layer has no bias. */
  readonly bias: readonly (FloatArray | null)[];
}

/** Build a layer from nested arrays: weight[o][k] is out × in, as in PyTorch. */
export function manualLayer(weight: readonly (readonly number[])[], bias: readonly number[] | null, activation: ManualActivation, dtype: Precision = "float64"): ManualLayer {
  const outFeatures = weight.length;
  const inFeatures = weight[0]?.length ?? 0;
  const data = allocate(dtype, outFeatures * inFeatures);
  weight.forEach((row, o) => {
    if (row.length !== inFeatures) throw new ShapeError("manualLayer", `weight row ${o} has ${row.length} entries, row 0 has ${inFeatures}`);
    data.set(row, o * inFeatures);
  });
  let biasData: FloatArray | null = null;
  if (bias !== null) {
    biasData = allocate(dtype, bias.length);
    biasData.set(bias);
  }
  return { weight: data, bias: biasData, inFeatures, outFeatures, activation };
}

export class ManualMLP {
  readonly layers: readonly ManualLayer[];
  readonly dtype: Precision;

  constructor(layers: readonly ManualLayer[]) {
    if (layers.length === 0) throw new ShapeError("ManualMLP", "needs at least one layer");
    this.dtype = precisionOf(layers[0]!.weight);
    layers.forEach((layer, l) => {
      const where = `layer ${l}`;
      if (layer.weight.length !== layer.outFeatures * layer.inFeatures) {
        throw new ShapeError("ManualMLP", `${where}: weight has ${layer.weight.length} elements, [${layer.outFeatures},${layer.inFeatures}] needs ${layer.outFeatures * layer.inFeatures}`);
      }
      if (layer.bias !== null && layer.bias.length !== layer.outFeatures) {
        throw new ShapeError("ManualMLP", `${where}: bias has ${layer.bias.length} elements, expected ${layer.outFeatures}`);
      }
      if (l > 0 && layer.inFeatures !== layers[l - 1]!.outFeatures) {
        throw new ShapeError("ManualMLP", `${where} takes ${layer.inFeatures} features but layer ${l - 1} gives ${layers[l - 1]!.outFeatures}`);
      }
      for (const buffer of [layer.weight, layer.bias]) {
        if (buffer !== null && precisionOf(buffer) !== this.dtype) throw new DTypeError("ManualMLP", `${where} mixes ${precisionOf(buffer)} with ${this.dtype}; use one dtype for every layer`);
      }
    });
    this.layers = layers;
  }

  get inFeatures(): number { return this.layers[0]!.inFeatures; }
  get outFeatures(): number { return this.layers[this.layers.length - 1]!.outFeatures; }

  /** Rows of `data` as samples of `cols` features, in the network's dtype. */
  private rowsOf(what: string, data: FloatArray, cols: number): Matrix {
    if (precisionOf(data) !== this.dtype) throw new DTypeError("ManualMLP", `${what} is ${precisionOf(data)} but the weights are ${this.dtype}`);
    if (cols === 0 || data.length % cols !== 0) {
      throw new ShapeError("ManualMLP", `${what} has ${data.length} values, not a whole number of rows of ${cols}`, [[data.length]]);
    }
    return asMatrix("ManualMLP", what, data, data.length / cols, cols);
  }

  /** Z_l = A_{l-1} W_lᵀ + b_l, A_l = σ_l(Z_l); x holds one sample per row. */
  forward(x: FloatArray): ManualForward {
    const input = this.rowsOf("x", x, this.inFeatures);
    const z: Matrix[] = [];
    const a: Matrix[] = [];
    this.layers.forEach((layer, l) => {
      const weight = asMatrix("ManualMLP", `layer ${l} weight`, layer.weight, layer.outFeatures, layer.inFeatures);
      z.push(linearForward(l === 0 ? input : a[l - 1]!, weight, layer.bias));
      a.push(activate(layer.activation, z[l]!, layer.leakySlope));
    });
    return { x: input, z, a };
  }

  /** The loss and every parameter's gradient for one batch (x and y: one row per sample). */
  backward(x: FloatArray, y: FloatArray, loss: ManualLoss): ManualGradients {
    const forward = this.forward(x);
    const target = this.rowsOf("y", y, this.outFeatures);
    if (target.rows !== forward.x.rows) throw new ShapeError("ManualMLP", `x has ${forward.x.rows} rows but y has ${target.rows}`);
    const last = this.layers.length - 1;
    const output = this.outputOf(forward);
    const value = lossValue(loss, output, target);
    const { delta: deltaL, dA: dAL, rule } = outputDelta(loss, output, target);

    const delta: Matrix[] = new Array<Matrix>(this.layers.length);
    const dA: (Matrix | null)[] = new Array<Matrix | null>(this.layers.length);
    const weight: Matrix[] = new Array<Matrix>(this.layers.length);
    const bias: (FloatArray | null)[] = new Array<FloatArray | null>(this.layers.length);
    delta[last] = deltaL;
    dA[last] = dAL;
    for (let l = last; l >= 0; l--) {
      const layer = this.layers[l]!;
      const previous = l === 0 ? forward.x : forward.a[l - 1]!;
      weight[l] = weightGradient(delta[l]!, previous);
      bias[l] = layer.bias === null ? null : biasGradient(delta[l]!);
      if (l === 0) break;
      const below = this.layers[l - 1]!;
      dA[l - 1] = inputGradient(delta[l]!, asMatrix("ManualMLP", `layer ${l} weight`, layer.weight, layer.outFeatures, layer.inFeatures));
      delta[l - 1] = activationBackward(below.activation, forward.z[l - 1]!, forward.a[l - 1]!, dA[l - 1]!, below.leakySlope);
    }
    return { loss: value, forward, delta, dA, outputRule: rule, weight, bias };
  }

  /** The loss alone (used by central differences). */
  loss(x: FloatArray, y: FloatArray, loss: ManualLoss): number {
    const forward = this.forward(x);
    return lossValue(loss, this.outputOf(forward), this.rowsOf("y", y, this.outFeatures));
  }

  private outputOf(forward: ManualForward): OutputLayer {
    const last = this.layers.length - 1;
    const layer = this.layers[last]!;
    return { z: forward.z[last]!, a: forward.a[last]!, activation: layer.activation, leakySlope: layer.leakySlope ?? DEFAULT_LEAKY_SLOPE };
  }
}
