// A 12-layer MLP: plain sigmoid's first-layer gradient vanishes; ReLU + He, batch norm and residuals keep it.
import { MLP, type MLPOptions, SGD, createRng, fit, predict, tensor } from "dagrad";

// 256 points in [-1.5, 1.5]², label 1 inside the circle x² + y² < 1.1.
const rng = createRng(7);
const points: number[][] = [];
for (let i = 0; i < 256; i++) points.push([rng() * 3 - 1.5, rng() * 3 - 1.5]);
const labels = points.map(([a, b]) => (a! * a! + b! * b! < 1.1 ? 1 : 0));
// float64: in float32 this chaotic training's outcome turns on last bits (see below).
const data = { x: tensor(points, { dtype: "float64" }), y: tensor(labels.map((v) => [v]), { dtype: "float64" }) };

const runs: [string, Omit<MLPOptions, "sizes">][] = [
  ["sigmoid, xavier", { activation: "sigmoid", init: "xavier" }],
  ["relu, he", { activation: "relu", init: "he" }],
  ["sigmoid, xavier, batchNorm", { activation: "sigmoid", init: "xavier", batchNorm: true }],
  ["sigmoid, xavier, residual", { activation: "sigmoid", init: "xavier", residual: true }],
];
for (const [name, options] of runs) {
  // 11 hidden layers of 16, sigmoid output, BCE, SGD lr 0.1 with momentum 0.9, 300 epochs.
  const mlp = new MLP({ sizes: [2, ...Array<number>(11).fill(16), 1], outputActivation: "sigmoid", seed: 3, dtype: "float64", ...options });
  const history = fit(mlp, data, { loss: "bce", optimizer: new SGD(mlp.parameters(), { lr: 0.1, momentum: 0.9 }), epochs: 300 });
  const norms = history.epochs[0]!.gradNorms;
  const first = norms[mlp.linears[0]!.weight.name!]!;
  const last = norms[mlp.linears.at(-1)!.weight.name!]!;
  const correct = Array.from(predict(mlp, data.x).data).filter((p, i) => (p > 0.5 ? 1 : 0) === labels[i]).length;
  console.log(
    `${name.padEnd(27)} epoch-1 |dW first| ${first.toExponential(2)}  |dW last| ${last.toExponential(2)}  ` +
      `loss ${history.epochs[0]!.loss.toFixed(3)} -> ${history.epochs.at(-1)!.loss.toFixed(3)}  accuracy ${(correct / labels.length).toFixed(3)}`,
  );
}
console.log(`majority class: ${(Math.max(labels.filter((v) => v === 1).length, labels.filter((v) => v === 0).length) / labels.length).toFixed(3)}`);
