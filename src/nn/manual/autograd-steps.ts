// The same steps as explainSteps, read off the graph: the MLP's modules run
// one by one with retainGrad() on every Z and A, then backward() fills their
// .grad. Gradients here are of the batch loss L, as in explainSteps.
import type { Tensor } from "../../autograd/index.js";
import type { Labels } from "../losses.js";
import type { MLP } from "../mlp.js";
import { autogradLoss, checkPlainInput } from "./compare.js";
import type { ExplainStep } from "./explain.js";
import { type ManualLoss, isSimplifiedPair } from "./losses.js";

const values = (t: Tensor): Float64Array => Float64Array.from(t.data);
const gradOf = (t: Tensor): Float64Array => (t.grad ? values(t.grad) : new Float64Array(t.size));

/** The Z and A tensors of every layer of a plain MLP (A is Z itself for an identity activation), each retaining its gradient. */
export interface TracedForward {
  readonly z: readonly Tensor[];
  readonly a: readonly Tensor[];
}

/** Run a plain MLP's modules (Linear, activation, Linear, ...) one by one, keeping every Z and A. */
export function traceForward(mlp: MLP, x: Tensor): TracedForward {
  const modules = mlp.layers.modules; // a plain MLP alternates Linear, activation
  const z: Tensor[] = [];
  const a: Tensor[] = [];
  let h = x;
  for (let i = 0; i < mlp.linears.length; i++) {
    z.push(modules[2 * i]!.forward(h).retainGrad());
    h = modules[2 * i + 1]!.forward(z[i]!);
    a.push(h === z[i] ? h : h.retainGrad());
  }
  return { z, a };
}

/** Autograd's Z, A, loss and gradients of a plain MLP, named as explainSteps names them. Leaves .grad filled. */
export function autogradSteps(mlp: MLP, x: Tensor, y: Tensor | Labels, loss: ManualLoss): ExplainStep[] {
  checkPlainInput("autogradSteps", mlp, x);
  const depth = mlp.linears.length;
  const { z, a } = traceForward(mlp, x);
  mlp.zeroGrad();
  const lossTensor = autogradLoss(mlp, a[depth - 1]!, y, loss);
  lossTensor.backward();

  const steps: ExplainStep[] = [];
  const shape2 = (t: Tensor): number[] => [...t.shape];
  for (let i = 0; i < depth; i++) {
    steps.push({ name: `Z${i + 1}`, formula: `graph op ${z[i]!.op}`, phase: "forward", shape: shape2(z[i]!), values: values(z[i]!) });
    steps.push({ name: `A${i + 1}`, formula: a[i] === z[i] ? "identity (same tensor)" : `graph op ${a[i]!.op}`, phase: "forward", shape: shape2(a[i]!), values: values(a[i]!) });
  }
  steps.push({ name: "loss", formula: `graph op ${lossTensor.op}`, phase: "loss", shape: [], values: values(lossTensor) });
  for (let i = depth - 1; i >= 0; i--) {
    const l = i + 1;
    const linear = mlp.linears[i]!;
    const isOutput = i === depth - 1;
    if (!isOutput || !isSimplifiedPair(loss, mlp.activations[i]!)) {
      steps.push({ name: `dA${l}`, formula: `A${l}.grad`, phase: "backward", shape: shape2(a[i]!), values: gradOf(a[i]!) });
    }
    steps.push({ name: `dZ${l}`, formula: `Z${l}.grad`, phase: "backward", shape: shape2(z[i]!), values: gradOf(z[i]!) });
    steps.push({ name: `dW${l}`, formula: `${linear.weight.name ?? "weight"}.grad`, phase: "backward", shape: shape2(linear.weight), values: gradOf(linear.weight), parameter: { layer: i, kind: "weight" } });
    if (linear.bias) steps.push({ name: `db${l}`, formula: `${linear.bias.name ?? "bias"}.grad`, phase: "backward", shape: shape2(linear.bias), values: gradOf(linear.bias), parameter: { layer: i, kind: "bias" } });
  }
  return steps;
}
