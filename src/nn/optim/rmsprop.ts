// RMSprop, as torch.optim.RMSprop:
//   g = grad + weightDecay * w,  v = alpha v + (1 - alpha) g^2
//   centered: gAvg = alpha gAvg + (1 - alpha) g, denom = sqrt(v - gAvg^2) + eps; else denom = sqrt(v) + eps
//   momentum > 0: b = momentum b + g / denom, w -= lr b; else w -= lr g / denom
import { checkNumber } from "../../autograd/options.js";
import { type BaseHyperparameters, type FloatArray, Optimizer, type ParamGroup, type ParamsInput, type StateLayout, bufferLike } from "./optimizer.js";

export interface RMSpropHyperparameters extends BaseHyperparameters {
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
}

interface RMSpropState {
  /** v, gAvg (centered) and b (momentum); PyTorch's square_avg, grad_avg, momentum_buffer. */
  squareAvg: FloatArray | null;
  gradAvg: FloatArray | null;
  momentumBuffer: FloatArray | null;
}

export class RMSprop extends Optimizer<RMSpropHyperparameters, RMSpropState> {
  constructor(params: ParamsInput<RMSpropHyperparameters>, options: Partial<RMSpropHyperparameters> = {}) {
    super("RMSprop", params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false }, options);
  }

  protected override validate(group: ParamGroup<RMSpropHyperparameters>, index: number, loading?: boolean): void {
    super.validate(group, index, loading);
    // alpha 1 never updates v from 0, so every step divides by eps alone.
    checkNumber(this.name, `alpha of group ${index}`, group.alpha, { min: 0, max: 1, maxOpen: true });
    checkNumber(this.name, `eps of group ${index}`, group.eps, { min: 0, minOpen: true });
    checkNumber(this.name, `momentum of group ${index}`, group.momentum, { min: 0, max: 1, maxOpen: true });
    this.requireFlag(group.centered, `centered of group ${index}`);
  }

  protected initState(): RMSpropState {
    return { squareAvg: null, gradAvg: null, momentumBuffer: null };
  }

  protected readonly stateLayout: StateLayout<RMSpropState> = { squareAvg: "buffer", gradAvg: "buffer", momentumBuffer: "buffer" };

  protected update(w: FloatArray, grad: FloatArray, state: RMSpropState, group: ParamGroup<RMSpropHyperparameters>): void {
    const { lr, weightDecay, alpha, eps, momentum, centered } = group;
    const v = state.squareAvg ?? (state.squareAvg = bufferLike(w));
    const gAvg = centered ? state.gradAvg ?? (state.gradAvg = bufferLike(w)) : null;
    const b = momentum > 0 ? state.momentumBuffer ?? (state.momentumBuffer = bufferLike(w)) : null;
    for (let i = 0; i < w.length; i++) {
      const g = grad[i]! + weightDecay * w[i]!;
      const vi = alpha * v[i]! + (1 - alpha) * g * g;
      v[i] = vi;
      let variance = vi;
      if (gAvg !== null) {
        const ai = alpha * gAvg[i]! + (1 - alpha) * g;
        gAvg[i] = ai;
        variance -= ai * ai;
      }
      const scaled = g / (Math.sqrt(variance) + eps);
      if (b !== null) {
        b[i] = momentum * b[i]! + scaled;
        w[i] -= lr * b[i]!;
      } else {
        w[i] -= lr * scaled;
      }
    }
  }
}
