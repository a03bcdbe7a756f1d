// Reading a run's config.json back: every field is checked, so a file that was
// edited, hand-made or written by another program gets an error naming the
// field instead of a crash (or a model built from undefined) further on.
import { type NumberBounds, expectedNumber } from "../autograd/options.js";
import type { ActivationName, LossName } from "../nn/index.js";
import type { RunConfig } from "./run-folder.js";
import { PRESET_IDS } from "./presets.js";
import { ACTIVATIONS, DATA_NAMES, INITS, LOSS_NAMES, OUTPUTS, dataTask, parseInit } from "./setup.js";

/** Why a value was refused: the dotted field and what it must be. */
export class ConfigFieldError extends Error {
  constructor(readonly field: string, readonly expected: string, readonly got: unknown) {
    super(`${field} must be ${expected}, got ${describe(got)}`);
    this.name = "ConfigFieldError";
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Field readers for one object at a dotted path ("" for the top level). */
class Fields {
  constructor(private readonly object: Json, private readonly path: string) {}

  private name(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  private fail(key: string, expected: string): never {
    throw new ConfigFieldError(this.name(key), expected, this.object[key]);
  }

  child(key: string): Fields {
    const value = this.object[key];
    if (!isObject(value)) this.fail(key, "an object");
    return new Fields(value, this.name(key));
  }

  /** Refused in the words of the flag that sets it (expectedNumber, as numberOption). */
  number(key: string, bounds: NumberBounds = {}): number {
    const v = this.object[key];
    const expected = expectedNumber(v, bounds);
    if (expected !== undefined) this.fail(key, expected);
    return v as number;
  }

  integer(key: string, min: number): number {
    return this.number(key, { integer: true, min });
  }

  boolean(key: string): boolean {
    const v = this.object[key];
    if (typeof v !== "boolean") this.fail(key, "true or false");
    return v;
  }

  choice<T extends string>(key: string, choices: readonly T[]): T {
    const v = this.object[key];
    if (!(choices as readonly unknown[]).includes(v)) this.fail(key, `one of ${choices.join(", ")}`);
    return v as T;
  }

  integers(key: string, min: number, minLength: number): number[] {
    const v = this.object[key];
    if (!Array.isArray(v) || v.length < minLength || !v.every((n) => Number.isInteger(n) && n >= min)) {
      this.fail(key, `a list of at least ${minLength} integers >= ${min}`);
    }
    return v as number[];
  }

  numbers(key: string, length: number, check: (n: number) => boolean, what: string): number[] {
    const v = this.object[key];
    if (!Array.isArray(v) || v.length !== length || !v.every((n) => typeof n === "number" && check(n))) {
      this.fail(key, `a list of ${length} ${what}`);
    }
    return v as number[];
  }

  data(key: string): string {
    const v = this.object[key];
    const ok = typeof v === "string" && ((DATA_NAMES as readonly string[]).includes(v) || (v.startsWith("csv:") && v.length > 4));
    if (!ok) this.fail(key, `one of ${DATA_NAMES.join(", ")} or csv:<path>`);
    return v as string;
  }

  text(key: string): string {
    const v = this.object[key];
    if (typeof v !== "string" || v === "") this.fail(key, "a file path");
    return v as string;
  }

  /** A field newer than some saved runs: `fallback` when it is missing, else read as given. */
  optional<T>(key: string, fallback: T, read: (key: string) => T): T {
    return this.has(key) ? read(key) : fallback;
  }

  /** null, or a number checked as number() does. */
  nullableNumber(key: string, bounds: NumberBounds = {}): number | null {
    return this.object[key] === null ? null : this.number(key, bounds);
  }

  init(key: string, schemes: readonly string[]): string {
    const v = this.object[key];
    if (typeof v !== "string" || "refused" in parseInit(v, schemes)) this.fail(key, `one of ${schemes.join(", ")}, uniform:A,B or normal:STD`);
    return v as string;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.object, key);
  }

  isNull(key: string): boolean {
    return this.object[key] === null;
  }
}

/** The config of a run from its parsed config.json; throws ConfigFieldError naming the first bad field. */
export function parseRunConfig(value: unknown): RunConfig {
  if (!isObject(value)) throw new ConfigFieldError("(the whole file)", "an object", value);
  const top = new Fields(value, "");
  const d = top.child("data");
  const data = {
    data: d.data("data"),
    samples: d.integer("samples", 1),
    noise: d.number("noise", { min: 0 }),
    testSize: d.number("testSize", { min: 0, minOpen: true, max: 0.9 }),
    seed: d.integer("seed", 0),
    standardize: d.boolean("standardize"),
    scaleOn: d.optional("scaleOn", "train" as const, (k) => d.choice(k, ["train", "all"] as const)),
    csvHeader: d.boolean("csvHeader"),
  };
  const dataSpec = { ...data, task: d.optional("task", dataTask(data.data), (k) => d.choice(k, ["classification", "regression"] as const)) };
  const m = top.child("model");
  const model = {
    sizes: m.integers("sizes", 1, 2),
    activation: m.choice<ActivationName>("activation", ACTIVATIONS),
    output: m.choice<ActivationName>("output", OUTPUTS),
    init: m.init("init", INITS),
    // Fields written since the options that set them exist; runs saved before read as without them.
    biasInit: m.optional("biasInit", null, (k) => (m.isNull(k) ? null : m.init(k, ["zeros"]))),
    seed: m.integer("seed", 0),
    ...(m.has("initFrom") ? { initFrom: m.text("initFrom") } : {}),
    batchNorm: m.optional("batchNorm", false, (k) => m.boolean(k)),
    residual: m.optional("residual", null, (k) => m.nullableNumber(k, { min: 0, minOpen: true })),
    dropout: m.optional("dropout", 0, (k) => m.number(k, { min: 0, max: 1, maxOpen: true })),
  };
  const t = top.child("training");
  // In the order train writes them, so a config read back is written again byte for byte.
  const training = {
    optimizer: t.choice("optimizer", ["sgd", "adam"] as const),
    lr: t.number("lr", { min: 0, minOpen: true }),
    momentum: t.number("momentum", { min: 0, max: 1, maxOpen: true }), // as SGD and --momentum
    epochs: t.integer("epochs", 1),
    batchSize: t.integer("batchSize", 0),
    clipNorm: t.optional("clipNorm", null, (k) => t.nullableNumber(k, { min: 0, minOpen: true })),
    clipValue: t.optional("clipValue", null, (k) => t.nullableNumber(k, { min: 0, minOpen: true })),
    reduction: t.optional("reduction", "mean" as const, (k) => t.choice(k, ["mean", "sum"] as const)),
    loss: t.choice<LossName>("loss", LOSS_NAMES),
  };
  const task = top.choice("task", ["binary", "multiclass", "regression"] as const);
  const classes = task === "regression" ? top.integer("classes", 0) : top.integer("classes", 2);
  let scaling: RunConfig["scaling"] = null;
  if (!top.isNull("scaling")) {
    if (!top.has("scaling")) throw new ConfigFieldError("scaling", "null or { mean, std }", undefined);
    const s = top.child("scaling");
    const features = model.sizes[0]!;
    scaling = {
      mean: s.numbers("mean", features, Number.isFinite, "finite numbers (one per input feature)"),
      std: s.numbers("std", features, (n) => Number.isFinite(n) && n > 0, "positive finite numbers (one per input feature)"),
    };
  }
  const preset = top.optional("preset", null, (k) => (top.isNull(k) ? null : top.choice(k, PRESET_IDS)));
  return { data: dataSpec, model, training, task, classes, scaling, preset };
}
