// The settings form: its menus filled from the playground's own lists, and the
// PlaygroundConfig read from it and written into it.
import { DATASETS, type DatasetName, HIDDEN_ACTIVATIONS, INITS, type InitName, LOSS_NAMES, OPTIMIZERS, OUTPUT_NAMES, type OptimizerName, type PlaygroundConfig } from "../config.js";

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no element #${id}`);
  return element as T;
}

const DATASET_LABELS: Record<DatasetName, string> = {
  moons: "moons", circles: "circles", xor: "XOR (noisy corners)", spirals: "spirals (3 classes)", blobs: "blobs (3 classes)",
  xorTable: "XOR truth table (4 rows)", andTable: "AND truth table (4 rows)", custom: "points you click in",
};

const INIT_LABELS: Record<InitName, string> = {
  default: "PyTorch default U(±1/√in)", xavier: "Xavier uniform", he: "He (N(0, 2/in))", xavierNormal: "Xavier normal",
  kaimingUniform: "Kaiming uniform", zeros: "zeros", uniform01: "U[0, 1) weights and biases (002)", normal05: "N(0, 0.5²), zero biases (003)",
};

function fill(id: string, values: readonly string[], label: (v: string) => string = (v) => v): void {
  const select = byId<HTMLSelectElement>(id);
  select.replaceChildren(...values.map((v) => new Option(label(v), v)));
}

export function fillMenus(): void {
  fill("dataset", DATASETS, (v) => DATASET_LABELS[v as DatasetName]);
  fill("activation", HIDDEN_ACTIVATIONS);
  fill("output", OUTPUT_NAMES);
  fill("loss", LOSS_NAMES);
  fill("init", INITS, (v) => INIT_LABELS[v as InitName]);
  fill("optimizer", OPTIMIZERS);
}

const input = (id: string) => byId<HTMLInputElement>(id);
const select = (id: string) => byId<HTMLSelectElement>(id);
const number = (id: string) => Number(input(id).value);

/** Widths from "16, 16" (an empty field: no hidden layer); a word that is not a number reads as NaN, which the worker refuses by name. */
function widths(text: string): number[] {
  return text.trim() === "" ? [] : text.split(",").map((w) => Number(w.trim() === "" ? NaN : w));
}

/** The settings as the form holds them; the custom points are the page's own. */
export function readConfig(points: PlaygroundConfig["data"]["points"]): PlaygroundConfig {
  return {
    data: {
      dataset: select("dataset").value as DatasetName, samples: number("samples"), noise: number("noise"),
      testFraction: number("test-fraction"), seed: number("seed"), standardize: input("standardize").checked, points,
    },
    network: {
      hidden: widths(input("hidden").value), activation: select("activation").value as PlaygroundConfig["network"]["activation"],
      output: select("output").value as PlaygroundConfig["network"]["output"], loss: select("loss").value as PlaygroundConfig["network"]["loss"],
      reduction: select("reduction").value as "mean" | "sum", init: select("init").value as InitName,
      batchNorm: input("batch-norm").checked, residual: input("residual").checked, dropout: number("dropout"),
    },
    training: {
      optimizer: select("optimizer").value as OptimizerName, lr: number("lr"), momentum: number("momentum"),
      batchSize: number("batch-size"), clipNorm: number("clip-norm"), stopAt: number("stop-at"),
    },
  };
}

export function writeConfig({ data, network, training }: PlaygroundConfig): void {
  select("dataset").value = data.dataset;
  input("samples").value = String(data.samples);
  input("noise").value = String(data.noise);
  input("test-fraction").value = String(data.testFraction);
  input("seed").value = String(data.seed);
  input("standardize").checked = data.standardize;
  input("hidden").value = network.hidden.join(",");
  select("activation").value = network.activation;
  select("output").value = network.output;
  select("loss").value = network.loss;
  select("reduction").value = network.reduction;
  select("init").value = network.init;
  input("batch-norm").checked = network.batchNorm;
  input("residual").checked = network.residual;
  input("dropout").value = String(network.dropout);
  select("optimizer").value = training.optimizer;
  input("lr").value = String(training.lr);
  input("momentum").value = String(training.momentum);
  input("batch-size").value = String(training.batchSize);
  input("clip-norm").value = String(training.clipNorm);
  input("stop-at").value = String(training.stopAt);
}

/** The form element of a setting named as PlaygroundError names it ("network.hidden"), to mark it. */
export function controlElement(control: string): HTMLElement | null {
  const ids: Record<string, string> = {
    "data.samples": "samples", "data.noise": "noise", "data.testFraction": "test-fraction", "data.seed": "seed", "data.points": "boundary",
    "network.hidden": "hidden", "network.dropout": "dropout", "training.lr": "lr", "training.momentum": "momentum",
    "training.batchSize": "batch-size", "training.clipNorm": "clip-norm", "training.stopAt": "stop-at",
  };
  const id = ids[control];
  return id === undefined ? null : document.getElementById(id);
}
