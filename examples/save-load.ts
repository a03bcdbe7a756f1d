// Save and load a model: every value bit for bit, and a file that does not fit changes nothing.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DagradError, MLP, SGD, fit, predict, tensor } from "dagrad";

const folder = mkdtempSync(join(tmpdir(), "dagrad-save-"));
process.on("exit", () => rmSync(folder, { recursive: true, force: true }));
process.chdir(folder);  // the paths below are relative to this scratch folder
const attempt = (action: () => unknown): void => {
  try {
    action();
  } catch (e) {
    if (!(e instanceof DagradError)) throw e;
    console.log(`${e.name}: ${e.message}`);
  }
};

const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);
const mlp = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", init: "xavier", seed: 1 });
fit(mlp, { x, y }, { loss: "bce", optimizer: new SGD(mlp.parameters(), { lr: 0.5, momentum: 0.9 }), epochs: 300 });

mlp.save("xor.json");
console.log(readFileSync("xor.json", "utf8").slice(0, 120) + "...");
const copy = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", seed: 99 }).load("xor.json");
const same = predict(copy, x).data.every((v, i) => Object.is(v, predict(mlp, x).data[i]));
console.log("the copy predicts the same four outputs, bit for bit:", same);

attempt(() => mlp.save("runs/xor/model.json"));
mkdirSync("runs/xor", { recursive: true });
mlp.save("runs/xor/model.json");

const diverged = new MLP({ sizes: [2, 8, 1], seed: 3 });
diverged.linears[1]!.weight.data[2] = NaN;
diverged.save("diverged.json");
attempt(() => new MLP({ sizes: [2, 8, 1] }).load("diverged.json"));
console.log("allowNonFinite:", new MLP({ sizes: [2, 8, 1] }).load("diverged.json", { allowNonFinite: true }).linears[1]!.weight.data[2]);

const smaller = new MLP({ sizes: [2, 4, 1], seed: 5 });
const before = smaller.linears[0]!.weight.data.slice();
attempt(() => smaller.load("xor.json"));
console.log("unchanged:", smaller.linears[0]!.weight.data.every((v, i) => v === before[i]));

writeFileSync("broken.json", '{"format":"dagrad.stat');
attempt(() => new MLP({ sizes: [2, 8, 1] }).load("broken.json"));
