// Autograd against the hand-derived backprop formulas and central differences, per parameter.
import { MLP, compareGradients, comparisonTable, tensor } from "dagrad";

// A 4-layer tanh MLP with a sigmoid output, float64, and one batch of 8 samples.
const mlp = new MLP({ sizes: [3, 8, 8, 8, 1], activation: "tanh", outputActivation: "sigmoid", dtype: "float64", seed: 1 });
const x = tensor([[0.5, -1, 2], [1, 0.3, -0.7], [-1.2, 0.8, 0.1], [0, 0, 1], [2, -2, 0.5], [-0.3, -0.9, 1.4], [1.1, 1.1, -1.1], [0.2, 0.4, 0.6]], { dtype: "float64" });
const y = tensor([[1], [0], [1], [0], [1], [1], [0], [0]], { dtype: "float64" });
console.log(comparisonTable(compareGradients(mlp, x, y, { loss: "bce" })));
