// The optimizer base: parameter groups with their own hyperparameters, and a
// step() that hands each parameter's buffers to the subclass's update rule.
// Updates write .data in place and bump the version counter; state buffers
// are allocated once, on a parameter's first step, so a step allocates nothing.
// stateDict()/loadStateDict() save and restore the groups and the state as
// JSON values, with parameters numbered in group order (as PyTorch's).
import { DagradError, Tensor, formatShape, withGradMode } from "../../autograd/index.js";
import { checkNumber } from "../../autograd/options.js";
import { StateDictError } from "../errors.js";
import { type JsonNumber, type TensorRecord, decodeNumber, decodeTensor, encodeNumber, encodeTensor, isRecord } from "../serial.js";

export type FloatArray = Tensor["data"];

/** What every optimizer's hyperparameters include; schedulers change lr. */
export interface BaseHyperparameters {
  lr: number;
  weightDecay: number;
}

/** A group of parameters sharing hyperparameters. */
export type ParamGroup<H extends BaseHyperparameters> = H & { readonly params: readonly Tensor[] };

/** A group as given to a constructor: hyperparameters left out take the optimizer's defaults. */
export type ParamGroupSpec<H extends BaseHyperparameters> = Partial<H> & { params: readonly Tensor[] };

export type ParamsInput<H extends BaseHyperparameters> = readonly Tensor[] | readonly ParamGroupSpec<H>[];

/** How each field of a parameter's state is saved: a buffer shaped like the parameter, or a step count. */
export type StateLayout<S> = { readonly [K in keyof S]: S[K] extends number ? "count" : "buffer" };

export type HyperparameterValue = JsonNumber | boolean | JsonNumber[];

/** A group's hyperparameters and the numbers of its parameters. */
export type SavedParamGroup = { params: number[] } & Record<string, HyperparameterValue>;

/**
 * An optimizer's state as JSON values: `state` maps a parameter's number (its
 * position counting through the groups in order) to its buffers and counts;
 * a parameter that has not been stepped yet has no entry.
 */
export interface OptimizerStateDict {
  optimizer: string;
  state: Record<string, Record<string, JsonNumber | TensorRecord>>;
  paramGroups: SavedParamGroup[];
}

export abstract class Optimizer<H extends BaseHyperparameters, S> {
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state (moment buffers, step counts), created on the parameter's first step. */
  protected readonly state = new Map<Tensor, S>();
  protected readonly name: string;

