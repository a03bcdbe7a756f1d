// 001's exercise "visualize how the loss landscape changes with depth": nets
// of several depths (sigmoid with Xavier, ReLU with He, a scaled residual ReLU
// net and a sigmoid net with batch norm) trained on the same data, then the
// loss around each one's trained weights along filter-normalised random
// directions (Li et al. 2018) in 1-D and 2-D, the loss along the straight line
// from its initial to its final weights, and the sharpness of its minimum: the
// top eigenvalue of the loss's Hessian, by power iteration on Hessian-vector
// products (double backward), at the start, along training and at the end.
import { DTypeError, type Tensor, noGrad, topHessianEigenvalue } from "../../autograd/index.js";
import { ClassifierHead, type MLPOptions, MLP, type Module, bceWithLogitsLoss, lossSlice, lossSurface, randomDirection } from "../../nn/index.js";
import { type ColorScale, type Figure, colorBar, contourMap, lineChart, noticePanel, sequential, smallMultiples, toSvg } from "../../report/index.js";
import { type ExperimentResult, type ExperimentSettings, type TrainedRun, cell, divergedCell, trainRun, trainingData } from "./common.js";

const WIDTH = 16;
const LR = 0.1;
/** Sharpness is measured at the start and at this many evenly spaced epochs. */
const SHARPNESS_POINTS = 10;
/** The straight path from the initial (0) to the final (1) weights, a little beyond both ends. */
const PATH_ALPHAS = Array.from({ length: 31 }, (_, i) => -0.25 + (1.5 * i) / 30);

export interface LandscapeOptions {
  depths: readonly number[];
  /** Points per axis of the slices and surfaces (odd, so the trained weights are on the grid). */
  grid: number;
  /** The slices and surfaces reach ±span along each direction. */
  span: number;
}

interface Variant {
  label: string;
  options: (hiddenLayers: number) => Omit<MLPOptions, "sizes">;
}

const VARIANTS: readonly Variant[] = [
  { label: "sigmoid, Xavier", options: () => ({ activation: "sigmoid", init: "xavier" }) },
  { label: "ReLU, He", options: () => ({ activation: "relu", init: "he" }) },
  // The first hidden layer maps the inputs to 16 units; each later one is a block, scaled by 1/blocks as train --residual does.
  { label: "ReLU, He, residual", options: (d) => ({ activation: "relu", init: "he", ...(d > 1 ? { residual: true, residualScale: 1 / (d - 1) } : {}) }) },
  { label: "sigmoid, Xavier, batch norm", options: () => ({ activation: "sigmoid", init: "xavier", batchNorm: true }) },
];

interface LandscapeRun {
  variant: string;
  depth: number;
  run: TrainedRun;
  /** λmax of the training loss's Hessian at epoch 0 and along training (NaN where it could not be computed). */
  sharpness: { epoch: number; value: number }[];
  /** Loss along one filter-normalised direction at the alphas; null for a run that diverged. */
  slice: Float64Array | null;
  surface: Float64Array | null;
  path: Float64Array | null;
  seconds: number;
}

/** The loss the optimizer sees: the train-mode forward on all training rows. Batch norm's running statistics are put back after it, so measuring never changes the model. */
function objective(model: Module, x: Tensor, y: Tensor): () => Tensor {
  const buffers = model.namedBuffers().map(([, t]) => t);
  return () => {
    const saved = buffers.map((t) => t.data.slice());
    model.train();
    try {
      return bceWithLogitsLoss(model.forward(x), y);
    } finally {
      noGrad(() => buffers.forEach((t, k) => { t.data.set(saved[k]!); t.markModified(); }));
    }
  };
}

function sharpnessOf(loss: () => Tensor, params: readonly Tensor[], seed: number): number {
  try {
    return topHessianEigenvalue(loss(), params, { seed, tolerance: 1e-3, maxIterations: 200 }).value;
  } catch (error) {
    // H v overflowed (the only DTypeError it can raise with these fixed options): no number to show.
    if (error instanceof DTypeError && error.op === "topHessianEigenvalue") return NaN;
    throw error;
  }
}

const steps = (grid: number, span: number) => Array.from({ length: grid }, (_, i) => -span + (2 * span * i) / (grid - 1));

