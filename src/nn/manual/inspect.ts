// One step of an MLP, inspected: the whole autograd graph of its loss on a
// batch (every tensor with its value and its gradient ∂L/∂tensor), and,
// for the chain the formulas describe, each quantity the documents name
// (Z1, A1, ..., loss, W1, b1, ...) beside explainSteps' value and gradient for it.
import { Tensor, graphNodes } from "../../autograd/index.js";
import type { FloatArray } from "../../kernels/shape.js";
import type { Labels } from "../losses.js";
import type { MLP } from "../mlp.js";
import { traceForward } from "./autograd-steps.js";
import { autogradLoss, checkPlainInput, manualLayersOf, targetRows } from "./compare.js";
import { explainSteps } from "./explain.js";
import type { ManualLoss } from "./losses.js";
import { precisionOf } from "./matrix.js";
import { ManualMLP } from "./mlp.js";

export type GraphNodeKind = "input" | "target" | "parameter" | "constant" | "op";

export interface GraphNodeView {
  /** Position in the graph's topological order (every node after its inputs; the loss last). */
  readonly index: number;
  readonly kind: GraphNodeKind;
  /** The op that made the node; for a leaf "X", "Y", the parameter's dotted name, or "constant". */
  readonly label: string;
  readonly shape: readonly number[];
  /** Indices of the nodes it was computed from. */
  readonly inputs: readonly number[];
  readonly value: Float64Array;
  /** ∂L/∂node; null where nothing flows back (the input, the target, constants). */
  readonly grad: Float64Array | null;
  /** What the documents call it ("Z1", "A1", "W1", "loss", ...); an identity activation's A is its Z, so that node has both. */
  readonly names: readonly string[];
}

export interface StepComparison {
  /** "Z1", "A1", ..., "loss", "W1", "b1", ... */
  readonly name: string;
  /** The graph node holding it. */
  readonly node: number;
  /** explainSteps' formula for the value ("X W1ᵀ + b1"); for W and b, "parameter". */
  readonly formula: string;
  /** "dZ1", "dW1", ...; null for the loss. */
  readonly gradientName: string | null;
  /** explainSteps' formula for the gradient; null where the formulas skip it (dA of the output for sigmoid + bce, softmax + crossEntropy) or for the loss. */
  readonly gradientFormula: string | null;
  readonly value: { readonly autograd: Float64Array; readonly manual: Float64Array };
  /** Null where the formulas skip the gradient or for the loss. */
  readonly grad: { readonly autograd: Float64Array; readonly manual: Float64Array } | null;
  /** max |manual - autograd| of the value, and of the gradient (null without one). */
  readonly valueDiff: number;
  readonly gradDiff: number | null;
}

