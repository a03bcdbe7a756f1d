// XOR with an MLP: build, train with fit, predict, and read the last epoch's gradient norms.
import { MLP, SGD, fit, predict, tensor } from "dagrad";

const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);
const mlp = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", init: "xavier", seed: 1 });
console.log(mlp.toString());
const history = fit(mlp, { x, y }, {
  loss: "bce",
  optimizer: new SGD(mlp.parameters(), { lr: 0.5, momentum: 0.9 }),
  epochs: 300,
  metrics: ["accuracy"],
  logEvery: 100,
});
console.log(predict(mlp, x).toArray());
console.log(history.epochs.at(-1)!.gradNorms);
