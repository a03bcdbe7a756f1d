// The shape of a subcommand: its options (for parsing and --help) and what it does.
import type { CommandSpec, Parsed } from "./args.js";

export interface Command {
  spec: CommandSpec;
  /** Resolves to the process exit code. */
  run(parsed: Parsed): Promise<number>;
}

export function print(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : text + "\n");
}
