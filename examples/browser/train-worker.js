// Runs in a Web Worker: the page stays responsive however long training takes.
import { Adam, MLP, accuracy, crossEntropy, getGemmThreads, spirals, warmUpGemm } from "./dagrad.js";

// Large products use a second thread where the page is cross-origin isolated.
await warmUpGemm();
postMessage(`cross-origin isolated: ${crossOriginIsolated}, threads for large products: ${getGemmThreads()}`);

const { x, y } = spirals({ n: 1500, classes: 3, noise: 0.05, seed: 1 });
const model = new MLP({ sizes: [2, 128, 128, 3], activation: "relu", seed: 1 });
const optimizer = new Adam(model.parameters(), { lr: 0.01 });
for (let step = 1; step <= 60; step++) {
  optimizer.zeroGrad();
  const logits = model.forward(x);
  const loss = crossEntropy(logits, y);
  loss.backward();
  optimizer.step();
  if (step % 20 === 0) postMessage(`step ${step}: loss ${loss.item().toFixed(4)}, accuracy ${(100 * accuracy(logits, y)).toFixed(1)}%`);
}
postMessage("done");
