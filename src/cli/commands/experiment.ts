// dagrad experiment hidden-sizes | activations | depth | init | lr: the source
// documents' comparisons, each as a table on stdout and a report folder.
import { join } from "node:path";
import { writeFileAtomic } from "../../node/files.js";
import { reportHtml } from "../../report/index.js";
import { type CommandSpec, type Parsed, UsageError, type Values, intListOption, integerOption, numberListOption, numberOption, optionalString } from "../args.js";
import { type Command, print } from "../command.js";
import { activationsExperiment } from "../experiments/activations.js";
import type { ExperimentResult, ExperimentSettings } from "../experiments/common.js";
import { depthExperiment } from "../experiments/depth.js";
import { hiddenSizes } from "../experiments/hidden-sizes.js";
import { initExperiment } from "../experiments/init.js";
import { type LandscapeOptions, landscapeExperiment } from "../experiments/landscape.js";
import { learningRates } from "../experiments/learning-rate.js";
import { catchInterrupt } from "../interrupt.js";
import { DATA_OPTIONS, MAX_HIDDEN_LAYERS, dataSpec } from "../options.js";
import { ensureFolder } from "../run-folder.js";
import { formatSeeds, seedListOption, spread, spreadCell } from "../seeds.js";
import { prepareData } from "../setup.js";

const NAMES = ["hidden-sizes", "activations", "depth", "init", "lr", "landscape"] as const;
type Name = (typeof NAMES)[number];

const DEFAULT_EPOCHS: Record<Name, number> = { "hidden-sizes": 1000, activations: 1000, depth: 300, init: 1000, lr: 1000, landscape: 300 };

const spec: CommandSpec = {
  name: "experiment",
  summary: "the documents' comparisons: hidden-sizes, activations, depth, init, lr, landscape",
  usage: "dagrad experiment <hidden-sizes|activations|depth|init|lr|landscape> [--epochs N] [--out DIR]",
  options: [
    // The experiments classify two classes: a CSV's --task stays train's.
    ...DATA_OPTIONS.filter((o) => o.name !== "data" && o.name !== "task"),
    { name: "data", type: "string", value: "NAME", help: "2-D binary dataset: moons, circles, xor, and or csv:<path>", default: "moons" },
    { name: "epochs", type: "string", value: "N", help: "epochs per configuration", defaultNote: "1000; depth and landscape 300" },
    { name: "depth", type: "string", value: "N", help: "hidden layers of the depth experiment", default: "10" },
    { name: "rates", type: "string", value: "LIST", help: "learning rates of the lr experiment", default: "0.01,0.1,0.5,1" },
    { name: "depths", type: "string", value: "LIST", help: "hidden layers of each landscape network", default: "2,5,10,20" },
    { name: "grid", type: "string", value: "N", help: "points per axis of the landscape's slices and surfaces (odd)", default: "21" },
    { name: "span", type: "string", value: "S", help: "the landscape's slices and surfaces reach ±S along each direction", default: "1" },
    { name: "seeds", type: "string", value: "LIST", help: "run the whole experiment once per seed (0..9 or 1,5,9): the table shows mean ± std [min, max]", defaultNote: "one run, --seed" },
    { name: "out", type: "string", value: "DIR", help: "folder for the pictures, results.json and report.html", defaultNote: "runs/experiment-<name>" },
  ],
  notes: [
    "Experiments:",
    "  hidden-sizes  2, 4, 8, 16, 32 tanh units on moons: accuracy, loss, decision boundaries (000 section 6)",
    "  activations   sigmoid vs tanh vs ReLU on the same problem: loss curves, boundaries",
    "  depth         per-layer gradient norms of a deep sigmoid net vs ReLU + He, BatchNorm, residual (001)",
    "  init          zeros / small normal / Xavier / He: loss curves",
    "  lr            learning rates 0.01 to 1.0 (the lab's \"set the learning rate to 1.0\"): loss curves",
    "  landscape     loss surfaces around trained nets of depth 2 to 20 (Li et al. 2018) and their sharpness (001)",
    "Example:\n  dagrad experiment hidden-sizes --out runs/hidden-sizes",
  ].join("\n"),
};

