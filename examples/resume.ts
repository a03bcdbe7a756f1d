// Stop a run and continue it later: model, optimizer and scheduler state, bit for bit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Adam, AdamW, MLP, StateDictError, StepLR, fit, tensor } from "dagrad";
import { loadModule, saveModule } from "dagrad/node";

const folder = mkdtempSync(join(tmpdir(), "dagrad-resume-"));
process.on("exit", () => rmSync(folder, { recursive: true, force: true }));
process.chdir(folder);
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tensor([[0], [1], [1], [0]]);
const make = () => {
  const net = new MLP({ sizes: [2, 2, 1], activation: "tanh", seed: 1 });
  const optimizer = new Adam(net.parameters(), { lr: 0.01 });
  return { net, optimizer, scheduler: new StepLR(optimizer, { stepSize: 10, gamma: 0.5 }) };
};

// 20 epochs, then save the model and the training state.
const first = make();
fit(first.net, { x, y }, { loss: "mse", optimizer: first.optimizer, scheduler: first.scheduler, epochs: 20 });
saveModule(first.net, "net.json");
writeFileSync("training.json", JSON.stringify({ optimizer: first.optimizer.stateDict(), scheduler: first.scheduler.stateDict() }));

// Later, in a new process: build the same objects, then load into them, and train 10 more epochs.
const saved = JSON.parse(readFileSync("training.json", "utf8"));
const net2 = loadModule(new MLP({ sizes: [2, 2, 1], activation: "tanh" }), "net.json");
const optimizer2 = new Adam(net2.parameters(), { lr: 0.01 });
const scheduler2 = new StepLR(optimizer2, { stepSize: 10, gamma: 0.5 });
optimizer2.loadStateDict(saved.optimizer);
scheduler2.loadStateDict(saved.scheduler);
fit(net2, { x, y }, { loss: "mse", optimizer: optimizer2, scheduler: scheduler2, epochs: 30, initialEpoch: 20 });

// The same 30 epochs in one go.
const once = make();
fit(once.net, { x, y }, { loss: "mse", optimizer: once.optimizer, scheduler: once.scheduler, epochs: 30 });
const bits = (net: MLP) => net.parameters().flatMap((p) => Array.from(p.data));
console.log("20 + 10 epochs equal 30 in one go, bit for bit:", bits(net2).every((v, i) => Object.is(v, bits(once.net)[i])));

const state = first.optimizer.stateDict();
console.log(JSON.stringify({ ...state, state: { 3: state.state[3] } }));
console.log(JSON.stringify(first.scheduler.stateDict()));

for (const load of [
  () => new AdamW(net2.parameters()).loadStateDict(saved.optimizer),
  () => new Adam(new MLP({ sizes: [2, 5, 1] }).parameters()).loadStateDict(saved.optimizer),
  () => new StepLR(new Adam(net2.parameters()), { stepSize: 5 }).loadStateDict(saved.scheduler),
]) {
  try {
    load();
  } catch (e) {
    if (!(e instanceof StateDictError)) throw e;
    console.log(e.message);
  }
}
