// dagrad activations: each activation and its derivative on [-5, 5], as in
// 000 section 1. The derivatives come from autograd (backward of the sum), so
// the picture also shows what the engine computes.
import { join } from "node:path";
import { writeFileAtomic } from "../../node/files.js";
import { type Tensor, linspace } from "../../autograd/index.js";
import { type Figure, lineChart, smallMultiples, toSvg } from "../../report/index.js";
import { type CommandSpec, type Values, noPositionals, stringOption } from "../args.js";
import { type Command, print } from "../command.js";
import { ensureFolder } from "../run-folder.js";

const spec: CommandSpec = {
  name: "activations",
  summary: "plot each activation function and its derivative (computed by autograd)",
  usage: "dagrad activations [--out runs/activations]",
  options: [{ name: "out", type: "string", value: "DIR", help: "folder for activations.svg", default: "runs/activations" }],
  notes: "Example:\n  dagrad activations --out runs/activations",
};

interface Activation {
  name: string;
  symbol: string;
  apply: (z: Tensor) => Tensor;
  references: number[];
}

const ACTIVATIONS: readonly Activation[] = [
  { name: "Sigmoid", symbol: "σ", apply: (z) => z.sigmoid(), references: [0, 1] },
  { name: "Tanh", symbol: "tanh", apply: (z) => z.tanh(), references: [-1, 0, 1] },
  { name: "ReLU", symbol: "ReLU", apply: (z) => z.relu(), references: [0] },
  { name: "Leaky ReLU (slope 0.1)", symbol: "leakyReLU", apply: (z) => z.leakyRelu(0.1), references: [0] },
  { name: "Softplus", symbol: "softplus", apply: (z) => z.softplus(), references: [0] },
];

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const out = stringOption(values, "out");
  const functions: Figure[] = [];
  const derivatives: Figure[] = [];
  for (const a of ACTIVATIONS) {
    const z = linspace(-5, 5, 201, { dtype: "float64", requiresGrad: true });
    const y = a.apply(z);
    y.sum().backward();
    const zs = Array.from(z.data);
    const dy = Array.from(z.grad!.data);
    const size = { width: 300, height: 240 };
    functions.push(lineChart({ title: a.name, xLabel: "z", yLabel: `${a.symbol}(z)`, series: [{ name: `${a.symbol}(z)`, x: zs, y: Array.from(y.data) }], referenceLines: a.references, ...size }));
    derivatives.push(lineChart({ title: `${a.name} derivative`, xLabel: "z", yLabel: `${a.symbol}'(z)`, series: [{ name: `${a.symbol}'(z)`, x: zs, y: dy, color: "#d62728" }], referenceLines: [0], ...size }));
    const peak = dy.reduce((best, v, i) => (v > dy[best]! ? i : best), 0);
    print(`${a.name.padEnd(24)} derivative max ${dy[peak]!.toFixed(4)} at z = ${zs[peak]!.toFixed(2)}; at z = -5: ${dy[0]!.toExponential(2)}, at z = 5: ${dy[dy.length - 1]!.toExponential(2)}`);
  }
  ensureFolder(out);
  const path = join(out, "activations.svg");
  writeFileAtomic(path, toSvg(smallMultiples("Activation functions (top) and their derivatives from autograd (bottom)", [...functions, ...derivatives], ACTIVATIONS.length)));
  print(`Wrote ${path}`);
  return 0;
}

export const activations: Command = { spec, run };
