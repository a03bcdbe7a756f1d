// A training step captured once and replayed: same numbers as the graph, without its per-op cost.
import { MLP, SGD, type Tensor, accuracy, bceWithLogitsLoss, captureStep, moons, zeros } from "dagrad";

const data = moons({ n: 500, noise: 0.1, seed: 1 });
const batch = 50;

function train(captured: boolean): { net: MLP; losses: number[] } {
  const net = new MLP({ sizes: [2, 16, 16, 1], activation: "tanh", seed: 2 });
  const optimizer = new SGD(net.parameters(), { lr: 0.5 });
  // The step's inputs: the same two tensors every step, refilled in place.
  const x = zeros([batch, 2]);
  const y = zeros([batch, 1]);
  const step = captureStep(() => bceWithLogitsLoss(net.forward(x), y));
  const losses: number[] = [];
  for (let epoch = 0; epoch < 20; epoch++) {
    let total = 0;
    for (let start = 0; start < 500; start += batch) {
      x.data.set(data.x.data.subarray(2 * start, 2 * (start + batch)));
      y.data.set(data.y.data.subarray(start, start + batch));
      let loss: Tensor;
      if (captured) {
        loss = step.run(); // records on the first run, checks the second against the graph, then replays
      } else {
        optimizer.zeroGrad();
        loss = bceWithLogitsLoss(net.forward(x), y);
        loss.backward();
      }
      optimizer.step();
      total += loss.item();
    }
    losses.push(total / 10);
  }
  if (captured) console.log(`a replay is ${step.recordedCalls} kernel calls`);
  return { net, losses };
}

const eager = train(false);
const captured = train(true);
console.log("epoch 20 loss:", captured.losses[19]!.toFixed(6), "identical to the graph's:", captured.losses.every((l, i) => l === eager.losses[i]));
console.log("accuracy:", accuracy(captured.net.forward(data.x), data.y, { fromLogits: true }).toFixed(3));
