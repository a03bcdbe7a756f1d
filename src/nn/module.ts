// The Module base: a tree of named parameters, buffers and child modules, as
// in PyTorch. A module registers what it owns explicitly; names are dotted
// paths from the outermost module (`layers.0.weight`), and each parameter
// tensor's .name is kept equal to that path so toDot and errors can show it.
import { DagradError, Tensor, formatShape, noGrad } from "../autograd/index.js";
import { StateDictError } from "./errors.js";
import { decodeStateDict, encodeStateDict, readTextFile, writeTextFile } from "./state.js";

/** Parameters and buffers by dotted name. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shapes must always match. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** Training mode (the default): Dropout drops and BatchNorm uses batch statistics. */
  training = true;
  private readonly ownParameters = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly ownChildren = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  /** Make `t` a trainable parameter of this module (it is set to require grad). */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.claimName(name);
    t.requiresGrad = true;
    t.name = name;
    this.ownParameters.set(name, t);
    return t;
  }

  /** State that is saved and loaded but not trained (BatchNorm's running statistics). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.claimName(name);
    t.name = name;
    this.ownBuffers.set(name, t);
    return t;
  }

  protected registerModule<M extends Module>(name: string, child: M): M {
    this.claimName(name);
    if (!(child instanceof Module)) throw new DagradError("Module", `cannot register "${name}": it is not a Module`);
    this.ownChildren.set(name, child);
    for (const [path, t] of child.namedTensors()) t.name = `${name}.${path}`;
    return child;
  }

  private claimName(name: string): void {
    if (name === "" || name.includes(".")) throw new DagradError("Module", `invalid name "${name}": names must be non-empty and contain no dots`);
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownChildren.has(name)) {
      throw new DagradError("Module", `"${name}" is already registered on ${this.constructor.name}`);
    }
  }

  /** Direct children with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.ownChildren];
  }

  /** Every parameter with its dotted name, depth first in registration order; a shared tensor is listed once. */
  namedParameters(): [string, Tensor][] {
    return this.collect((m) => m.ownParameters);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    return this.collect((m) => m.ownBuffers);
  }

  /** Number of trainable values. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  private namedTensors(): [string, Tensor][] {
    return [...this.namedParameters(), ...this.namedBuffers()];
  }

  private collect(own: (m: Module) => Map<string, Tensor>, prefix = "", seen = new Set<Tensor>(), out: [string, Tensor][] = []): [string, Tensor][] {
    for (const [name, t] of own(this)) {
      if (seen.has(t)) continue;
      seen.add(t);
      out.push([prefix + name, t]);
    }
    for (const [name, child] of this.ownChildren) child.collect(own, `${prefix}${name}.`, seen, out);
    return out;
  }

  /** Clear every parameter's gradient (sets .grad to null, as PyTorch does by default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Switch this module and all its children to training (true) or evaluation (false) mode. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.ownChildren.values()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** A snapshot of every parameter and buffer: copies, so later training does not change it. */
  stateDict(): StateDict {
    const dict: StateDict = {};
    for (const [name, t] of this.namedTensors()) dict[name] = new Tensor(t.data.slice(), [...t.shape]);
    return dict;
  }

  /**
   * Copy values from `dict` into this module's parameters and buffers. Every
   * key and shape is checked before anything is copied, so a bad dict changes
   * nothing. Values are converted to each parameter's dtype.
   */
  loadStateDict(dict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const own = this.namedTensors();
    const problems: [string, string][] = [];
    const missingKeys: string[] = [];
    for (const [name, t] of own) {
      const value = Object.hasOwn(dict, name) ? dict[name] : undefined;
      if (value === undefined) {
        missingKeys.push(name);
        if (strict) problems.push([name, `missing key "${name}" (expected shape ${formatShape(t.shape)})`]);
      } else if (!(value instanceof Tensor)) {
        problems.push([name, `"${name}" is not a Tensor`]);
      } else if (value.shape.length !== t.shape.length || value.shape.some((d, i) => d !== t.shape[i])) {
        problems.push([name, `"${name}" has shape ${formatShape(value.shape)}, expected ${formatShape(t.shape)}`]);
      }
    }
    const ownNames = new Set(own.map(([name]) => name));
    const unexpectedKeys = Object.keys(dict).filter((k) => !ownNames.has(k));
    if (strict) for (const k of unexpectedKeys) problems.push([k, `unexpected key "${k}"`]);
    if (problems.length > 0) {
      throw new StateDictError("loadStateDict", `nothing was loaded into ${this.constructor.name}: ${problems.map(([, m]) => m).join("; ")}`, problems[0]![0]);
    }
    noGrad(() => {
      for (const [name, t] of own) {
        const value = dict[name];
        if (value !== undefined) t.copyFrom(value);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Write the state dict to a JSON file that records each tensor's shape and dtype. */
  save(path: string): void {
    writeTextFile(path, encodeStateDict(this.stateDict()));
  }

  /** Load a file written by save(); a missing key, wrong shape or corrupt file throws and loads nothing. */
  load(path: string): this {
    const dict = decodeStateDict(readTextFile(path), path);
    try {
      this.loadStateDict(dict, { strict: true });
    } catch (e) {
      if (e instanceof StateDictError) throw new StateDictError("load", `${path}: ${e.message}`, e.key);
      throw e;
    }
    return this;
  }

  /** One line for a leaf module; containers list their children indented. */
  toString(): string {
    const extra = this.describe();
    const head = `${this.constructor.name}(${extra}`;
    if (this.ownChildren.size === 0) return `${head})`;
    const lines = [...this.ownChildren].map(([name, child]) => `  (${name}): ${child.toString().replace(/\n/g, "\n  ")}`);
    return `${head}\n${lines.join("\n")}\n)`;
  }

  /** What toString shows between the parentheses (sizes, options). */
  protected describe(): string {
    return "";
  }
}
