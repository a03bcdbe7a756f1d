// Split, scale (fitted on the training part only), batch, and encode labels.
import { DataLoader, type Dataset, MinMaxScaler, StandardScaler, moons, oneHot, tensor, trainTestSplit } from "dagrad";

const { x, y } = moons({ n: 300, noise: 0.2, seed: 42 });
const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, seed: 42, stratify: true });
console.log(`xTrain [${xTrain.shape}], xTest [${xTest.shape}]; class 1: ${yTrain.sum().item()} in train, ${yTest.sum().item()} in test`);

const scaler = new StandardScaler().fit(xTrain);   // fit on the training split only
const fixed = (values: Float64Array) => Array.from(values, (v) => v.toFixed(4)).join(", ");
console.log(`scaler.mean [${fixed(scaler.mean!)}], scaler.std [${fixed(scaler.std!)}]`);

const loader = new DataLoader({ x: scaler.transform(xTrain), y: yTrain }, { batchSize: 32, shuffle: true, seed: 0 });
const labelsOf = (batches: Iterable<Dataset>) => Array.from(batches, (b) => Array.from(b.y.data).join("")).join(" ");
const first = labelsOf(loader);   // one for-of is one epoch: epoch 0
console.log(`loader.length ${loader.length}; batch sizes [${Array.from(loader.epoch(0), (b) => b.x.shape[0]).join(",")}]`);
console.log("epoch 0 replayed:", labelsOf(loader.epoch(0)) === first, "| epoch 1 is another order:", labelsOf(loader) !== first, "| nextEpoch", loader.nextEpoch);

console.log(JSON.stringify(new MinMaxScaler().fitTransform(tensor([[0], [5], [10]])).toArray()));
console.log(JSON.stringify(oneHot(tensor([0, 2, 1])).toArray()));
