// Minibatches, validation, a cosine schedule and gradient clipping in one fit call.
import { Adam, CosineAnnealingLR, MLP, crossEntropy, createRng, evaluate, fit, rand, tensor } from "dagrad";

// Three classes by quadrant: left half (0), upper right (1), lower right (2); labels [n].
function quadrants(n: number, seed: number) {
  const x = rand([n, 2], { rng: createRng(seed) }).mul(2).sub(1);
  const labels = Array.from({ length: n }, (_, i) => (x.data[2 * i]! < 0 ? 0 : x.data[2 * i + 1]! >= 0 ? 1 : 2));
  return { x, y: tensor(labels) };
}
const train = quadrants(500, 1);
const test = quadrants(100, 2);

const net = new MLP({ sizes: [2, 32, 32, 3], activation: "relu", init: "he", seed: 4 });
const optimizer = new Adam(net.parameters(), { lr: 0.01 });
fit(net, train, {
  loss: "crossEntropy", optimizer, epochs: 40, batchSize: 50, seed: 5,
  validation: test, metrics: ["accuracy"], scheduler: new CosineAnnealingLR(optimizer, { tMax: 40 }),
  clipGradNorm: 5, logEvery: 10,
});
console.log(evaluate(net, test, { loss: crossEntropy, metrics: ["accuracy"] }));
