// What the playground's "inspect a step" shows, from the library: 000 section 7's
// network, one forward and backward pass with every graph node's value and
// gradient, and the quantities the documents name beside the manual formulas.
import { MLP, inspectStep, layerOutputs, tensor } from "dagrad";

// 000 section 7, with its [in, out] weights transposed into Linear's [out, in].
const mlp = new MLP({ sizes: [2, 2, 1], activation: "tanh", outputActivation: "sigmoid", dtype: "float64" });
mlp.linears[0]!.weight.data.set([0.5, 0.1, 0.2, 0.3]);
mlp.linears[0]!.bias!.data.set([0.1, 0.2]);
mlp.linears[1]!.weight.data.set([0.4, 0.6]);
mlp.linears[1]!.bias!.data.set([0.1]);
const x = tensor([[1, 0.5]], { dtype: "float64" });
const y = tensor([[1]], { dtype: "float64" });

const step = inspectStep(mlp, x, y, "bce");
const show = (v: ArrayLike<number>) => `[${Array.from(v, (n) => n.toFixed(6)).join(", ")}]`;
console.log(`loss ${step.loss.toFixed(10)}, ${step.nodes.length} graph nodes:`);
for (const node of step.nodes) {
  const named = node.names.length > 0 ? ` (${node.names.join(" = ")})` : "";
  const grad = node.grad === null ? "" : `  grad ${show(node.grad)}`;
  console.log(`  #${node.index} ${node.kind} ${node.label}${named} <- [${node.inputs.join(", ")}]  value ${show(node.value)}${grad}`);
}
console.log("The documents' quantities, autograd against the manual formulas:");
for (const c of step.comparisons!) {
  const gradient = c.gradientName === null ? "" : `; ${c.gradientName} = ${c.gradientFormula ?? "(skipped by the formulas)"}, |Δ| ${c.gradDiff?.toExponential(1) ?? "-"}`;
  console.log(`  ${c.name} = ${c.formula}: ${show(c.value.autograd)}, |Δ| ${c.valueDiff.toExponential(1)}${gradient}`);
}
// Each unit's picture in the page is its layer's output over a grid of inputs; here, over two points.
layerOutputs(mlp, tensor([[1, 0.5], [-1, 0]], { dtype: "float64" })).forEach((out, i) => console.log(`layer ${i + 1} outputs ${show(out.data)}`));