export async function landscapeExperiment(settings: ExperimentSettings, options: LandscapeOptions): Promise<ExperimentResult> {
  const head = new ClassifierHead({ output: "identity", loss: "bceWithLogits", classes: 2 });
  const alphas = steps(options.grid, options.span);
  const runs: LandscapeRun[] = [];
  for (const variant of VARIANTS) {
    for (const depth of options.depths) {
      if (settings.shouldStop()) break;
      const started = Date.now();
      const sizes = [settings.data.features, ...new Array<number>(depth).fill(WIDTH), 1];
      // float64: second derivatives by power iteration need the digits.
      const model = new MLP({ sizes, outputActivation: head.output, dtype: "float64", seed: settings.seed, ...variant.options(depth) });
      const params = model.parameters();
      const { x, y } = trainingData(settings.data, head, "float64");
      const loss = objective(model, x, y);
      const initial = params.map((p) => p.detach().clone());
      const sharpness = [{ epoch: 0, value: sharpnessOf(loss, params, settings.seed) }];
      const every = Math.max(1, Math.round(settings.epochs / SHARPNESS_POINTS));
      const run = await trainRun(`${variant.label}, depth ${depth}`, model, head, settings, {
        lr: LR,
        onEpoch: (r) => { if (r.epoch % every === 0 || r.epoch === settings.epochs) sharpness.push({ epoch: r.epoch, value: sharpnessOf(loss, params, settings.seed) }); },
      });
      const value = () => noGrad(() => loss().item());
      const analysed = run.diverged === null && run.records.length > 0;
      const directions = [randomDirection(params, { seed: `${settings.seed}-direction-1` }), randomDirection(params, { seed: `${settings.seed}-direction-2` })] as const;
      const toFinal = params.map((p, k) => p.detach().sub(initial[k]!));
      runs.push({
        variant: variant.label, depth, run, sharpness,
        slice: analysed ? lossSlice(params, value, directions[0], alphas) : null,
        surface: analysed ? lossSurface(params, value, directions, alphas, alphas).values : null,
        path: analysed ? lossSlice(params, value, toFinal, PATH_ALPHAS, { origin: initial }) : null,
        seconds: (Date.now() - started) / 1000,
      });
      const last = runs[runs.length - 1]!;
      settings.log(`  sharpness ${number(sharpness[0]!.value)} at the start, ${number(sharpness[sharpness.length - 1]!.value)} at the end; landscape done (${last.seconds.toFixed(1)} s in all)`);
    }
  }
  return describeResult(runs, options, alphas, settings.epochs);
}

function number(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "-" : value.toPrecision(3);
}

/** One colour scale for every surface: log loss from the lowest value's decade up to 10 (chance is log 2 ≈ 0.69). */
function sharedScale(runs: readonly LandscapeRun[]): ColorScale {
  const values = runs.flatMap((r) => Array.from(r.surface ?? [])).filter((v) => Number.isFinite(v) && v > 0);
  const low = values.length === 0 ? 0.01 : 10 ** Math.floor(Math.log10(Math.min(...values)));
  return { domain: [low, Math.max(10 * low, 10)], log: true, color: sequential, bands: 16 };
}