  /** `defaults` lists every hyperparameter; `options` and each group may set any of them, nothing else. */
  protected constructor(name: string, params: ParamsInput<H>, defaults: H, options: Partial<H>) {
    this.name = name;
    if (!Array.isArray(params) || params.length === 0) throw new DagradError(name, "got no parameters to optimize; pass model.parameters(), and if that is empty, keep the model's layers and weights in its fields (not #private ones), in arrays or records there, or register them with registerModule/registerParameter");
    this.refuseUnknown(options, defaults, "options");
    const specs: readonly ParamGroupSpec<H>[] = params[0] instanceof Tensor ? [{ params: params as readonly Tensor[] } as ParamGroupSpec<H>] : (params as readonly ParamGroupSpec<H>[]);
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec, g) => {
      const list = spec?.params;
      if (!Array.isArray(list) || list.length === 0) throw new DagradError(name, `parameter group ${g} has no params`);
      list.forEach((p, i) => {
        if (!(p instanceof Tensor)) throw new DagradError(name, `group ${g}, parameter ${i} is not a Tensor`);
        if (!p.isLeaf) throw new DagradError(name, `group ${g}, parameter ${i}${p.name ? ` (${p.name})` : ""} was made by ${p.op}: only leaf tensors can be optimized`);
        if (seen.has(p)) throw new DagradError(name, `parameter ${p.name ?? i} appears in more than one group`);
        seen.add(p);
      });
      const { params: _, ...hyperparameters } = spec;
      this.refuseUnknown(hyperparameters, defaults, `parameter group ${g}`);
      const group = { ...defaults, ...options, ...hyperparameters, params: [...list] } as ParamGroup<H>;
      this.validate(group, g);
      return group;
    });
  }

  /** A misspelt option would otherwise be ignored without a word. */
  private refuseUnknown(given: object, defaults: H, where: string): void {
    const unknown = Object.keys(given).filter((k) => !Object.hasOwn(defaults, k));
    if (unknown.length > 0) {
      throw new DagradError(this.name, `unknown ${unknown.map((k) => `"${k}"`).join(", ")} in ${where}; ${this.name} takes ${Object.keys(defaults).join(", ")}`);
    }
  }

  /**
   * Throw on a hyperparameter out of range; subclasses add their own checks.
   * A loaded state may carry lr 0, where a schedule (cosine to etaMin 0) ended.
   */
  protected validate(group: ParamGroup<H>, index: number, loading = false): void {
    checkNumber(this.name, `lr of group ${index}`, group.lr, { min: 0, minOpen: !loading });
    checkNumber(this.name, `weightDecay of group ${index}`, group.weightDecay, { min: 0 });
  }

  protected requireFlag(value: unknown, what: string): void {
    if (typeof value !== "boolean") throw new DagradError(this.name, `${what} must be true or false, got ${JSON.stringify(value)}`);
  }

  /** Clear the gradients (to null by default, as PyTorch; pass false to zero the buffers in place instead). */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad.data.fill(0);
      }
    }
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    withGradMode(false, () => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const g = p.grad;
          if (g === null) continue;
          if (g.size !== p.size) throw new DagradError(this.name, `gradient of ${p.name ?? "a parameter"} has ${g.size} elements, the parameter ${p.size}`);
          let s = this.state.get(p);
          if (s === undefined) {
            s = this.initState();
            this.state.set(p, s);
          }
          this.update(p.data, g.data, s, group);
          p.markModified();
        }
      }
    });
  }

  /** A parameter's state before its first step; buffers are allocated by update on that step. */
  protected abstract initState(): S;

  /** The fields of S, for saving and loading. */
  protected abstract readonly stateLayout: StateLayout<S>;

  /** The hyperparameters of every group and each parameter's state, as JSON values (copies). */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict["state"] = {};
    let id = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...hyperparameters } = group;
      const saved: SavedParamGroup = { ...encodeHyperparameters(hyperparameters), params: [] };
      for (const p of params) {
        const s = this.state.get(p);
        if (s !== undefined) state[String(id)] = this.encodeState(s, p);
        saved.params.push(id++);
      }
      return saved;
    });
    return { optimizer: this.name, state, paramGroups };
  }

  /**
   * Restore what stateDict() returned (also after a JSON round trip) into an
   * optimizer made the same way: the same kind, groups of the same sizes,
   * parameters of the same shapes. Everything is checked before anything
   * changes, so a state that does not fit throws a StateDictError and loads nothing.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const op = `${this.name}.loadStateDict`;
    const fail = (why: string, key?: string): never => {
      throw new StateDictError(op, `${why}; nothing was loaded`, key);
    };
    if (!isRecord(dict) || !Array.isArray(dict.paramGroups) || !isRecord(dict.state)) return fail("expected { optimizer, state, paramGroups } as returned by stateDict()");
    if (dict.optimizer !== this.name) return fail(`the state was saved by ${JSON.stringify(dict.optimizer)}, this optimizer is ${this.name}; load it into a new ${String(dict.optimizer)}(...)`);
    const saved = dict.paramGroups;
    if (saved.length !== this.paramGroups.length) return fail(`the state has ${saved.length} parameter groups, this optimizer ${this.paramGroups.length}`);
    const byId = new Map<number, Tensor>();
    const groups = this.paramGroups.map((group, g) => {
      const savedGroup: unknown = saved[g];
      if (!isRecord(savedGroup)) return fail(`parameter group ${g} is not an object`);
      const ids = savedGroup.params;
      if (!Array.isArray(ids) || ids.length !== group.params.length) {
        return fail(`parameter group ${g} has ${Array.isArray(ids) ? ids.length : "no"} parameters in the state, ${group.params.length} here: pass the same model.parameters() as when it was saved`);
      }
      ids.forEach((id: unknown, i) => {
        if (!Number.isInteger(id) || (id as number) < 0 || byId.has(id as number)) return fail(`parameter group ${g} lists ${JSON.stringify(id)}, expected distinct parameter numbers`);
        byId.set(id as number, group.params[i]!);
      });
      const candidate = decodeHyperparameters(group, savedGroup, g, fail);
      try {
        this.validate(candidate, g, true);
      } catch (e) {
        if (e instanceof DagradError) return fail(e.message);
        throw e;
      }
      return candidate;
    });
    const state = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(dict.state)) {
      const p = /^(0|[1-9][0-9]*)$/.test(key) ? byId.get(Number(key)) : undefined;
      if (p === undefined) return fail(`the state has an entry for parameter ${JSON.stringify(key)}, which no group lists`);
      state.set(p, this.decodeState(entry, p, key, fail));
    }
    groups.forEach((candidate, g) => Object.assign(this.paramGroups[g]!, candidate));
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }

  private encodeState(s: S, p: Tensor): Record<string, JsonNumber | TensorRecord> {
    const out: Record<string, JsonNumber | TensorRecord> = {};
    const values = s as Record<string, number | FloatArray | null>;
    for (const [field, kind] of Object.entries<"count" | "buffer">(this.stateLayout)) {
      const v = values[field];
      if (kind === "count") out[field] = encodeNumber(v as number);
      else if (v !== null && v !== undefined) out[field] = encodeTensor(new Tensor((v as FloatArray).slice(), p.shape));
    }
    return out;
  }

  private decodeState(entry: unknown, p: Tensor, id: string, fail: (why: string, key?: string) => never): S {
    const what = `the state of parameter ${id}${p.name ? ` (${p.name})` : ""}`;
    const layout = this.stateLayout as Record<string, "count" | "buffer">;
    if (!isRecord(entry)) return fail(`${what} is not an object`, p.name);
    const unknown = Object.keys(entry).filter((k) => !Object.hasOwn(layout, k));
    if (unknown.length > 0) return fail(`${what} has ${unknown.map((k) => `"${k}"`).join(", ")}, which ${this.name} does not keep (it keeps ${Object.keys(layout).join(", ")})`, p.name);
    const s = this.initState() as Record<string, number | FloatArray | null>;
    for (const [field, kind] of Object.entries(layout)) {
      const v = entry[field];
      if (kind === "count") {
        const n = decodeNumber(v);
        if (n === undefined || !Number.isInteger(n) || n < 0) return fail(`${what}: ${field} is ${JSON.stringify(v)}, expected a non-negative integer`, p.name);
        s[field] = n;
      } else if (v === undefined || v === null) {
        s[field] = null;
      } else {
        const t = decodeTensor(v, (why) => fail(`${what}: ${field} ${why}`, p.name));
        if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
          return fail(`${what}: ${field} has shape ${formatShape(t.shape)}, the parameter ${formatShape(p.shape)}`, p.name);
        }
        const buffer = bufferLike(p.data);
        buffer.set(t.data);
        s[field] = buffer;
      }
    }
    return s as S;
  }

  /** Update w in place from its gradient g. */
  protected abstract update(w: FloatArray, g: FloatArray, state: S, group: ParamGroup<H>): void;
}

