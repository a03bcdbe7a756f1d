// Stochastic gradient descent with momentum, dampening, Nesterov momentum and
// L2 weight decay, as torch.optim.SGD:
//   g = grad + weightDecay * w
//   b = g on the first step, else momentum * b + (1 - dampening) * g
//   w -= lr * (nesterov ? g + momentum * b : b)      (w -= lr * g without momentum)
import { DagradError } from "../../autograd/index.js";
import { checkNumber } from "../../autograd/options.js";
import { sgdUpdate } from "../../kernels/update.js";
import { type BaseHyperparameters, type FloatArray, Optimizer, type ParamGroup, type ParamsInput, type StateLayout, bufferLike } from "./optimizer.js";

export interface SGDHyperparameters extends BaseHyperparameters {
  momentum: number;
  dampening: number;
  nesterov: boolean;
}

interface SGDState {
  /** null until the first step with momentum, which sets it to that step's g (as PyTorch). */
  momentumBuffer: FloatArray | null;
}

export class SGD extends Optimizer<SGDHyperparameters, SGDState> {
  constructor(params: ParamsInput<SGDHyperparameters>, options: Partial<SGDHyperparameters> = {}) {
    super("SGD", params, { lr: 1e-3, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false }, options);
  }

  protected override validate(group: ParamGroup<SGDHyperparameters>, index: number, loading?: boolean): void {
    super.validate(group, index, loading);
    // momentum >= 1 makes the buffer a growing sum of every gradient so far.
    checkNumber(this.name, `momentum of group ${index}`, group.momentum, { min: 0, max: 1, maxOpen: true });
    checkNumber(this.name, `dampening of group ${index}`, group.dampening, { min: 0, max: 1 });
    this.requireFlag(group.nesterov, `nesterov of group ${index}`);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new DagradError(this.name, `nesterov needs momentum > 0 and dampening 0, group ${index} has momentum ${group.momentum} and dampening ${group.dampening}`);
    }
  }

  protected initState(): SGDState {
    return { momentumBuffer: null };
  }

  protected readonly stateLayout: StateLayout<SGDState> = { momentumBuffer: "buffer" };

  protected update(w: FloatArray, grad: FloatArray, state: SGDState, group: ParamGroup<SGDHyperparameters>): void {
    const { lr, weightDecay, momentum, dampening, nesterov } = group;
    const n = w.length;
    if (momentum === 0) return sgdUpdate(w, grad, lr, weightDecay);
    const first = state.momentumBuffer === null;
    const b = state.momentumBuffer ?? (state.momentumBuffer = bufferLike(w));
    for (let i = 0; i < n; i++) {
      const g = grad[i]! + weightDecay * w[i]!;
      const bi = first ? g : momentum * b[i]! + (1 - dampening) * g;
      b[i] = bi;
      w[i] -= lr * (nesterov ? g + momentum * bi : bi);
    }
  }
}
