// A two-layer net's gradients by autograd, checked against central differences.
import { gradcheck, tensor } from "dagrad";

const x = tensor([[1, 2]], { dtype: "float64" });
const W1 = tensor([[0.1, 0.2], [0.3, 0.4]], { dtype: "float64", requiresGrad: true });
const W2 = tensor([[0.5, 0.6]], { dtype: "float64", requiresGrad: true });

const h = x.matmul(W1.mT).relu();           // records matmul, mT and relu in the DAG
const yHat = h.matmul(W2.mT);
const loss = yHat.sub(1).square().sum().mul(0.5);
loss.backward();                             // reverse-mode sweep in topological order

console.log("loss", loss.item());
console.log("dL/dW1", W1.grad!.toArray());
console.log("dL/dW2", W2.grad!.toArray());
const check = gradcheck((a, b) => x.matmul(a.mT).relu().matmul(b.mT).sub(1).square().sum().mul(0.5), [W1, W2]);
console.log("gradcheck", check.passed ? "passed" : "FAILED", "max relative error", check.maxRelativeError.toExponential(1));
