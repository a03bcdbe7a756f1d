// Option objects are checked by name: from JavaScript, a misspelt option
// (`batchsize`, `activaton`) would otherwise be ignored without a word and the
// default used in its place. Numeric options are checked by range, by one
// function, so every range error reads the same way.
import { DTypeError, DagradError } from "./errors.js";

/** Every option name of T, so tsc refuses a list that misses one. */
export type OptionNames<T> = Readonly<Record<keyof T, true>>;

export function checkOptionNames<T>(op: string, options: T | undefined, known: OptionNames<T>): void {
  if (options === undefined || options === null || typeof options !== "object") return;
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(known, name)) continue;
    const like = Object.keys(known).find((k) => k.toLowerCase() === name.toLowerCase());
    throw new DagradError(op, `unknown option "${name}"${like === undefined ? "" : ` (did you mean "${like}"?)`}; the options are ${Object.keys(known).join(", ")}`);
  }
}

/**
 * The range a numeric option must lie in. Both ends are included unless
 * minOpen/maxOpen; `integer` also refuses fractions and integers too large for
 * a double to hold exactly (beyond Number.MAX_SAFE_INTEGER).
 */
export interface NumberBounds {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  integer?: boolean;
}

/** What a value within bounds is, as the error messages say it: "a finite number in [0, 1)", "an integer >= 1". */
export function describeBounds(bounds: NumberBounds): string {
  const { min, max, minOpen = false, maxOpen = false } = bounds;
  const kind = bounds.integer === true ? "an integer" : "a finite number";
  if (min !== undefined && max !== undefined) return `${kind} in ${minOpen ? "(" : "["}${min}, ${max}${maxOpen ? ")" : "]"}`;
  if (min !== undefined) return `${kind} ${minOpen ? ">" : ">="} ${min}`;
  if (max !== undefined) return `${kind} ${maxOpen ? "<" : "<="} ${max}`;
  return kind;
}

/**
 * undefined when value is a number within bounds, else what it must be. The
 * one range check behind checkNumber and the CLI's flags and config fields,
 * which wrap the same words in their own errors.
 */
export function expectedNumber(value: unknown, bounds: NumberBounds = {}): string | undefined {
  const { min, max, minOpen = false, maxOpen = false, integer = false } = bounds;
  const ok = typeof value === "number" && Number.isFinite(value)
    && (!integer || Number.isSafeInteger(value))
    && (min === undefined || (minOpen ? value > min : value >= min))
    && (max === undefined || (maxOpen ? value < max : value <= max));
  if (ok) return undefined;
  // 1e20 is an integer to JavaScript, but no count or seed means it exactly.
  const unsafe = integer && typeof value === "number" && Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER && max === undefined;
  return `${describeBounds(bounds)}${unsafe ? ` and at most ${Number.MAX_SAFE_INTEGER}` : ""}`;
}

/** Throws DTypeError "op: what must be <bounds>, got <value>" unless value is a number within bounds. */
export function checkNumber(op: string, what: string, value: unknown, bounds: NumberBounds = {}): asserts value is number {
  const expected = expectedNumber(value, bounds);
  if (expected !== undefined) throw new DTypeError(op, `${what} must be ${expected}, got ${shown(value)}`);
}

/** A string in quotes, so "0.1" is not read as the number 0.1. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "an object";
  if (typeof value === "function") return "a function";
  return String(value);
}