function describeResult(runs: readonly LandscapeRun[], options: LandscapeOptions, alphas: readonly number[], epochs: number): ExperimentResult {
  const variants = VARIANTS.map((v) => v.label).filter((label) => runs.some((r) => r.variant === label));
  const scale = sharedScale(runs);
  const centre = (options.grid - 1) / 2;
  const panel = { width: 300, height: 290 };
  const surfaces: Figure[] = runs.map((r) => r.surface === null
    ? noticePanel(`${r.variant}, depth ${r.depth}`, r.run.diverged ? `diverged at epoch ${r.run.diverged.epoch}` : "not trained", panel)
    : contourMap({ title: `${r.variant}, depth ${r.depth}`, xs: alphas, ys: alphas, values: r.surface, scale, marker: [0, 0], ...panel }));
  const byVariant = (draw: (label: string, of: LandscapeRun[]) => Figure) => variants.map((label) => draw(label, runs.filter((r) => r.variant === label)));
  const lossAxis = { logY: true, yDomain: scale.domain } as const;
  const series = (of: LandscapeRun[], values: (r: LandscapeRun) => Float64Array | null, xs: readonly number[]) =>
    of.map((r) => ({ name: `depth ${r.depth}`, x: xs, y: Array.from(values(r) ?? []) }));
  const slices = byVariant((label, of) => lineChart({ title: label, xLabel: "α (filter-normalised direction)", yLabel: "Training loss", ...lossAxis, series: series(of, (r) => r.slice, alphas), referenceLines: [Math.LN2] }));
  const paths = byVariant((label, of) => lineChart({ title: label, xLabel: "α (0 = initial, 1 = trained weights)", yLabel: "Training loss", ...lossAxis, series: series(of, (r) => r.path, PATH_ALPHAS), referenceLines: [Math.LN2] }));
  const sharpness = byVariant((label, of) => lineChart({
    title: label, xLabel: "Epoch", yLabel: "λmax of the Hessian", logY: true, referenceLines: [2 / LR],
    series: of.map((r) => ({ name: `depth ${r.depth}`, x: r.sharpness.map((s) => s.epoch), y: r.sharpness.map((s) => s.value) })),
  }));
  const rise = (r: LandscapeRun) => (r.slice === null ? null : (r.slice[0]! + r.slice[r.slice.length - 1]!) / 2);
  return {
    title: "Loss landscape and sharpness by depth",
    about: `001's exercise "visualize how the loss landscape changes with depth", as Li et al. (2018) draw it: MLPs with ${options.depths.join(", ")} hidden layers of ${WIDTH} units (one logit output, BCE with logits, SGD lr ${LR}, ${epochs} epochs, float64), then the training loss around the trained weights θ* along random directions d scaled filter by filter to the weights (each row of a weight matrix gets the norm of that row in θ*; biases and batch-norm parameters stay), θ* + α d1 + β d2 for α, β in [-${options.span}, ${options.span}], and along the straight line from the initial to the trained weights. Sharpness is the largest eigenvalue λmax of the loss's Hessian, found by power iteration on Hessian-vector products (double backward); gradient descent at learning rate η is stable along a direction of curvature below 2/η = ${2 / LR}, the dashed line. What to look for: deep sigmoid nets sit on a plateau near log 2, where the gradient vanishes; plain ReLU nets' surfaces rise more steeply and turn chaotic as they deepen, while the scaled residual nets stay bowl-shaped and batch norm keeps the loss bounded on the whole plane; in the nets that learn, gradient descent drives λmax up to about 2/η and holds it there (the edge of stability).`,
    table: {
      header: ["network", "depth", "test accuracy", "final loss", "λmax at start", "λmax at end", `loss at α = ±${options.span}`, "diverged at epoch"],
      rows: runs.map((r) => [r.variant, r.depth, cell(r.run.testAccuracy), cell(r.run.finalLoss), number(r.sharpness[0]?.value), number(r.run.diverged ? undefined : r.sharpness[r.sharpness.length - 1]?.value), cell(rise(r)), divergedCell(r.run)]),
    },
    pictures: [
      { file: "landscape-2d.svg", title: "Loss surfaces", caption: `training loss on θ* + α d1 + β d2 (filter-normalised random directions), one colour scale for all (log), trained weights at the white dot; ${options.grid}×${options.grid} points each (centre index ${centre})`, svg: toSvg(smallMultiples("Loss around the trained weights, by network (rows) and depth (columns)", surfaces, options.depths.length, { side: colorBar(scale, "Training loss (log scale)", { height: panel.height }) })) },
      { file: "landscape-1d.svg", title: "Loss along one direction", caption: "training loss on θ* + α d1, one line per depth (log scale; dashed: log 2, a coin toss)", svg: toSvg(smallMultiples("Loss along a filter-normalised direction", slices, 2)) },
      { file: "landscape-path.svg", title: "Loss from the initial to the trained weights", caption: "training loss on (1 - α) θ0 + α θ*, one line per depth (log scale; dashed: log 2)", svg: toSvg(smallMultiples("Loss on the straight path from initial to trained weights", paths, 2)) },
      { file: "sharpness.svg", title: "Sharpness along training", caption: `λmax of the training loss's Hessian at the start and at ${SHARPNESS_POINTS} points of training (log scale; dashed: 2/η = ${2 / LR})`, svg: toSvg(smallMultiples("Sharpness λmax along training", sharpness, 2)) },
    ],
  };
}