function landscapeOptions(values: Values): LandscapeOptions {
  const depths = intListOption(values, "depths");
  if (depths.length === 0) throw new UsageError("--depths needs at least one depth, e.g. 2,5,10,20");
  const deepest = Math.max(...depths);
  if (deepest > MAX_HIDDEN_LAYERS) throw new UsageError(`--depths must be at most ${MAX_HIDDEN_LAYERS} hidden layers, got ${deepest}`);
  const grid = integerOption(values, "grid", 3);
  if (grid % 2 === 0 || grid > 201) throw new UsageError(`--grid must be odd (so the trained weights are on it) and at most 201, got ${grid}`);
  return { depths, grid, span: numberOption(values, "span", { min: 0, minOpen: true, max: 100 }) };
}

function formatCell(value: string | number): string {
  return typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(4)) : value;
}

function printTable(result: ExperimentResult): void {
  const cells = result.table.rows.map((r) => r.map(formatCell));
  const widths = result.table.header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ").trimEnd();
  print(line(result.table.header));
  print(widths.map((w) => "-".repeat(w)).join("-|-"));
  cells.forEach((r) => print(line(r)));
}

async function run({ values, positionals, given }: Parsed): Promise<number> {
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`name an experiment: ${NAMES.join(", ")} (see dagrad experiment --help)`);
  if (!(NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown experiment "${name}"; experiments: ${NAMES.join(", ")}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (see dagrad experiment --help)`);
  const experiment = name as Name;
  const epochs = values.epochs === undefined ? DEFAULT_EPOCHS[experiment] : integerOption(values, "epochs", 1);
  const depth = integerOption(values, "depth", 1);
  if (depth > MAX_HIDDEN_LAYERS) throw new UsageError(`--depth must be at most ${MAX_HIDDEN_LAYERS} hidden layers, got ${depth}`);
  const rates = numberListOption(values, "rates", 0);
  const landscape = landscapeOptions(values);
  const out = optionalString(values, "out") ?? `runs/experiment-${experiment}`;
  const seeds = values.seeds === undefined ? null : seedListOption(values, "seeds");
  if (seeds !== null && given.has("seed")) throw new UsageError("--seeds sets --seed for each run of the experiment: give one of them");
  // Every seed's data are checked before any training: a bad --data fails at once, not after the first seed.
  const runs = (seeds ?? [dataSpec(values).seed]).map((seed) => {
    const options = dataSpec(seeds === null ? values : { ...values, seed: String(seed) });
    const data = prepareData(options);
    if (data.task !== "binary") throw new UsageError(`the experiments need a binary dataset (moons, circles, xor, and), got ${String(values.data)} with ${data.classes} classes`);
    if ((experiment === "hidden-sizes" || experiment === "activations") && data.features !== 2) {
      throw new UsageError(`the ${experiment} experiment draws decision boundaries, which needs 2 features; ${String(values.data)} has ${data.features}`);
    }
    return { seed, data };
  });
  ensureFolder(out);

  const interrupt = catchInterrupt(() => "Stopping after this epoch; the results so far will be written");
  const first = runs[0]!.data;
  print(`Experiment ${experiment} on ${String(values.data)} (${first.xTrain.shape[0]} train / ${first.xTest.shape[0]} test samples, ${epochs} epochs each${seeds === null ? "" : `, seeds ${formatSeeds(seeds)}`})`);
  const results: { seed: number; result: ExperimentResult }[] = [];
  for (const { seed, data } of runs) {
    if (interrupt.requested()) break;
    if (seeds !== null) print(`${results.length === 0 ? "" : "\n"}Seed ${seed}:`);
    const settings: ExperimentSettings = { data, epochs, seed, shouldStop: interrupt.requested, log: print };
    const result = await ({
      "hidden-sizes": () => hiddenSizes(settings),
      activations: () => activationsExperiment(settings),
      depth: () => depthExperiment(settings, depth),
      init: () => initExperiment(settings),
      lr: () => learningRates(settings, rates),
      landscape: () => landscapeExperiment(settings, landscape),
    } satisfies Record<Name, () => Promise<ExperimentResult>>)[experiment]();
    results.push({ seed, result });
  }
  const interrupted = interrupt.requested();
  // The pictures are the first seed's; with several seeds the table gives every number's spread over them.
  const shown = results[0]!.result;
  const table = seeds === null ? shown.table : spreadTable(results);
  const pictures = seeds === null ? shown.pictures : shown.pictures.map((p) => ({ ...p, caption: `${p.caption} (seed ${results[0]!.seed}; the table covers all ${results.length} seeds)` }));

  print("");
  if (seeds !== null) print(`Over ${results.length} seeds: mean ± std [min, max] of each number; "diverged" counts the seeds that did`);
  printTable({ ...shown, table });
  const settingsShown = { experiment, data: String(values.data), ...(seeds === null ? { seed: runs[0]!.seed } : { seeds: formatSeeds(results.map((r) => r.seed)) }), ...(experiment === "depth" ? { "hidden layers": depth } : {}), ...(experiment === "lr" ? { rates: rates.join(", ") } : {}), ...(experiment === "landscape" ? { depths: landscape.depths.join(", "), grid: landscape.grid, span: landscape.span } : {}) };
  const files = [
    ...pictures.map((p) => ({ name: p.file, data: p.svg })),
    { name: "results.json", data: JSON.stringify({ experiment, epochs, interrupted, table, ...(seeds === null ? {} : { seeds: results.map((r) => ({ seed: r.seed, table: r.result.table })) }) }, null, 2) + "\n" },
    { name: "report.html", data: reportHtml({
      title: `dagrad experiment: ${shown.title}`,
      subtitle: shown.about,
      metrics: { configurations: table.rows.length, "epochs each": epochs, ...(seeds === null ? {} : { seeds: results.length }), interrupted: interrupted ? "yes" : "no" },
      config: settingsShown,
      tables: [
        { title: seeds === null ? "Results" : `Results over ${results.length} seeds: mean ± std [min, max]`, header: table.header, rows: table.rows.map((r) => r.map(formatCell)) },
        ...(seeds === null ? [] : results.map((r) => ({ title: `Seed ${r.seed}`, header: r.result.table.header, rows: r.result.table.rows.map((row) => row.map(formatCell)) }))),
      ],
      figures: pictures.map((p) => ({ title: p.title, caption: p.caption, svg: p.svg })),
    }) },
  ];
  // Each file whole (atomic), and a second Ctrl-C waits for the last one: never a half-written folder.
  await interrupt.hold(() => { for (const f of files) writeFileAtomic(join(out, f.name), f.data); }, `Quit: ${out} has this experiment's files.`);
  interrupt.dispose();
  print(`\nWrote ${pictures.map((p) => p.file).join(", ")}, results.json and report.html to ${out}`);
  return interrupted ? 130 : 0;
}

/** A cell as a number, with its unit if any ("0.58 s"), or null ("-", a label). */
function numberOf(cell: string | number): { value: number; unit: string } | null {
  if (typeof cell === "number") return { value: cell, unit: "" };
  const m = /^(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)( s)?$/.exec(cell);
  return m ? { value: Number(m[1]), unit: m[2] ?? "" } : null;
}

/**
 * The seeds' tables as one: a column that reads the same for every seed (the
 * network, the depth) is kept; a column of numbers becomes mean ± std [min,
 * max] over the seeds that have one; "diverged at epoch" counts the seeds that did.
 */
function spreadTable(results: readonly { seed: number; result: ExperimentResult }[]): ExperimentResult["table"] {
  const tables = results.map((r) => r.result.table);
  const { header } = tables[0]!;
  // Rows by position: a seed stopped by Ctrl-C may have fewer, and those rows show the seeds that finished them.
  const rows = tables[0]!.rows.map((row, i) => row.map((cell, c) => {
    const cells = tables.map((t) => t.rows[i]?.[c]).filter((v): v is string | number => v !== undefined);
    if (header[c] === "diverged at epoch") {
      const epochs = cells.filter((v) => v !== "-").map(Number).sort((a, b) => a - b);
      if (epochs.length === 0) return "-";
      const [lo, hi] = [epochs[0]!, epochs[epochs.length - 1]!];
      return `${epochs.length} of ${cells.length} (epoch${lo === hi ? ` ${lo}` : `s ${lo}-${hi}`})`;
    }
    if (cells.every((v) => v === cell)) return cell;
    const numbers = cells.map(numberOf);
    const unit = numbers.find((n) => n !== null)?.unit ?? "";
    const values = numbers.map((n, k) => ({ seed: results[k]!.seed, value: n?.value ?? NaN }));
    // Columns the experiment writes as 1.27e-7 (gradient norms) keep that form.
    const exponential = cells.some((v) => typeof v === "string" && /\de[+-]/.test(v));
    return `${spreadCell(spread(values), exponential ? (v) => v.toExponential(2) : undefined)}${unit}`;
  }));
  return { header, rows };
}

export const experiment: Command = { spec, run };
