// What nn refuses: a value that cannot mean anything gets an error that names it and says what to do.
import { DagradError, MLP, SGD, bceLoss, fit, nllLoss, tensor } from "dagrad";

const net = new MLP({ sizes: [2, 1], seed: 1 });
const attempts: (() => unknown)[] = [
  () => bceLoss(tensor([[0.2], [0.9]]), tensor([[0], [2]])),
  () => nllLoss(tensor([[0.3, -1]]), tensor([0])),
  // `as never` lets these misspelt options past tsc, as plain JavaScript would pass them.
  () => new SGD(net.parameters(), { lr: 0.1, momentun: 0.9 } as never),
  () => fit(net, { x: tensor([[1, 2]]), y: tensor([[1]]) }, { loss: "mse", optimizer: new SGD(net.parameters(), { lr: 0.1 }), batchsize: 8 } as never),
  () => fit(net, { x: tensor([[1, 2]]), y: tensor([[1]]) }, { loss: "mse", optimizer: new SGD(new MLP({ sizes: [2, 1] }).parameters(), { lr: 0.1 }) }),
  () => new SGD(net.parameters(), { lr: 0.1, momentum: 1 }),
];
for (const attempt of attempts) {
  try {
    attempt();
  } catch (e) {
    if (!(e instanceof DagradError)) throw e;
    console.log(`${e.name}: ${e.message}`);
  }
}
