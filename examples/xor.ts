// XOR with a module written as in PyTorch: fields are registered, fit trains it.
import { Linear, Module, SGD, type Tensor, fit, predict, tensor } from "dagrad";

class XorNet extends Module {
  hidden = new Linear(2, 4, { init: "xavier", seed: 1 });
  out = new Linear(4, 1, { init: "xavier", seed: 2 });
  forward(x: Tensor): Tensor {
    return this.out.forward(this.hidden.forward(x).tanh()).sigmoid();
  }
}

const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);
const net = new XorNet();
console.log(net.namedParameters().map(([name, p]) => `${name} [${p.shape.join(",")}]`).join(", "));
fit(net, { x, y }, { loss: "bce", optimizer: new SGD(net.parameters(), { lr: 0.5, momentum: 0.9 }), epochs: 300, metrics: ["accuracy"], logEvery: 100 });
console.log(Array.from(predict(net, x).data, (p) => p.toFixed(4)).join(" "));
