// The Module base: a tree of named parameters, buffers and child modules, as
// in PyTorch. What a module owns is read from its own properties, in the
// order they were created: a field holding a Module is a child, a leaf tensor
// that requires grad is a parameter, an array or plain record of modules (and
// parameters) is a list named `field.0`, `field.1`, ... (PyTorch's ModuleList
// and ModuleDict naming). registerParameter/registerBuffer/registerModule set
// such a property and record buffers, which a field alone cannot say. Names
// are dotted paths from the module asked (`layers.0.weight`), and every walk
// of the tree sets each tensor's .name to its path so toDot and errors show it.
// A module touches no file: its state dict goes to JSON text and back with
// stateDictToJson/stateDictFromJson (state.ts), and to a file with saveModule
// and loadModule from the Node-only entry dagrad/node.
import { CaptureError, DagradError, Tensor, formatShape, noGrad } from "../autograd/index.js";
import { refuseWhileCapturing } from "../autograd/errors.js";
import { checkBeforeReplay, taping } from "../kernels/tape.js";
import { StateDictError } from "./errors.js";

/** Parameters and buffers by dotted name. */
export type StateDict = Record<string, Tensor>;

/** Called after a module's forward with the module, its input and its output (registerForwardHook). */
export type ForwardHook = (module: Module, input: Tensor, output: Tensor) => void;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shapes must always match. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** A child as found on its parent: in a field of its own, or at `key` of an array or record field. */
interface ChildEntry {
  name: string;
  module: Module;
  container?: { field: string; key: string; kind: "ModuleList" | "ModuleDict" };
}

/** What one module holds itself, in property order. */
interface OwnEntries {
  parameters: [string, Tensor][];
  buffers: [string, Tensor][];
  children: ChildEntry[];
}

function isParameterLike(v: unknown): v is Tensor {
  return v instanceof Tensor && v.requiresGrad && v.isLeaf;
}

/**
 * The modules and parameters in an array or a plain record, by key; null when
 * it holds anything else (numbers, strings, data tensors), so a list of data
 * is never mistaken for one of layers. Empty slots (null) are skipped.
 */
function containerEntries(v: unknown): [string, Module | Tensor][] | null {
  const isArray = Array.isArray(v);
  const isRecord = typeof v === "object" && v !== null && !isArray && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
  if (!isArray && !isRecord) return null;
  const entries: [string, Module | Tensor][] = [];
  for (const [key, item] of Object.entries(v as object)) {
    if (item instanceof Module || isParameterLike(item)) entries.push([key, item]);
    else if (item !== null && item !== undefined) return null;
  }
  return entries.length > 0 ? entries : null;
}

export abstract class Module {
  /** Training mode (the default): Dropout drops and BatchNorm uses batch statistics. */
  training = true;
  /**
   * Names known as parameters or buffers. A buffer can only be told apart from
   * a plain tensor field this way; a parameter stays one when frozen
   * (requiresGrad set to false), so it keeps its place in the state dict.
   */
  readonly #kinds = new Map<string, "parameter" | "buffer">();
  readonly #forwardHooks: ForwardHook[] = [];
  /** While hooks are registered: the forward property this instance had of its own before (undefined: none, the class's). */
  #ownForward: PropertyDescriptor | undefined;

  abstract forward(x: Tensor): Tensor;

