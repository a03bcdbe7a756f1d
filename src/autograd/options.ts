// Option objects are checked by name: from JavaScript, a misspelt option
// (`batchsize`, `activaton`) would otherwise be ignored without a word and the
// default used in its place.
import { DagradError } from "./errors.js";

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
