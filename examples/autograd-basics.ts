// The DAG in a few lines: record, walk, sweep backward, read the gradient.
import { tensor } from "dagrad";

const x = tensor([[1, 2]], { dtype: "float64" });
const W1 = tensor([[0.1, 0.3], [0.2, 0.4]], { dtype: "float64", requiresGrad: true });
const z1 = x.matmul(W1);            // records matmul in the DAG
const h = z1.relu();
const loss = h.sum();
console.log(loss.op, "<-", h.op, "<-", z1.op, "<-", z1.inputs.map((t) => (t.isLeaf ? "leaf" : t.op)));
loss.backward();                    // reverse-mode sweep in topological order
console.log(W1.grad!.toArray());    // nested arrays, like the input
