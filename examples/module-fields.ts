// A module written as in PyTorch: its fields are its layers and weights.
import { Linear, Module, ReLU, type Tensor, tensor } from "dagrad";

class Net extends Module {
  fc1 = new Linear(2, 16);
  act = new ReLU();
  blocks: Linear[] = [];
  out = new Linear(16, 1);
  temperature = tensor([1], { requiresGrad: true });  // a parameter: a leaf that requires grad
  constructor(depth: number) {
    super();
    for (let i = 0; i < depth; i++) this.blocks.push(new Linear(16, 16));  // pushed after the assignment: still registered
  }
  forward(x: Tensor): Tensor {
    let h = this.act.forward(this.fc1.forward(x));
    for (const block of this.blocks) h = this.act.forward(block.forward(h));
    return this.out.forward(h).div(this.temperature);
  }
}

const net = new Net(2);
console.log(net.toString());
console.log(net.namedParameters().map(([name]) => name).join(" "));
console.log(net.forward(tensor([[0.5, -1]])).shape);
