// Vanishing and exploding gradients (001): a deep MLP's per-layer gradient
// norms for a plain sigmoid net, and for its remedies: ReLU with He init,
// batch normalisation, residual connections; plus ReLU with N(0, 1) weights,
// whose gradients explode.
import { ClassifierHead, type InitFn, type MLPOptions, MLP, init } from "../../nn/index.js";
import { lineChart, toSvg } from "../../report/index.js";
import { gradientFlowSeries } from "../pictures.js";
import { type ExperimentResult, type ExperimentSettings, type TrainedRun, cell, divergedCell, lossSeries, seriesName, trainRun } from "./common.js";

const WIDTH = 16;

/** A network of the comparison, and the gradient-norm clipping it trains with (if any). */
type Variant = [string, Omit<MLPOptions, "sizes">, { clipGradNorm?: number }];

const standardNormal: InitFn = (weight, rng) => { init.normal(weight, 0, 1, { rng }); };

/** The norm the clipped run's gradients are cut to: a step of lr 0.1 then moves the weights by at most 0.1. */
const CLIP_NORM = 1;

const VARIANTS: readonly Variant[] = [
  ["sigmoid, Xavier", { activation: "sigmoid", init: "xavier" }, {}],
  ["ReLU + He init", { activation: "relu", init: "he" }, {}],
  ["sigmoid + BatchNorm", { activation: "sigmoid", init: "xavier", batchNorm: true }, {}],
  ["sigmoid + residual", { activation: "sigmoid", init: "xavier", residual: true }, {}],
  ["ReLU, N(0, 1) weights", { activation: "relu", init: standardNormal }, {}],
  [`ReLU, N(0, 1) + clip norm ${CLIP_NORM}`, { activation: "relu", init: standardNormal }, { clipGradNorm: CLIP_NORM }],
];

export async function depthExperiment(settings: ExperimentSettings, hiddenLayers: number): Promise<ExperimentResult> {
  // Logits and bceWithLogits: a saturated sigmoid output would clamp the loss and hide the gradients.
  const head = new ClassifierHead({ output: "identity", loss: "bceWithLogits", classes: 2 });
  const runs: TrainedRun[] = [];
  const sizes = [settings.data.features, ...new Array<number>(hiddenLayers).fill(WIDTH), 1];
  for (const [label, options, training] of VARIANTS) {
    if (settings.shouldStop()) break;
    const model = new MLP({ sizes, outputActivation: head.output, seed: settings.seed, ...options });
    runs.push(await trainRun(label, model, head, settings, { lr: 0.1, ...training }));
  }
  const layers = sizes.length - 1;
  const layerIndex = Array.from({ length: layers }, (_, i) => i + 1);
  const atStart = runs.map((r) => ({ name: seriesName(r), x: layerIndex, y: gradientNormsAtStart(r) }));
  const firstLayer = runs.map((r) => ({ name: seriesName(r), y: gradientFlowSeries(r.model, r.records)[0]!.y }));
  const norm = (value: number) => (Number.isFinite(value) ? value.toExponential(2) : "-");
  return {
    title: "Depth: vanishing and exploding gradients",
    about: `001's section on vanishing and exploding gradients: an MLP with ${hiddenLayers} hidden layers of ${WIDTH} units (one logit output, BCE with logits, SGD lr 0.1). With sigmoid layers each layer multiplies the gradient by at most 0.25 times the weights, so layer 1 gets orders of magnitude less than the last layer; ReLU with He init, batch norm and residual connections keep the norms level; N(0, 1) weights with ReLU make them grow layer by layer until the loss overflows, and clipping the gradient norm to ${CLIP_NORM} bounds each step so the same network trains.`,
    table: {
      header: ["network", "||dW1|| at start", `||dW${layers}|| at start`, "test accuracy", "final loss", "diverged at epoch"],
      rows: runs.map((r) => [r.label, norm(gradientNormsAtStart(r)[0]!), norm(gradientNormsAtStart(r)[layers - 1]!), cell(r.testAccuracy), cell(r.finalLoss), divergedCell(r)]),
    },
    pictures: [
      { file: "depth-gradient-per-layer.svg", title: "Gradient norm per layer", caption: "||dW|| of each Linear layer at the first step, layer 1 nearest the input (log scale)", svg: toSvg(lineChart({ title: "Gradient norm per layer at the first step", xLabel: "Layer (1 = nearest the input)", yLabel: "||dW||", logY: true, series: atStart })) },
      { file: "depth-first-layer.svg", title: "First-layer gradient over training", caption: "||dW|| of layer 1 at every epoch (log scale)", svg: toSvg(lineChart({ title: "Layer 1 gradient norm over training", xLabel: "Epoch", yLabel: "||dW1||", logY: true, series: firstLayer })) },
      { file: "depth-loss.svg", title: "Loss by network", caption: "training loss per epoch (log scale, cut at 100: exploding weights send it far above)", svg: toSvg(lineChart({ title: "Training loss", xLabel: "Epoch", yLabel: "BCE loss", logY: true, yDomain: [0.01, 100], series: lossSeries(runs) })) },
    ],
  };
}

/** ||dW|| of each Linear layer at the first epoch; NaN (no point, "-" in the table) for a run that diverged before its first epoch ended. */
export function gradientNormsAtStart(run: TrainedRun): number[] {
  return gradientFlowSeries(run.model, run.records.slice(0, 1)).map((s) => s.y[0] ?? NaN);
}
