// Command-line parsing on top of node:util parseArgs, with the checks that
// turn a bad value into one clear line (UsageError, exit code 2).
import { parseArgs } from "node:util";
import { type NumberBounds, expectedNumber } from "../autograd/options.js";

/** Bad input from the user: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionSpec {
  name: string;
  type: "string" | "boolean";
  help: string;
  /** Used when the option is left out, and shown in --help. */
  default?: string;
  /** Shown in --help where the default depends on other options (the command picks it). */
  defaultNote?: string;
  /** Placeholder shown in --help, e.g. "N" or "16,16". */
  value?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: readonly OptionSpec[];
  /** Extra paragraphs after the options (examples). */
  notes?: string;
}

export type Values = Record<string, string | boolean | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
  help: boolean;
  /** The options written on the command line (values also holds defaults). */
  given: ReadonlySet<string>;
}

export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  const options: Record<string, { type: "string" | "boolean" }> = { help: { type: "boolean" } };
  for (const o of spec.options) options[o.name] = { type: o.type };
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(spec, argv), options, strict: true, allowPositionals: true });
  } catch (e) {
    // parseArgs' messages are clear but long; keep their first sentence and point at --help.
    const message = (e as Error).message.split(/\. |\n/)[0]!.replace(/\.$/, "");
    throw new UsageError(`${message} (see dagrad ${spec.name} --help)`);
  }
  const values: Values = {};
  const given = new Set<string>();
  for (const o of spec.options) {
    const value = parsed.values[o.name] as string | boolean | undefined;
    if (value !== undefined) given.add(o.name);
    values[o.name] = value ?? (o.type === "string" ? o.default : undefined);
  }
  return { values, positionals: parsed.positionals, help: parsed.values.help === true, given };
}

/** "--epochs -5" -> "--epochs=-5" (and -Infinity, -NaN): parseArgs would read -5 as an option; the range check should see it. */
function joinNegativeValues(spec: CommandSpec, argv: readonly string[]): string[] {
  const takesValue = new Set(spec.options.filter((o) => o.type === "string").map((o) => `--${o.name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (takesValue.has(argv[i]!) && next !== undefined && /^-([\d.]|Infinity$|NaN$)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]!);
    }
  }
  return out;
}

export function helpText(spec: CommandSpec): string {
  const rows = spec.options.map((o) => {
    const left = `  --${o.name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    const shown = o.default ?? o.defaultNote;
    const fallback = shown !== undefined ? ` (default ${shown})` : "";
    return `${left.padEnd(30)} ${o.help}${fallback}`;
  });
  rows.push(`${"  --help".padEnd(30)} show this help`);
  return [`dagrad ${spec.name}: ${spec.summary}`, "", `Usage: ${spec.usage}`, "", "Options:", ...rows, ...(spec.notes ? ["", spec.notes] : [])].join("\n") + "\n";
}

function text(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== "string") throw new UsageError(`--${name} needs a value`);
  return v;
}

export function stringOption(values: Values, name: string): string {
  return text(values, name);
}

export function optionalString(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** Safe integers only: 1e20 is an integer to JavaScript, but no count or seed means it exactly. */
export function integerOption(values: Values, name: string, min: number): number {
  return numberOption(values, name, { integer: true, min });
}

/** The flag's value within bounds, refused in the words the library and config.json use (expectedNumber). */
export function numberOption(values: Values, name: string, bounds: NumberBounds = {}): number {
  const raw = text(values, name);
  const n = raw.trim() === "" ? NaN : Number(raw); // Number("") is 0, but an empty flag says no number
  const expected = expectedNumber(n, bounds);
  if (expected !== undefined) throw new UsageError(`--${name} must be ${expected}, got "${raw}"`);
  return n;
}

/** "16,16" -> [16, 16]; "" -> [] (no hidden layer). */
export function intListOption(values: Values, name: string, min = 1): number[] {
  const raw = text(values, name).trim();
  if (raw === "") return [];
  return raw.split(",").map((part) => {
    const n = Number(part.trim());
    if (part.trim() === "" || !Number.isInteger(n) || n < min) {
      throw new UsageError(`--${name} must be a comma-separated list of integers >= ${min} (e.g. 16,16), got "${raw}"`);
    }
    return n;
  });
}

/** A comma-separated list of numbers, each checked like numberOption. */
export function numberListOption(values: Values, name: string, exclusiveMin: number): number[] {
  const raw = text(values, name);
  return raw.split(",").map((part) => {
    const n = Number(part.trim());
    if (part.trim() === "" || !Number.isFinite(n) || n <= exclusiveMin) {
      throw new UsageError(`--${name} must be a comma-separated list of numbers > ${exclusiveMin}, got "${raw}"`);
    }
    return n;
  });
}

export function choiceOption<T extends string>(values: Values, name: string, choices: readonly T[]): T {
  const raw = text(values, name);
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  return raw as T;
}

export function noPositionals(spec: CommandSpec, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (see dagrad ${spec.name} --help)`);
}
