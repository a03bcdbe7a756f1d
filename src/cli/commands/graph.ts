// dagrad graph: the autograd DAG of a small model's loss, after backward, as
// Graphviz DOT (printed, and saved as graph.dot) and as an SVG picture.
import { join } from "node:path";
import { writeFileAtomic } from "../../node/files.js";
import { toDot } from "../../autograd/index.js";
import { LOSSES, MLP, type Module, mlpOfManualLayers } from "../../nn/index.js";
import { dagFigure, toSvg } from "../../report/index.js";
import { type CommandSpec, type Values, choiceOption, intListOption, integerOption, noPositionals, stringOption } from "../args.js";
import { type Command, print } from "../command.js";
import { ensureFolder } from "../run-folder.js";
import { ACTIVATIONS, OUTPUTS } from "../setup.js";
import { EXAMPLES, matrix, randomBatch } from "../worked-examples.js";

const GRAPH_LOSSES = ["bce", "bceWithLogits", "mse", "halfSquaredError"] as const;

const spec: CommandSpec = {
  name: "graph",
  summary: "the autograd graph of a small model's loss, as DOT text and as an SVG picture",
  usage: "dagrad graph [--layers 2] [--activation tanh] [--loss bce] [--out runs/graph]",
  options: [
    { name: "layers", type: "string", value: "2", help: "hidden widths of a random network (default: 000 section 7's network and weights)" },
    { name: "activation", type: "string", value: "NAME", help: `hidden activation: ${ACTIVATIONS.join(", ")}`, default: "tanh" },
    { name: "output", type: "string", value: "NAME", help: `output activation: ${OUTPUTS.join(", ")}`, default: "sigmoid" },
    { name: "loss", type: "string", value: "NAME", help: `loss: ${GRAPH_LOSSES.join(", ")}`, default: "bce" },
    { name: "samples", type: "string", value: "N", help: "rows in the random network's batch", default: "1" },
    { name: "seed", type: "string", value: "N", help: "seed of the random weights and batch", default: "1" },
    { name: "out", type: "string", value: "DIR", help: "folder for graph.dot and graph.svg", default: "runs/graph" },
  ],
  notes: "Examples:\n  dagrad graph                       # 000 section 7's 2-2-1 network\n  dagrad graph --layers 3,2 --activation relu --out runs/graph-relu\nRender the DOT yourself with: dot -Tpng runs/graph/graph.dot -o graph.png",
};

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const out = stringOption(values, "out");
  let model: Module;
  let batch: { x: number[][]; y: number[][] };
  let lossName: (typeof GRAPH_LOSSES)[number];
  let title: string;
  if (values.layers === undefined) {
    const example = EXAMPLES["000"];
    model = mlpOfManualLayers(example.layers);
    batch = { x: example.x, y: example.y };
    lossName = "bce";
    title = "Autograd graph of 000 section 7's network (BCE loss, after backward)";
  } else {
    const hidden = intListOption(values, "layers");
    const activation = choiceOption(values, "activation", ACTIVATIONS);
    const output = choiceOption(values, "output", OUTPUTS);
    lossName = choiceOption(values, "loss", GRAPH_LOSSES);
    const samples = integerOption(values, "samples", 1);
    const seed = integerOption(values, "seed", 0);
    model = new MLP({ sizes: [2, ...hidden, 1], activation, outputActivation: output, init: "xavier", dtype: "float64", seed });
    batch = randomBatch(lossName === "bceWithLogits" ? "bce" : lossName, samples, 2, 1, seed);
    title = `Autograd graph: MLP [${[2, ...hidden, 1].join(", ")}], ${activation} / ${output}, ${lossName} loss`;
  }
  const loss = LOSSES[lossName](model.forward(matrix(batch.x)), matrix(batch.y));
  // Keep the graph after backward, so the picture can show it with the gradients it produced.
  loss.backward(undefined, { retainGraph: true });
  const dot = toDot(loss, { gradNorms: true });
  ensureFolder(out);
  writeFileAtomic(join(out, "graph.dot"), dot);
  writeFileAtomic(join(out, "graph.svg"), toSvg(dagFigure(loss, title)));
  process.stdout.write(dot);
  print(`Wrote ${join(out, "graph.dot")} and ${join(out, "graph.svg")} (loss ${loss.item().toPrecision(10)})`);
  return 0;
}

export const graph: Command = { spec, run };
