// The printed examples of README.md and docs/*.md, run for real. Two kinds:
// - CLI transcripts: every ```text block whose first line is `$ npx dagrad ...`.
//   Each command runs (through the TypeScript source, in a scratch folder of
//   its document, in reading order, so `evaluate --run runs/moons` sees the
//   `train` before it) and its output must be the lines under it. A line `...`
//   stands for any number of lines; times ("0.6 s") may differ. A block after
//   `<!-- not run: why -->` is an illustration the checks skip (say why).
// - Library examples: a ```ts block after `<!-- example: examples/NAME.ts -->`
//   is that file, and the block after `<!-- output: examples/NAME.ts -->` is
//   what it prints.
// `npm run docs:examples` rewrites both from what the code prints now (and
// docs/gallery from the commands' pictures); test/docs/examples.test.ts fails
// when a document or the gallery no longer matches.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");
// The scratch folder has no node_modules: name tsx's loader by its full address.
const TSX = JSON.stringify(import.meta.resolve("tsx"));
const FENCE = "```";

/** The pictures of docs/gallery: which command draws each, and where it writes it. */
export const GALLERY: readonly { command: string; files: Record<string, string> }[] = [
  {
    command: "npx dagrad train",
    files: {
      "moons-loss.svg": "runs/moons/loss.svg", "moons-loss-after-100.svg": "runs/moons/loss-after-100.svg",
      "moons-accuracy.svg": "runs/moons/accuracy.svg", "moons-gradient-flow.svg": "runs/moons/gradient-flow.svg",
      "moons-decision-boundary.svg": "runs/moons/decision-boundary.svg", "moons-data.svg": "runs/moons/data.svg",
      "moons-update-ratio.svg": "runs/moons/update-ratio.svg", "moons-weight-histograms.svg": "runs/moons/weight-histograms.svg",
    },
  },
  {
    command: "npx dagrad train --data spirals --layers 32,32 --optimizer adam --lr 0.01 --epochs 1000 --noise 0.05 --out runs/spirals",
    files: { "spirals-decision-boundary.svg": "runs/spirals/decision-boundary.svg" },
  },
  {
    command: "npx dagrad train --data mnist --samples 10000 --epochs 10 --out runs/mnist-10000",
    files: {
      "mnist-loss.svg": "runs/mnist-10000/loss.svg", "mnist-first-layer-weights.svg": "runs/mnist-10000/first-layer-weights.svg",
      "mnist-confusion-matrix.svg": "runs/mnist-10000/confusion-matrix.svg", "mnist-misclassified.svg": "runs/mnist-10000/misclassified.svg",
    },
  },
  { command: "npx dagrad graph", files: { "graph.svg": "runs/graph/graph.svg" } },
  { command: "npx dagrad activations", files: { "activations.svg": "runs/activations/activations.svg" } },
  { command: "npx dagrad experiment hidden-sizes", files: { "hidden-sizes.svg": "runs/experiment-hidden-sizes/hidden-sizes.svg" } },
  {
    command: "npx dagrad experiment depth",
    files: {
      "depth-gradient-per-layer.svg": "runs/experiment-depth/depth-gradient-per-layer.svg",
      "depth-first-layer.svg": "runs/experiment-depth/depth-first-layer.svg", "depth-loss.svg": "runs/experiment-depth/depth-loss.svg",
    },
  },
  { command: "npx dagrad experiment init", files: { "init-loss.svg": "runs/experiment-init/init-loss.svg" } },
  { command: "npx dagrad experiment lr", files: { "lr-loss.svg": "runs/experiment-lr/lr-loss.svg", "lr-loss-log.svg": "runs/experiment-lr/lr-loss-log.svg" } },
  {
    // Two depths, fewer epochs and a coarser grid than the default: the documentation check runs this (about 8 s).
    command: "npx dagrad experiment landscape --depths 2,10 --epochs 150 --grid 15",
    files: {
      "landscape-2d.svg": "runs/experiment-landscape/landscape-2d.svg", "landscape-1d.svg": "runs/experiment-landscape/landscape-1d.svg",
      "landscape-path.svg": "runs/experiment-landscape/landscape-path.svg", "sharpness.svg": "runs/experiment-landscape/sharpness.svg",
    },
  },
  { command: "npx dagrad train --data sine --log-every 500", files: { "sine-fit.svg": "runs/sine/fit.svg", "sine-predicted-vs-true.svg": "runs/sine/predicted-vs-true.svg" } },
  { command: "npx dagrad train --layers 16,16,16,16,16,16 --activation relu --init he --epochs 300 --out runs/relu-deep", files: { "relu-dead-units.svg": "runs/relu-deep/dead-units.svg" } },
  {
    command: "npx dagrad experiment activations",
    files: { "activations-loss.svg": "runs/experiment-activations/activations-loss.svg", "activations-boundaries.svg": "runs/experiment-activations/activations-boundaries.svg" },
  },
];

