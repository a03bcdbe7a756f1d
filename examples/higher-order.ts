// Gradients of gradients: with createGraph the backward pass is itself a graph.
import { grad, tensor } from "dagrad";

const t = tensor([2], { dtype: "float64", requiresGrad: true });
const [dy] = grad(t.pow(3).sum(), [t], { createGraph: true });  // 3t² at t = 2
const [d2y] = grad(dy.sum(), [t]);                             // 6t at t = 2
console.log("dy", dy.item(), "d2y", d2y.item());

// A Hessian-vector product of f(x) = sum(x³): H v = 6 x ⊙ v.
const x = tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
const v = tensor([1, 0, -1], { dtype: "float64" });
const [g] = grad(x.pow(3).sum(), [x], { createGraph: true });
const [hv] = grad(g.mul(v).sum(), [x]);
console.log("Hv", hv.toArray());
