// The demo of `dagrad train` on both kernel backends: float64 gives the same bits, float32 differs in the last bits.
import { type DType, MLP, SGD, StandardScaler, fit, moons, setKernelBackend, trainTestSplit } from "dagrad";

// `dagrad train`'s defaults: moons, a standardised 80/20 split, [2, 8, 1] tanh/sigmoid, BCE, SGD lr 0.5 (2000 epochs).
function train(backend: "wasm" | "js", dtype: DType, epochs: number): { losses: number[]; weights: number[] } {
  setKernelBackend(backend);
  const { x, y } = moons({ n: 300, noise: 0.2, seed: 42, dtype });
  const { xTrain, yTrain } = trainTestSplit(x, y, { testSize: 0.2, seed: 42 });
  const mlp = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", init: "xavier", seed: 42, dtype });
  const history = fit(mlp, { x: new StandardScaler().fit(xTrain).transform(xTrain), y: yTrain }, { loss: "bce", optimizer: new SGD(mlp.parameters(), { lr: 0.5 }), epochs });
  return { losses: history.epochs.map((e) => e.loss), weights: mlp.parameters().flatMap((p) => Array.from(p.data)) };
}

for (const [dtype, epochs] of [["float64", 300], ["float32", 2000]] as const) {
  const wasm = train("wasm", dtype, epochs);
  const js = train("js", dtype, epochs);
  const differing = wasm.losses.filter((loss, i) => loss !== js.losses[i]);
  const largest = Math.max(0, ...wasm.losses.map((loss, i) => Math.abs(loss - js.losses[i]!) / loss));
  const sameWeights = wasm.weights.every((w, i) => Object.is(w, js.weights[i]));
  console.log(`${dtype}: the loss differs in ${differing.length} of ${epochs} epochs, by at most ${largest.toExponential(1)} of its value; ` +
    `last epoch ${wasm.losses.at(-1)!.toFixed(4)} (wasm) and ${js.losses.at(-1)!.toFixed(4)} (js); weights ${sameWeights ? "identical" : "differ"}`);
}
