// NaN goes through every op as in PyTorch, masks are wheres, and zero-size dimensions work.
import { DagradError, linear, ones, tensor, zeros } from "dagrad";

const x = tensor([-1, NaN, 2], { requiresGrad: true });
console.log("relu", x.relu().toArray(), "clamp", x.clamp(0, 1).toArray(), "maximum", x.maximum(0).toArray());
console.log("max", x.max().item(), "argmax", x.argmax().item());
x.relu().sum().backward();
console.log("relu's gradient passes at NaN:", x.grad!.toArray());

// A where-mask gives exactly 0 off the mask, even for an infinite upstream gradient (0 * Infinity would be NaN).
const y = tensor([-5, 0.5], { requiresGrad: true });
y.clamp(0, 1).backward(tensor([Infinity, Infinity]));
console.log("clamp's gradient of an infinite upstream:", y.grad!.toArray());

const empty = zeros([2, 0]);
console.log("linear without inputs:", linear(zeros([3, 0]), zeros([2, 0]), tensor([1, 2])).toArray());
console.log("[2,0] · [0,3]:", empty.matmul(zeros([0, 3])).toArray());
console.log("sum", empty.sum().item(), "mean", empty.mean().item(), "logsumexp", empty.logsumexp().item(), "softmax", empty.softmax(1).shape);
for (const attempt of [() => empty.max(1), () => empty.reshape(-1, 0), () => ones([2, 3]).reshape(-1, 0)]) {
  try {
    console.log(attempt().shape);
  } catch (e) {
    if (!(e instanceof DagradError)) throw e;
    console.log(`${e.name}: ${e.message}`);
  }
}
