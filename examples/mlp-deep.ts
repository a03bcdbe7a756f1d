// An MLP of any depth with an activation per hidden layer and the remedies for deep nets.
import { MLP } from "dagrad";

const deep = new MLP({
  sizes: [2, 32, 32, 32, 3], activation: ["relu", "leakyRelu", "tanh"], init: "he",
  batchNorm: true, residual: true, dropout: 0.1, seed: 2,
});
console.log(deep.toString());
console.log(deep.activations.join(" "), "| plain:", deep.isPlain, "| parameters:", deep.parameterCount());
