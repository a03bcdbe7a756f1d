// Adam and AdamW, as torch.optim: with t the parameter's step count,
//   m = beta1 m + (1 - beta1) g,  v = beta2 v + (1 - beta2) g^2
//   w -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// Adam adds weightDecay * w to g (L2); AdamW instead first shrinks w by
// (1 - lr * weightDecay), decoupled from the moments (Loshchilov & Hutter).
import { DagradError } from "../../autograd/index.js";
import { checkNumber } from "../../autograd/options.js";
import { type BaseHyperparameters, type FloatArray, Optimizer, type ParamGroup, type ParamsInput, type StateLayout, bufferLike } from "./optimizer.js";

export interface AdamHyperparameters extends BaseHyperparameters {
  betas: readonly [number, number];
  eps: number;
  /** Use the running maximum of v (AMSGrad). */
  amsgrad: boolean;
}

interface AdamState {
  step: number;
  /** m, v and (AMSGrad) the running maximum of v; PyTorch's exp_avg, exp_avg_sq, max_exp_avg_sq. */
  expAvg: FloatArray | null;
  expAvgSq: FloatArray | null;
  maxExpAvgSq: FloatArray | null;
}

abstract class AdamFamily extends Optimizer<AdamHyperparameters, AdamState> {
  protected abstract readonly decoupledWeightDecay: boolean;

  protected override validate(group: ParamGroup<AdamHyperparameters>, index: number, loading?: boolean): void {
    super.validate(group, index, loading);
    if (!Array.isArray(group.betas) || group.betas.length !== 2) throw new DagradError(this.name, `betas of group ${index} must be two numbers [beta1, beta2], got ${JSON.stringify(group.betas)}`);
    checkNumber(this.name, `betas[0] of group ${index}`, group.betas[0], { min: 0, max: 1, maxOpen: true });
    checkNumber(this.name, `betas[1] of group ${index}`, group.betas[1], { min: 0, max: 1, maxOpen: true });
    checkNumber(this.name, `eps of group ${index}`, group.eps, { min: 0, minOpen: true });
    this.requireFlag(group.amsgrad, `amsgrad of group ${index}`);
  }

  protected initState(): AdamState {
    return { step: 0, expAvg: null, expAvgSq: null, maxExpAvgSq: null };
  }

  protected readonly stateLayout: StateLayout<AdamState> = { step: "count", expAvg: "buffer", expAvgSq: "buffer", maxExpAvgSq: "buffer" };

  protected update(w: FloatArray, grad: FloatArray, state: AdamState, group: ParamGroup<AdamHyperparameters>): void {
    const { lr, weightDecay, eps, amsgrad } = group;
    const [beta1, beta2] = group.betas;
    const m = state.expAvg ?? (state.expAvg = bufferLike(w));
    const v = state.expAvgSq ?? (state.expAvgSq = bufferLike(w));
    const vMax = amsgrad ? state.maxExpAvgSq ?? (state.maxExpAvgSq = bufferLike(w)) : v;
    const t = ++state.step;
    const stepSize = lr / (1 - beta1 ** t);
    const sqrtCorrection2 = Math.sqrt(1 - beta2 ** t);
    const shrink = this.decoupledWeightDecay ? 1 - lr * weightDecay : 1;
    const l2 = this.decoupledWeightDecay ? 0 : weightDecay;
    for (let i = 0; i < w.length; i++) {
      const wi = w[i]! * shrink;
      const g = grad[i]! + l2 * wi;
      const mi = beta1 * m[i]! + (1 - beta1) * g;
      const vi = beta2 * v[i]! + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      if (amsgrad && vi > vMax[i]!) vMax[i] = vi;
      w[i] = wi - stepSize * mi / (Math.sqrt(vMax[i]!) / sqrtCorrection2 + eps);
    }
  }
}

export class Adam extends AdamFamily {
  protected readonly decoupledWeightDecay = false;
  constructor(params: ParamsInput<AdamHyperparameters>, options: Partial<AdamHyperparameters> = {}) {
    super("Adam", params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false }, options);
  }
}

/** Adam with decoupled weight decay (default 0.01, as PyTorch). */
export class AdamW extends AdamFamily {
  protected readonly decoupledWeightDecay = true;
  constructor(params: ParamsInput<AdamHyperparameters>, options: Partial<AdamHyperparameters> = {}) {
    super("AdamW", params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false }, options);
  }
}
