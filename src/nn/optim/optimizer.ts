// The optimizer base: parameter groups with their own hyperparameters, and a
// step() that hands each parameter's buffers to the subclass's update rule.
// Updates write .data in place and bump the version counter; state buffers
// are allocated once, on a parameter's first step, so a step allocates nothing.
import { DagradError, Tensor, withGradMode } from "../../autograd/index.js";

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

export abstract class Optimizer<H extends BaseHyperparameters, S> {
  readonly paramGroups: ParamGroup<H>[];
  /** Per-parameter state (moment buffers, step counts), created on the parameter's first step. */
  protected readonly state = new Map<Tensor, S>();
  protected readonly name: string;

  protected constructor(name: string, params: ParamsInput<H>, defaults: H) {
    this.name = name;
    if (!Array.isArray(params) || params.length === 0) throw new DagradError(name, "got an empty parameter list; pass model.parameters()");
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
      const group = { ...defaults, ...spec, params: [...list] } as ParamGroup<H>;
      this.validate(group, g);
      return group;
    });
  }

  /** Throw on a hyperparameter out of range; subclasses add their own checks. */
  protected validate(group: ParamGroup<H>, index: number): void {
    this.requireRange(group.lr, `lr of group ${index}`, 0, Infinity);
    this.requireRange(group.weightDecay, `weightDecay of group ${index}`, 0, Infinity);
  }

  protected requireRange(value: number, what: string, min: number, max: number, maxInclusive = true): void {
    const ok = typeof value === "number" && value >= min && (maxInclusive ? value <= max : value < max);
    if (!ok) throw new DagradError(this.name, `${what} must be in [${min}, ${max}${maxInclusive ? "]" : ")"}, got ${String(value)}`);
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

  /** Update w in place from its gradient g. */
  protected abstract update(w: FloatArray, g: FloatArray, state: S, group: ParamGroup<H>): void;
}

/** A zero buffer of w's length and dtype. */
export function bufferLike(w: FloatArray): FloatArray {
  return w instanceof Float64Array ? new Float64Array(w.length) : new Float32Array(w.length);
}