  /**
   * Call hook(module, input, output) after every forward of this module, as
   * PyTorch's register_forward_hook (to look at activations, say); returns a
   * function that removes it. Modules call each other's forward directly
   * (there is no __call__ to hook into), so the first hook wraps this
   * instance's forward and removing the last one puts it back.
   */
  registerForwardHook(hook: ForwardHook): () => void {
    if (typeof hook !== "function") throw new DagradError("registerForwardHook", `hook must be a function (module, input, output) => void, got ${typeof hook}`);
    if (this.#forwardHooks.length === 0) {
      this.#ownForward = Object.getOwnPropertyDescriptor(this, "forward");
      const inner = this.forward;
      const hooked = (x: Tensor): Tensor => {
        refuseWhileCapturing("registerForwardHook", "a forward hook is JavaScript run after each forward, and a replay runs the recorded kernels only");
        const y = inner.call(this, x);
        for (const h of [...this.#forwardHooks]) h(this, x, y);
        return y;
      };
      Object.defineProperty(this, "forward", { value: hooked, writable: true, configurable: true, enumerable: false });
    }
    this.#forwardHooks.push(hook);
    return () => {
      const at = this.#forwardHooks.indexOf(hook);
      if (at < 0) return;
      this.#forwardHooks.splice(at, 1);
      if (this.#forwardHooks.length > 0) return;
      if (this.#ownForward === undefined) delete (this as { forward?: unknown }).forward;
      else Object.defineProperty(this, "forward", this.#ownForward);
    };
  }

  /** Make `t` a trainable parameter of this module (it is set to require grad) and the field `name`. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    if (!(t instanceof Tensor)) throw new DagradError("Module", `cannot register parameter "${name}": it is not a Tensor`);
    this.#claim(name);
    t.requiresGrad = true;
    t.name = name;
    this.#kinds.set(name, "parameter");
    this.#define(name, t);
    return t;
  }

  /** State that is saved and loaded but not trained (BatchNorm's running statistics); also the field `name`. */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    if (!(t instanceof Tensor)) throw new DagradError("Module", `cannot register buffer "${name}": it is not a Tensor`);
    this.#claim(name);
    t.name = name;
    this.#kinds.set(name, "buffer");
    this.#define(name, t);
    return t;
  }

  /** The same as assigning the field `name`, with its name checked. */
  protected registerModule<M extends Module>(name: string, child: M): M {
    if (!(child instanceof Module)) throw new DagradError("Module", `cannot register "${name}": it is not a Module`);
    this.#claim(name);
    this.#define(name, child);
    for (const [path, t] of child.namedTensors()) t.name = `${name}.${path}`;
    return child;
  }

  #claim(name: string): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) throw new DagradError("Module", `invalid name "${String(name)}": names must be non-empty and contain no dots`);
    if (!Object.hasOwn(this, name) && name in this) throw new DagradError("Module", `"${name}" would hide ${this.constructor.name}'s own ${name}; choose another name`);
    const current: unknown = (this as Record<string, unknown>)[name];
    if (this.#kinds.has(name) || current instanceof Module || isParameterLike(current)) {
      throw new DagradError("Module", `"${name}" is already registered on ${this.constructor.name}`);
    }
  }

  #define(name: string, value: Module | Tensor): void {
    Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
  }

  /** This module's own parameters, buffers and children, read from its properties now. */
  #own(): OwnEntries {
    const own: OwnEntries = { parameters: [], buffers: [], children: [] };
    const addTensor = (name: string, t: Tensor): void => {
      const kind = this.#kinds.get(name) ?? (isParameterLike(t) ? "parameter" : undefined);
      if (kind === undefined) return;
      this.#kinds.set(name, kind);
      (kind === "parameter" ? own.parameters : own.buffers).push([name, t]);
    };
    for (const [field, value] of Object.entries(this)) {
      if (value instanceof Module) own.children.push({ name: field, module: value });
      else if (value instanceof Tensor) addTensor(field, value);
      else {
        const entries = containerEntries(value);
        const kind = Array.isArray(value) ? "ModuleList" : "ModuleDict";
        for (const [key, item] of entries ?? []) {
          const name = `${field}.${key}`;
          if (item instanceof Module) own.children.push({ name, module: item, container: { field, key, kind } });
          else addTensor(name, item);
        }
      }
    }
    return own;
  }

  /** Every module below this one (itself first), depth first, each once; a field pointing back up the tree is not followed. */
  #walk(visit: (prefix: string, own: OwnEntries, module: Module) => void): void {
    const seen = new Set<Module>();
    const go = (module: Module, prefix: string): void => {
      if (seen.has(module)) return;
      seen.add(module);
      const own = module.#own();
      visit(prefix, own, module);
      for (const child of own.children) go(child.module, `${prefix}${child.name}.`);
    };
    go(this, "");
  }

