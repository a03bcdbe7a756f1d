#!/usr/bin/env node
// The dagrad command: train, evaluate, predict, export, explain, gradcheck,
// graph, experiment and activations. Bad input prints one line and exits with 2.
import "../kernels/node-threads.js"; // a Node program: large products on two threads
import { DagradError } from "../autograd/index.js";
import { FileWriteError } from "../node/files.js";
import { UsageError, helpText, parseCommand } from "./args.js";
import type { Command } from "./command.js";
import { activations } from "./commands/activations.js";
import { evaluate } from "./commands/evaluate.js";
import { experiment } from "./commands/experiment.js";
import { explain } from "./commands/explain.js";
import { exportCommand } from "./commands/export.js";
import { gradcheck } from "./commands/gradcheck.js";
import { graph } from "./commands/graph.js";
import { predict } from "./commands/predict.js";
import { train } from "./commands/train.js";

const COMMANDS: readonly Command[] = [train, evaluate, predict, exportCommand, explain, gradcheck, graph, experiment, activations];

function usage(): string {
  const rows = COMMANDS.map((c) => `  ${c.spec.name.padEnd(12)} ${c.spec.summary}`);
  return ["dagrad: a TypeScript autodiff engine, its MLPs and their pictures", "", "Usage: dagrad <command> [options]    (dagrad <command> --help for its options)", "", "Commands:", ...rows, ""].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.spec.name).join(", ")}`);
  const parsed = parseCommand(command.spec, rest);
  if (parsed.help) {
    process.stdout.write(helpText(command.spec));
    return 0;
  }
  return command.run(parsed);
}

function fail(error: unknown): number {
  // Errors from bad input (options, files, data) and files that cannot be written are the user's to fix: one line, code 2.
  if (error instanceof UsageError || error instanceof DagradError || error instanceof FileWriteError) {
    process.stderr.write(`dagrad: ${error.message.split("\n")[0]}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`dagrad: internal error: ${message}\n`);
  if (process.env.DAGRAD_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

// A reader that goes away (`dagrad train | head`) must not kill a run before its
// folder is written: drop the output nobody reads and let the command finish.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => { process.exitCode = fail(error); },
);
