// dagrad predict: class probabilities of a saved run for new points, given on
// the command line or as a CSV file of feature columns.
import { readFileSync } from "node:fs";
import { Tensor } from "../../autograd/index.js";
import { type CommandSpec, UsageError, type Values, noPositionals, optionalString, stringOption } from "../args.js";
import { type Command, print } from "../command.js";
import { readRun } from "../run-folder.js";
import { applyScaling, predictedClasses, probabilities } from "../setup.js";

const spec: CommandSpec = {
  name: "predict",
  summary: "predict classes for new points with a saved run",
  usage: "dagrad predict --run runs/moons --input \"0.5,0.2;1.5,-0.4\"  |  --csv points.csv",
  options: [
    { name: "run", type: "string", value: "DIR", help: "run folder written by dagrad train", default: "runs/moons" },
    { name: "input", type: "string", value: "ROWS", help: "points in the original (unscaled) units: features comma-separated, points separated by ;" },
    { name: "csv", type: "string", value: "PATH", help: "file with one point per line, features comma-separated (no label column)" },
  ],
  notes: "Example:\n  dagrad predict --run runs/moons --input \"0,0.5;1,-0.5\"",
};

function parseRows(text: string, source: string, features: number): number[][] {
  const rows = text.split(/[;\n]/).map((r) => r.trim()).filter((r) => r !== "");
  if (rows.length === 0) throw new UsageError(`${source} holds no points`);
  return rows.map((row, i) => {
    const cells = row.split(",").map((c) => Number(c.trim()));
    if (cells.length !== features || cells.some((v) => !Number.isFinite(v))) {
      throw new UsageError(`${source}: point ${i + 1} "${row}" must be ${features} comma-separated numbers`);
    }
    return cells;
  });
}

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const dir = stringOption(values, "run");
  const input = optionalString(values, "input");
  const csv = optionalString(values, "csv");
  if ((input === undefined) === (csv === undefined)) throw new UsageError("give exactly one of --input or --csv (see dagrad predict --help)");
  const { config, model } = readRun(dir);
  const features = config.model.sizes[0]!;
  let text = input ?? "";
  if (csv !== undefined) {
    try {
      text = readFileSync(csv, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read ${csv}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const rows = parseRows(text, csv ?? "--input", features);
  const x = applyScaling(new Tensor(Float32Array.from(rows.flat()), [rows.length, features]), config.scaling);
  const probs = probabilities(model, x, config.task);
  const classes = predictedClasses(probs, rows.length);
  const perRow = probs.length / rows.length;
  rows.forEach((row, r) => {
    const p = Array.from(probs.subarray(r * perRow, (r + 1) * perRow), (v) => v.toFixed(4));
    const shown = perRow === 1 ? `p(class 1) = ${p[0]}` : `p = [${p.join(", ")}]`;
    print(`[${row.join(", ")}] -> class ${classes[r]} (${shown})`);
  });
  return 0;
}

export const predict: Command = { spec, run };
