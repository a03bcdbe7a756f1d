// Save and load a model: every value bit for bit, and a file that does not fit changes nothing.
// Files are Node's (dagrad/node); stateDictToJson / stateDictFromJson give the same text anywhere.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DagradError, MLP, SGD, fit, predict, stateDictFromJson, stateDictToJson, tensor } from "dagrad";
import { loadModule, saveModule } from "dagrad/node";

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

saveModule(mlp, "xor.json");
console.log(readFileSync("xor.json", "utf8").slice(0, 120) + "...");
const copy = loadModule(new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", seed: 99 }), "xor.json");
const same = predict(copy, x).data.every((v, i) => Object.is(v, predict(mlp, x).data[i]));
console.log("the copy predicts the same four outputs, bit for bit:", same);
const text = stateDictToJson(mlp.stateDict());   // what a page keeps in localStorage
console.log("the same text as the file:", text === readFileSync("xor.json", "utf8"));
new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid" }).loadStateDict(stateDictFromJson(text, { source: "localStorage" }));

attempt(() => saveModule(mlp, "runs/xor/model.json"));
mkdirSync("runs/xor", { recursive: true });
saveModule(mlp, "runs/xor/model.json");

const diverged = new MLP({ sizes: [2, 8, 1], seed: 3 });
diverged.linears[1]!.weight.data[2] = NaN;
saveModule(diverged, "diverged.json");
attempt(() => loadModule(new MLP({ sizes: [2, 8, 1] }), "diverged.json"));
console.log("allowNonFinite:", loadModule(new MLP({ sizes: [2, 8, 1] }), "diverged.json", { allowNonFinite: true }).linears[1]!.weight.data[2]);

const smaller = new MLP({ sizes: [2, 4, 1], seed: 5 });
const before = smaller.linears[0]!.weight.data.slice();
attempt(() => loadModule(smaller, "xor.json"));
console.log("unchanged:", smaller.linears[0]!.weight.data.every((v, i) => v === before[i]));

writeFileSync("broken.json", '{"format":"dagrad.stat');
attempt(() => loadModule(new MLP({ sizes: [2, 8, 1] }), "broken.json"));