export interface StepInspection {
  readonly nodes: readonly GraphNodeView[];
  /** The loss tensor, its graph kept (for pictures of it: dagFigure). */
  readonly root: Tensor;
  readonly loss: number;
  /** The documents' quantities in their order (forward, loss, parameters); null when the formulas do not cover the MLP. */
  readonly comparisons: readonly StepComparison[] | null;
  /** Why there are no comparisons (batch norm, dropout or residual layers), or null. */
  readonly manualUnavailable: string | null;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    // NaN must not hide: !(d <= worst) is true for NaN.
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/**
 * Run one forward and backward pass of `mlp` on the batch (x, y) with every
 * graph node keeping its gradient, and set each named quantity beside the
 * manual formulas' (explainSteps, in the MLP's own dtype). An MLP with batch
 * norm, dropout or residual layers runs in evaluation mode (running
 * statistics, no dropout), so one sample has a gradient; its graph is shown
 * without comparisons, which the formulas cannot make. Leaves .grad filled.
 */
export function inspectStep(mlp: MLP, x: Tensor, y: Tensor | Labels, loss: ManualLoss): StepInspection {
  const names = new Map<Tensor, string[]>();
  const name = (t: Tensor, n: string): void => { names.set(t, [...(names.get(t) ?? []), n]); };
  const wasTraining = mlp.training;
  let lossTensor: Tensor;
  let manualUnavailable: string | null = null;
  if (mlp.isPlain) {
    checkPlainInput("inspectStep", mlp, x);
    const { z, a } = traceForward(mlp, x);
    z.forEach((t, i) => name(t, `Z${i + 1}`));
    a.forEach((t, i) => name(t, `A${i + 1}`));
    lossTensor = autogradLoss(mlp, a[a.length - 1]!, y, loss);
  } else {
    manualUnavailable = "the manual formulas cover chains of Linear and activation layers only; this MLP has batch norm, dropout or residual layers (shown in evaluation mode)";
    mlp.eval();
    try {
      lossTensor = autogradLoss(mlp, mlp.forward(x), y, loss);
    } finally {
      mlp.train(wasTraining);
    }
  }
  mlp.linears.forEach((linear, i) => {
    name(linear.weight, `W${i + 1}`);
    if (linear.bias) name(linear.bias, `b${i + 1}`);
  });
  name(lossTensor, "loss");

  const graph = graphNodes(lossTensor);
  for (const t of graph) if (!t.isLeaf && t.requiresGrad) t.retainGrad();
  mlp.zeroGrad();
  lossTensor.backward(undefined, { retainGraph: true });

  const index = new Map(graph.map((t, i) => [t, i]));
  const target = y instanceof Tensor ? y : null;
  const nodes: GraphNodeView[] = graph.map((t, i) => {
    const kind: GraphNodeKind = t === x ? "input" : t === target ? "target" : !t.isLeaf ? "op" : t.requiresGrad ? "parameter" : "constant";
    const label = kind === "input" ? "X" : kind === "target" ? "Y" : kind === "op" ? t.op! : kind === "parameter" ? t.name ?? "parameter" : "constant";
    return {
      index: i, kind, label, shape: [...t.shape],
      inputs: t.inputs.map((input) => index.get(input)!),
      value: Float64Array.from(t.data),
      grad: t.requiresGrad ? (t.grad ? Float64Array.from(t.grad.data) : new Float64Array(t.size)) : null,
      names: names.get(t) ?? [],
    };
  });
  const comparisons = manualUnavailable === null ? compare(mlp, x, y, loss, nodes) : null;
  return { nodes, root: lossTensor, loss: lossTensor.item(), comparisons, manualUnavailable };
}

/** Each quantity the documents name, from its graph node and from explainSteps on the same weights and batch. */
function compare(mlp: MLP, x: Tensor, y: Tensor | Labels, loss: ManualLoss, nodes: readonly GraphNodeView[]): StepComparison[] {
  const dtype = precisionOf(mlp.linears[0]!.weight.data);
  const layers = manualLayersOf(mlp, dtype);
  const rows = targetRows("inspectStep", loss, y, x.shape[0]!, layers[layers.length - 1]!.outFeatures, dtype);
  const steps = new Map(explainSteps(new ManualMLP(layers), x.data, rows, loss).map((s) => [s.name, s]));
  const quantity = (name: string, formula: string, manualValue: ArrayLike<number>, gradientName: string | null): StepComparison => {
    const node = nodes.find((n) => n.names.includes(name))!;
    const manualGrad = gradientName === null ? undefined : steps.get(gradientName);
    const value = { autograd: node.value, manual: Float64Array.from(manualValue) };
    const grad = manualGrad === undefined || node.grad === null ? null : { autograd: node.grad, manual: manualGrad.values };
    return {
      name, node: node.index, formula, gradientName, gradientFormula: manualGrad?.formula ?? null, value, grad,
      valueDiff: maxDiff(value.autograd, value.manual), gradDiff: grad === null ? null : maxDiff(grad.autograd, grad.manual),
    };
  };
  const fromSteps = (name: string): [string, FloatArray | Float64Array] => [steps.get(name)!.formula, steps.get(name)!.values];
  const out: StepComparison[] = [];
  layers.forEach((layer, i) => {
    const l = i + 1;
    out.push(quantity(`W${l}`, "parameter", layer.weight, `dW${l}`));
    if (layer.bias) out.push(quantity(`b${l}`, "parameter", layer.bias, `db${l}`));
    out.push(quantity(`Z${l}`, ...fromSteps(`Z${l}`), `dZ${l}`));
    out.push(quantity(`A${l}`, ...fromSteps(`A${l}`), `dA${l}`));
  });
  out.push(quantity("loss", ...fromSteps("loss"), null));
  return out;
}
