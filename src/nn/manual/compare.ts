// compareGradients: one MLP, one batch, three gradients. Autograd runs the
// MLP's own forward, the nn loss and backward(); the manual formulas run on a
// copy of the same weights; central differences of the manual loss (float64)
// give the third opinion. This file is the bridge between the two worlds: the
// math it compares lives in mlp.ts and knows nothing of Tensors.
import { DagradError, DTypeError, ShapeError, Tensor, formatShape, noGrad, tensor } from "../../autograd/index.js";
import type { FloatArray } from "../../kernels/shape.js";
import { LOSSES, type Labels, crossEntropy, nllLoss } from "../losses.js";
import { MLP } from "../mlp.js";
import type { ManualLoss } from "./losses.js";
import { type Precision, precisionOf } from "./matrix.js";
import { type ManualLayer, ManualMLP } from "./mlp.js";
import { type GradientDifference, gradientDifference, numericalGradients } from "./numerical.js";

export interface CompareOptions {
  loss: ManualLoss;
  /** Step of the central differences (default 1e-5, as in 001). */
  eps?: number;
  /** Also compute central differences (default true; two forwards per parameter element). */
  numerical?: boolean;
}

export interface ParameterComparison {
  /** Dotted name, e.g. "layers.0.weight". */
  readonly name: string;
  readonly shape: readonly number[];
  /** Autograd's gradient against the manual formulas'. */
  readonly manual: GradientDifference;
  /** Autograd's gradient against central differences; null when not computed. */
  readonly numerical: GradientDifference | null;
}

export interface GradientComparison {
  readonly loss: ManualLoss;
  readonly autogradLoss: number;
  readonly manualLoss: number;
  readonly parameters: readonly ParameterComparison[];
  /** Worst of the per-parameter autograd-vs-manual differences. */
  readonly maxAbsDiff: number;
  readonly maxRelDiff: number;
  /** Worst per-parameter relative error (001's measure) of autograd against central differences; null when not computed. */
  readonly maxNumericalError: number | null;
}

/** The MLP's weights as manual layers, copied into `dtype`. */
export function manualLayersOf(mlp: MLP, dtype: Precision): ManualLayer[] {
  const copy = (t: Tensor): FloatArray => (dtype === "float64" ? Float64Array.from(t.data) : Float32Array.from(t.data));
  return mlp.linears.map((linear, l) => ({
    weight: copy(linear.weight),
    bias: linear.bias === null ? null : copy(linear.bias),
    inFeatures: linear.inFeatures,
    outFeatures: linear.outFeatures,
    activation: mlp.activations[l]!,
    leakySlope: mlp.negativeSlope,
  }));
}

/** The other way: a float64 MLP holding these manual layers' weights and activations. */
export function mlpOfManualLayers(layers: readonly ManualLayer[]): MLP {
  const mlp = new MLP({
    sizes: [layers[0]!.inFeatures, ...layers.map((l) => l.outFeatures)],
    activation: layers.slice(0, -1).map((l) => l.activation),
    outputActivation: layers[layers.length - 1]!.activation,
    negativeSlope: layers[0]!.leakySlope,
    dtype: "float64",
  });
  noGrad(() => mlp.linears.forEach((linear, i) => {
    const layer = layers[i]!;
    linear.weight.copyFrom(tensor(layer.weight, { shape: [layer.outFeatures, layer.inFeatures], dtype: "float64" }));
    if (linear.bias && layer.bias) linear.bias.copyFrom(tensor(layer.bias, { dtype: "float64" }));
  }));
  return mlp;
}

/** Targets as one row per sample in `dtype`: class labels become one-hot rows for crossEntropy. */
export function targetRows(fn: string, loss: ManualLoss, y: Tensor | Labels, samples: number, outputs: number, dtype: Precision): FloatArray {
  const rows = dtype === "float64" ? new Float64Array(samples * outputs) : new Float32Array(samples * outputs);
  const isMatrix = y instanceof Tensor && y.ndim === 2;
  if (isMatrix) {
    if (y.shape[0] !== samples || y.shape[1] !== outputs) {
      throw new ShapeError(fn, `target ${formatShape(y.shape)} does not match the output [${samples},${outputs}]`, [y.shape, [samples, outputs]]);
    }
    rows.set(y.data);
    return rows;
  }
  const labels = y instanceof Tensor ? y.data : y;
  if (loss !== "crossEntropy" || labels.length !== samples) {
    const shape = y instanceof Tensor ? formatShape(y.shape) : `a list of ${labels.length}`;
    throw new ShapeError(fn, `target ${shape} must be [${samples},${outputs}]${loss === "crossEntropy" ? ` or ${samples} class labels` : ""}`);
  }
  for (let i = 0; i < samples; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= outputs) throw new ShapeError(fn, `label ${label} of sample ${i} is not a class index in [0, ${outputs - 1}]`);
    rows[i * outputs + label] = 1;
  }
  return rows;
}

