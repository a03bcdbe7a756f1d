// XOR and AND learned by small MLPs (002's sigmoid MLP stays at 0.5 on XOR; these do not).
import { MLP, SGD, fit, init, predict, tensor } from "dagrad";

const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const show = (mlp: MLP) => Array.from(predict(mlp, x).data, (p) => p.toFixed(4)).join(" ");

// 2-4-1, sigmoid output, BCE, full-batch SGD for 2500 epochs.
for (const [hidden, lr] of [["tanh", 0.5], ["sigmoid", 1]] as const) {
  const mlp = new MLP({ sizes: [2, 4, 1], activation: hidden, outputActivation: "sigmoid", init: "xavier", seed: 1 });
  fit(mlp, { x, y: tensor([[0], [1], [1], [0]]) }, { loss: "bce", optimizer: new SGD(mlp.parameters(), { lr }), epochs: 2500 });
  console.log(`XOR ${hidden}: ${show(mlp)}`);
}

// 003's network: 2-4-1, ReLU, sigmoid output, weights N(0, 0.5²), zero biases, SGD lr 0.1, 5000 epochs.
const mlp = new MLP({ sizes: [2, 4, 1], activation: "relu", outputActivation: "sigmoid", init: (w, rng) => { init.normal(w, 0, 0.5, { rng }); }, seed: 42 });
const history = fit(mlp, { x, y: tensor([[0], [0], [0], [1]]) }, { loss: "bce", optimizer: new SGD(mlp.parameters(), { lr: 0.1 }), epochs: 5000 });
console.log(`AND relu: ${show(mlp)}  loss ${history.epochs[0]!.loss.toFixed(3)} -> ${history.epochs.at(-1)!.loss.toFixed(3)}`);