function encodeHyperparameters(h: Record<string, unknown>): Record<string, HyperparameterValue> {
  const out: Record<string, HyperparameterValue> = {};
  for (const [key, v] of Object.entries(h)) {
    out[key] = typeof v === "number" ? encodeNumber(v) : Array.isArray(v) ? v.map(encodeNumber) : (v as boolean);
  }
  return out;
}

/** The group with each hyperparameter replaced by the saved one, which must have the same kind (number, flag, list). */
function decodeHyperparameters<G extends { params: readonly Tensor[] }>(group: G, saved: Record<string, unknown>, g: number, fail: (why: string) => never): G {
  const current = group as unknown as Record<string, unknown>;
  const names = Object.keys(current).filter((k) => k !== "params");
  const extra = Object.keys(saved).filter((k) => k !== "params" && !names.includes(k));
  if (extra.length > 0) return fail(`parameter group ${g} has ${extra.map((k) => `"${k}"`).join(", ")}, which this optimizer does not have`);
  const out: Record<string, unknown> = { ...current };
  for (const name of names) {
    const now = current[name], v = saved[name];
    const bad = (): never => fail(`${name} of parameter group ${g} is ${JSON.stringify(v)}, expected ${Array.isArray(now) ? `a list of ${now.length} numbers` : `a ${typeof now}`}`);
    if (typeof now === "boolean") out[name] = typeof v === "boolean" ? v : bad();
    else if (Array.isArray(now)) out[name] = Array.isArray(v) && v.length === now.length ? v.map((x) => decodeNumber(x) ?? bad()) : bad();
    else out[name] = decodeNumber(v) ?? bad();
  }
  return out as G;
}

/** A zero buffer of w's length and dtype. */
export function bufferLike(w: FloatArray): FloatArray {
  return w instanceof Float64Array ? new Float64Array(w.length) : new Float32Array(w.length);
}