/** One printed example: where its expected output sits in the README and what it runs. */
export interface Example {
  kind: "cli" | "ts";
  /** The command line (`npx dagrad ...`) or the example file (examples/NAME.ts). */
  source: string;
  /** README line index of the first expected output line, and how many lines. */
  start: number;
  length: number;
  expected: string[];
}

interface Block {
  /** Index of the line after the opening fence. */
  start: number;
  /** Index of the closing fence. */
  end: number;
  lang: string;
}

function blocks(lines: readonly string[]): Block[] {
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(FENCE)) continue;
    const lang = lines[i]!.slice(FENCE.length).trim();
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith(FENCE)) end++;
    if (end === lines.length) throw new Error(`README.md line ${i + 1}: code block never closed`);
    found.push({ start: i + 1, end, lang });
    i = end;
  }
  return found;
}

/** Every example in the README, in reading order. */
export function examplesOf(readme: string): Example[] {
  const lines = readme.split("\n");
  const examples: Example[] = [];
  for (const block of blocks(lines)) {
    const before = lines[block.start - 2] ?? "";
    const output = /^<!-- output: (\S+) -->$/.exec(before);
    if (output) {
      examples.push({ kind: "ts", source: output[1]!, start: block.start, length: block.end - block.start, expected: lines.slice(block.start, block.end) });
      continue;
    }
    if (block.lang !== "text" || !lines[block.start]?.startsWith("$ npx dagrad") || before.startsWith("<!-- not run:")) continue;
    let i = block.start;
    while (i < block.end) {
      const command = lines[i]!.slice(2);
      let j = i + 1;
      while (j < block.end && !lines[j]!.startsWith("$ ")) j++;
      examples.push({ kind: "cli", source: command, start: i + 1, length: j - i - 1, expected: lines.slice(i + 1, j) });
      i = j;
    }
  }
  return examples;
}

/** The `<!-- example: FILE -->` code blocks: README line range of the code and the file it must equal. */
export function exampleCode(readme: string): { file: string; start: number; length: number; code: string[] }[] {
  const lines = readme.split("\n");
  return blocks(lines).flatMap((block) => {
    const marker = /^<!-- example: (\S+) -->$/.exec(lines[block.start - 2] ?? "");
    return marker ? [{ file: marker[1]!, start: block.start, length: block.end - block.start, code: lines.slice(block.start, block.end) }] : [];
  });
}

/** Runs commands in one scratch folder, as a user would one after the other. */
export class Runner {
  readonly cwd = realpathSync(mkdtempSync(join(tmpdir(), "dagrad-readme-")));

