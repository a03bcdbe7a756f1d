// 000 section 7 step by step, from the manual formulas and from autograd, side by side.
import { MLP, ManualMLP, autogradSteps, explainSteps, manualLayersOf, tensor } from "dagrad";

// 000 section 7, with its [in, out] weights transposed into Linear's [out, in].
const mlp = new MLP({ sizes: [2, 2, 1], activation: "tanh", outputActivation: "sigmoid", dtype: "float64" });
mlp.linears[0]!.weight.data.set([0.5, 0.1, 0.2, 0.3]);
mlp.linears[0]!.bias!.data.set([0.1, 0.2]);
mlp.linears[1]!.weight.data.set([0.4, 0.6]);
mlp.linears[1]!.bias!.data.set([0.1]);
const x = tensor([[1, 0.5]], { dtype: "float64" });
const y = tensor([[1]], { dtype: "float64" });

const manual = explainSteps(new ManualMLP(manualLayersOf(mlp, "float64")), x.data, y.data, "bce");
const autograd = autogradSteps(mlp, x, y, "bce");
const show = (v: ArrayLike<number>) => Array.from(v, (n) => n.toFixed(10)).join(", ");
manual.forEach((step, i) => {
  console.log(`${step.name.padEnd(4)} = ${step.formula.padEnd(30)} manual [${show(step.values)}]`);
  console.log(`${"".padEnd(37)} autograd [${show(autograd[i]!.values)}]`);
});