/** Autograd's loss: the nn loss of the same name; for a softmax output, crossEntropy reads its probabilities (-Σ y log p). */
export function autogradLoss(mlp: MLP, output: Tensor, y: Tensor | Labels, loss: ManualLoss): Tensor {
  if (loss === "crossEntropy") {
    if (mlp.activations[mlp.activations.length - 1] !== "softmax") return crossEntropy(output, y);
    const logP = output.log();
    return y instanceof Tensor && y.ndim === 2 ? y.mul(logP).sum(1).neg().mean() : nllLoss(logP, y);
  }
  if (!(y instanceof Tensor)) throw new ShapeError("compareGradients", `loss ${loss} needs a target tensor, got a list`);
  return LOSSES[loss](output, y);
}

/** The MLP must be the chain the formulas describe and x a [samples, in] batch of its dtype; returns that dtype. */
export function checkPlainInput(fn: string, mlp: MLP, x: Tensor): Precision {
  if (!mlp.isPlain) throw new DagradError(fn, "the manual formulas cover chains of Linear and activation layers only; this MLP has batch norm, dropout or residual connections");
  const dtype = precisionOf(mlp.linears[0]!.weight.data);
  if (x.dtype !== dtype) throw new DTypeError(fn, `x is ${x.dtype} but the MLP is ${dtype}`);
  if (x.ndim !== 2 || x.shape[1] !== mlp.linears[0]!.inFeatures) {
    throw new ShapeError(fn, `x ${formatShape(x.shape)} must be [samples, ${mlp.linears[0]!.inFeatures}]`, [x.shape]);
  }
  return dtype;
}

/**
 * Run autograd and the manual formulas on the same weights and batch (x [m, in],
 * y [m, out], or class labels for crossEntropy) and compare every parameter's
 * gradient. Leaves autograd's gradients in the parameters' .grad.
 */
export function compareGradients(mlp: MLP, x: Tensor, y: Tensor | Labels, options: CompareOptions): GradientComparison {
  const dtype = checkPlainInput("compareGradients", mlp, x);
  const samples = x.shape[0]!;
  const outputs = mlp.linears[mlp.linears.length - 1]!.outFeatures;
  const target = targetRows("compareGradients", options.loss, y, samples, outputs, dtype);

  mlp.zeroGrad();
  const lossTensor = autogradLoss(mlp, mlp.forward(x), y, options.loss);
  lossTensor.backward();

  const manual = new ManualMLP(manualLayersOf(mlp, dtype)).backward(x.data, target, options.loss);
  let numerical = null;
  if (options.numerical ?? true) {
    const reference = new ManualMLP(manualLayersOf(mlp, "float64"));
    numerical = numericalGradients(reference, Float64Array.from(x.data), Float64Array.from(target), options.loss, options.eps);
  }

  const byTensor = new Map(mlp.namedParameters().map(([name, t]) => [t, name]));
  const parameters: ParameterComparison[] = [];
  mlp.linears.forEach((linear, l) => {
    const entries: [Tensor | null, FloatArray | null, Float64Array | null][] = [
      [linear.weight, manual.weight[l]!.data, numerical?.weight[l] ?? null],
      [linear.bias, manual.bias[l]!, numerical?.bias[l] ?? null],
    ];
    for (const [param, manualGrad, numericalGrad] of entries) {
      if (param === null || manualGrad === null) continue;
      const autograd = param.grad?.data ?? new Float64Array(param.size);
      parameters.push({
        name: byTensor.get(param) ?? `linears.${l}.${param === linear.weight ? "weight" : "bias"}`,
        shape: param.shape,
        manual: gradientDifference(autograd, manualGrad),
        numerical: numericalGrad === null ? null : gradientDifference(autograd, numericalGrad),
      });
    }
  });
  return {
    loss: options.loss,
    autogradLoss: lossTensor.data[0]!,
    manualLoss: manual.loss,
    parameters,
    maxAbsDiff: Math.max(...parameters.map((p) => p.manual.maxAbsDiff)),
    maxRelDiff: Math.max(...parameters.map((p) => p.manual.maxRelDiff)),
    maxNumericalError: numerical === null ? null : Math.max(...parameters.map((p) => p.numerical!.relativeError)),
  };
}

/** The comparison as a Markdown table, one row per parameter. */
export function comparisonTable(result: GradientComparison): string {
  const e = (v: number): string => v.toExponential(2);
  const lines = [
    `loss ${result.loss}: autograd ${result.autogradLoss.toPrecision(12)}, manual ${result.manualLoss.toPrecision(12)}`,
    "",
    "| parameter | shape | max abs diff (autograd vs manual) | max rel diff | rel error vs central differences |",
    "|---|---|---|---|---|",
    ...result.parameters.map((p) => `| ${p.name} | ${formatShape(p.shape)} | ${e(p.manual.maxAbsDiff)} | ${e(p.manual.maxRelDiff)} | ${p.numerical === null ? "-" : e(p.numerical.relativeError)} |`),
  ];
  return lines.join("\n");
}