  /** Output (stdout and stderr, as a terminal shows them) with the scratch folder's and the repository's paths made relative. */
  run(example: Pick<Example, "kind" | "source">): string[] {
    const shell = example.kind === "cli"
      ? example.source.replace(/^npx dagrad/, `node --import ${TSX} ${JSON.stringify(MAIN)}`)
      : `node --import ${TSX} ${JSON.stringify(join(ROOT, example.source))}`;
    let text: string;
    try {
      text = execFileSync("bash", ["-c", `${shell} 2>&1`], {
        cwd: example.kind === "cli" ? this.cwd : ROOT,
        encoding: "utf8",
        // The documents' float32 numbers are the WebAssembly SIMD build's (the default on Node 20; Node 22+ picks
        // relaxed SIMD, whose fused float32 products differ in the last bits), so every suite run checks the same ones.
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", DAGRAD_DEBUG: "", DAGRAD_KERNELS: "wasm" },
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (e) {
      // A command that exits non-zero on purpose (the error examples) still printed what it printed.
      text = String((e as { stdout?: string }).stdout ?? "");
    }
    const relative = text.split(`${this.cwd}/`).join("").split(`${ROOT}/`).join("").split(`file://`).join("");
    const lines = relative.replace(/\n+$/, "").split("\n");
    return lines.length === 1 && lines[0] === "" ? [] : lines;
  }

  copy(from: string, to: string): void {
    copyFileSync(join(this.cwd, from), to);
  }

  /** Remove the scratch folder and the runs in it. */
  dispose(): void {
    rmSync(this.cwd, { recursive: true, force: true });
  }
}

/** Durations differ from run to run and machine to machine: compare them as a placeholder. */
export function normalise(line: string): string {
  return line.replace(/\b\d+(?:\.\d+)? ?(?:s|ms|µs)\b/g, "<time>").replace(/\s+$/, "");
}

/**
 * Whether `actual` is what `expected` shows: line for line, where a line `...`
 * in expected stands for any number of lines (at least one).
 */
export function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const want = expected.map(normalise);
  const got = actual.map(normalise);
  const match = (w: number, g: number): boolean => {
    if (w === want.length) return g === got.length;
    if (want[w] === "...") {
      for (let skip = g + 1; skip <= got.length; skip++) if (match(w + 1, skip)) return true;
      return false;
    }
    return g < got.length && want[w] === got[g] && match(w + 1, g + 1);
  };
  return match(0, 0);
}

/**
 * The new output shown the way the README shows the old one: where the old
 * output elides lines with `...`, keep as many lines before and after each
 * gap (a gap's following part is found by its first line in the new output).
 */
export function elideLike(expected: readonly string[], actual: readonly string[]): string[] {
  if (!expected.includes("...")) return [...actual];
  const parts: string[][] = [[]];
  for (const line of expected) {
    if (line === "...") parts.push([]);
    else parts[parts.length - 1]!.push(line);
  }
  const out: string[] = [...actual.slice(0, parts[0]!.length)];
  let at = parts[0]!.length;
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p]!;
    out.push("...");
    if (p === parts.length - 1) {
      out.push(...actual.slice(Math.max(at, actual.length - part.length)));
    } else {
      const head = part[0] === undefined ? -1 : actual.findIndex((l, i) => i > at && normalise(l) === normalise(part[0]!));
      const from = head === -1 ? at + 1 : head;
      out.push(...actual.slice(from, from + part.length));
      at = from + part.length;
    }
  }
  return out;
}

/** Run the gallery's commands (in `runner`'s folder) and copy their pictures into `folder`. */
export function drawGallery(runner: Runner, folder: string, alreadyRun: ReadonlySet<string>): void {
  mkdirSync(folder, { recursive: true });
  for (const { command, files } of GALLERY) {
    if (!alreadyRun.has(command)) runner.run({ kind: "cli", source: command });
    for (const [name, from] of Object.entries(files)) runner.copy(from, join(folder, name));
  }
}

/** The documents whose examples are checked, relative to the repository: README.md, then docs/*.md. */
export function documents(): string[] {
  return ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
}

/** The document that lists the gallery's commands (they run in its scratch folder). */
export const GALLERY_DOCUMENT = "docs/cli.md";

export function readDocument(document: string): string {
  return readFileSync(join(ROOT, document), "utf8");
}
