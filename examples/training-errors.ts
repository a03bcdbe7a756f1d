// fit stops with a TrainingError as soon as the loss, a gradient or a weight stops being a number.
import { AnomalyError, Linear, MLP, SGD, type Tensor, TrainingError, detectAnomaly, fit, tensor } from "dagrad";

function report(train: () => unknown): void {
  try {
    train();
  } catch (e) {
    if (e instanceof TrainingError) console.log(`[${e.reason}${e.parameter === undefined ? "" : ` ${e.parameter}`}, epoch ${e.epoch}, step ${e.step}] ${e.message}`);
    else if (e instanceof AnomalyError) console.log(`${e.name}: ${e.message.split("\n")[0]}`);
    else throw e;
  }
}

// "loss": an input of 1e30 makes the squared error overflow float32.
const bad = new MLP({ sizes: [2, 8, 1], seed: 6 });
const data = { x: tensor([[1, 2], [3, 1e30]]), y: tensor([[1], [0]]) };
report(() => fit(bad, data, { loss: "mse", optimizer: new SGD(bad.parameters(), { lr: 1 }), epochs: 10 }));

// "gradient": the distance ||ŷ - y|| is finite at ŷ = y, but sqrt's derivative there is not.
const exact = new Linear(1, 1, { init: "zeros" });
const distance = (yHat: Tensor, y: Tensor) => yHat.sub(y).square().sum().sqrt();
report(() => fit(exact, { x: tensor([[1]]), y: tensor([[0]]) }, { loss: distance, optimizer: new SGD(exact.parameters(), { lr: 0.1 }) }));

// "weights": a finite gradient times a learning rate of 1e38 overflows the weight.
const line = new Linear(1, 1);
line.weight.data[0] = 1;
line.bias!.data[0] = 1;
report(() => fit(line, { x: tensor([[1]]), y: tensor([[0]]) }, { loss: "mse", optimizer: new SGD(line.parameters(), { lr: 1e38 }) }));

// Inside detectAnomaly the first op that makes a NaN or an infinity throws instead.
report(() => detectAnomaly(() => fit(bad, data, { loss: "mse", optimizer: new SGD(bad.parameters(), { lr: 1 }) })));
