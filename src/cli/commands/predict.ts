// dagrad predict: the class of new points by a saved run, given on the command
// line or as a CSV file of feature columns, with the probabilities where the
// model's outputs are ones (else its output values, named as such).
import { readFileSync } from "node:fs";
import { Tensor } from "../../autograd/index.js";
import { predict as predictOutputs } from "../../nn/index.js";
import { type CommandSpec, UsageError, type Values, noPositionals, optionalString, stringOption } from "../args.js";
import { type Command, print } from "../command.js";
import { readRun } from "../run-folder.js";
import { applyScaling, runHead } from "../setup.js";

const spec: CommandSpec = {
  name: "predict",
  summary: "predict classes (or values, for regression) for new points with a saved run",
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
    const cells = row.split(",").map((c) => c.trim());
    const numbers = cells.map(Number);
    if (cells.length !== features || cells.some((c) => c === "") || numbers.some((v) => !Number.isFinite(v))) {
      throw new UsageError(`${source}: point ${i + 1} "${row}" must be ${features} comma-separated numbers`);
    }
    return numbers;
  });
}

async function run({ values, positionals }: { values: Values; positionals: string[] }): Promise<number> {
  noPositionals(spec, positionals);
  const dir = stringOption(values, "run");
  const input = optionalString(values, "input");
  const csv = optionalString(values, "csv");
  if ((input === undefined) === (csv === undefined)) throw new UsageError("give exactly one of --input or --csv (see dagrad predict --help)");
  const { config, model } = readRun(dir);
  const head = runHead(dir, config);
  const features = config.model.sizes[0]!;
  let text = input ?? "";
  if (csv !== undefined) {
    try {
      text = readFileSync(csv, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read ${csv}: ${(e as Error).message}`);
    }
  }
  const rows = parseRows(text, csv ?? "--input", features);
  const x = applyScaling(new Tensor(Float32Array.from(rows.flat()), [rows.length, features]), config.scaling);
  const outOfRange = x.data.findIndex((v) => !Number.isFinite(v));
  if (outOfRange >= 0) {
    const r = Math.floor(outOfRange / features);
    throw new UsageError(`${csv ?? "--input"}: point ${r + 1} [${rows[r]!.join(", ")}] is too large for the model's float32 inputs${config.scaling ? " once scaled" : ""} (at most about 3.4e38)`);
  }
  const scores = predictOutputs(model, x);
  const width = head.outputs;
  const outputsOf = (r: number) => scores.data.subarray(r * width, (r + 1) * width);
  // A class read off an infinite or NaN output would be an accident of the rule, not a prediction.
  const finite = rows.map((_, r) => outputsOf(r).every(Number.isFinite));
  const kept = rows.map((_, r) => r).filter((r) => finite[r]);
  const keptScores = kept.length === rows.length ? scores : scores.indexSelect(kept);
  if (head.task === "regression") {
    rows.forEach((row, r) => {
      const v = outputsOf(r)[0]!;
      print(finite[r] ? `[${row.join(", ")}] -> ${v.toFixed(4).replace(/^-(0\.0+)$/, "$1")}` : `[${row.join(", ")}] -> no prediction: the model's output is ${v}, not a finite number`);
    });
    return reportNotFinite(dir, rows.length, kept.length);
  }
  const classes = head.classify(keptScores);
  const probabilities = head.probabilities(keptScores);
  const shown = probabilities ?? keptScores.data;
  rows.forEach((row, r) => {
    if (!finite[r]) {
      print(`[${row.join(", ")}] -> no prediction: the model's output is ${Array.from(outputsOf(r), String).join(", ")}, not a finite number`);
      return;
    }
    const k = kept.indexOf(r);
    // A tiny negative output would read "-0.0000".
    const v = Array.from(shown.subarray(k * width, (k + 1) * width), (n) => n.toFixed(4).replace(/^-(0\.0+)$/, "$1"));
    const what = probabilities === null
      ? (width === 1 ? `output ${v[0]}, class 1 above 0.5` : `outputs [${v.join(", ")}]`)
      : (width === 1 ? `p(class 1) = ${v[0]}` : `p = [${v.join(", ")}]`);
    print(`[${row.join(", ")}] -> class ${classes[k]} (${what})`);
  });
  return reportNotFinite(dir, rows.length, kept.length);
}

/** Exit code 1, with a line on stderr, when some points got no prediction. */
function reportNotFinite(dir: string, rows: number, kept: number): number {
  if (kept === rows) return 0;
  process.stderr.write(`dagrad: the model in ${dir} gave ${rows - kept} of ${rows} points outputs that are not finite numbers, so it predicts nothing for them (metrics.json says whether its training diverged)\n`);
  return 1;
}

export const predict: Command = { spec, run };