  /** Direct children with their names, in the order their fields were made; a module held twice is listed once. */
  namedChildren(): [string, Module][] {
    const out = new Map<Module, string>();
    for (const { name, module } of this.#own().children) if (!out.has(module)) out.set(module, name);
    return [...out].map(([module, name]) => [name, module]);
  }

  /** Every parameter with its dotted name, depth first; a shared tensor is listed once. */
  namedParameters(): [string, Tensor][] {
    return this.#collect((own) => own.parameters);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    return this.#collect((own) => own.buffers);
  }

  /** Number of trainable values. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  private namedTensors(): [string, Tensor][] {
    return [...this.namedParameters(), ...this.namedBuffers()];
  }

  #collect(pick: (own: OwnEntries) => [string, Tensor][]): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    this.#walk((prefix, own) => {
      for (const [name, t] of pick(own)) {
        if (seen.has(t)) continue;
        seen.add(t);
        t.name = prefix + name;
        out.push([prefix + name, t]);
      }
    });
    return out;
  }

  /** Clear every parameter's gradient (sets .grad to null, as PyTorch does by default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Switch this module and all its children to training (true) or evaluation (false) mode. */
  train(mode = true): this {
    this.#walk((_, __, module) => { module.training = mode; });
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * For a module whose forward depends on its mode: while a captured step
   * records, have every replay first check the mode is still the one recorded
   * (a replay repeats one mode's kernel calls, whatever the mode is now).
   */
  protected keepModeOnReplay(op: string): void {
    if (!taping()) return;
    const training = this.training;
    checkBeforeReplay(() => {
      if (this.training === training) return;
      const mode = (isTraining: boolean): string => (isTraining ? "training" : "evaluation");
      throw new CaptureError(op, `the step was captured with this module in ${mode(training)} mode and it is in ${mode(this.training)} mode now, so a replay would run the wrong mode's kernels; capture the step again after train() or eval()`);
    });
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
    const own = this.namedTensors();
    const { problems, missingKeys, unexpectedKeys } = stateDictProblems(own, dict, options.strict ?? true);
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

  /** One line for a leaf module; others list their children indented, arrays and records of modules as PyTorch's ModuleList and ModuleDict. */
  toString(): string {
    return this.#format(new Set());
  }

  #format(ancestors: Set<Module>): string {
    const head = `${this.constructor.name}(${this.describe()}`;
    const inner = new Set(ancestors).add(this);
    const children = this.#own().children.filter((c) => !inner.has(c.module));
    if (children.length === 0) return `${head})`;
    const indent = (text: string): string => text.replace(/\n/g, "\n  ");
    const lines: string[] = [];
    for (let i = 0; i < children.length; i++) {
      const { name, module, container } = children[i]!;
      if (container === undefined) {
        lines.push(`  (${name}): ${indent(module.#format(inner))}`);
        continue;
      }
      const items: string[] = [];
      for (; i < children.length && children[i]!.container?.field === container.field; i++) {
        items.push(`  (${children[i]!.container!.key}): ${indent(children[i]!.module.#format(inner))}`);
      }
      i--;
      lines.push(`  (${container.field}): ${indent(`${container.kind}(\n${items.join("\n")}\n)`)}`);
    }
    return `${head}\n${lines.join("\n")}\n)`;
  }

  /** What toString shows between the parentheses (sizes, options). */
  protected describe(): string {
    return "";
  }
}

/**
 * What keeps `dict` from filling `expected` (name, tensor) by name: missing
 * keys (problems only when strict), unexpected keys (likewise), values that
 * are not tensors, shapes that differ. Each problem is [key, message]. Shared
 * by loadStateDict and loaders of other naming schemes; copies nothing.
 */
export function stateDictProblems(
  expected: readonly (readonly [string, Tensor])[],
  dict: StateDict,
  strict: boolean,
): { problems: [string, string][]; missingKeys: string[]; unexpectedKeys: string[] } {
  const problems: [string, string][] = [];
  const missingKeys: string[] = [];
  for (const [name, t] of expected) {
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
  const known = new Set(expected.map(([name]) => name));
  const unexpectedKeys = Object.keys(dict).filter((k) => !known.has(k));
  if (strict) for (const k of unexpectedKeys) problems.push([k, `unexpected key "${k}"`]);
  return { problems, missingKeys, unexpectedKeys };
}
