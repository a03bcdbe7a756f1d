// What the hidden layers' units are doing, from one forward pass: how many of
// a sigmoid or tanh layer's pre-activations sit on the flat tails (where the
// derivative, and so the gradient through them, is nearly 0), and how many of
// a ReLU layer's units are dead (never positive, so never learning).
import type { Tensor } from "../autograd/index.js";
import type { ActivationName } from "./activations.js";
import { predict } from "./fit.js";
import type { MLP } from "./mlp.js";

/** |z| beyond which a unit counts as saturated: sigmoid'(3) = 0.045 (its peak is 0.25), tanh'(3) = 0.0099 (peak 1). */
export const SATURATION_Z = 3;

export interface LayerActivityStatistics {
  /** The hidden layer, counted from 1 (its Linear is linears[layer - 1]). */
  layer: number;
  activation: ActivationName;
  units: number;
  /** Sigmoid and tanh: the fraction of the batch's pre-activations with |z| > SATURATION_Z; null for others. */
  saturated: number | null;
  /** ReLU: the units whose pre-activation is at most 0 on every row of the batch; null for others. */
  dead: number | null;
}

/**
 * The hidden layers' activity on a batch x, in eval mode and without a graph
 * (so batch norm uses its running statistics and nothing is trained): one
 * entry per hidden layer, read from the inputs of its activation module.
 */
export function layerActivity(model: MLP, x: Tensor): LayerActivityStatistics[] {
  const hidden = model.activationModules.slice(0, -1);
  const inputs: Tensor[] = new Array<Tensor>(hidden.length);
  const removers = hidden.map((module, i) => module.registerForwardHook((_, z) => { inputs[i] = z; }));
  try {
    predict(model, x);
  } finally {
    for (const remove of removers) remove();
  }
  return hidden.map((_, i) => {
    const z = inputs[i]!;
    const activation = model.activations[i]!;
    const units = z.shape[z.ndim - 1]!;
    const rows = z.size / units;
    let saturated: number | null = null, dead: number | null = null;
    if (activation === "sigmoid" || activation === "tanh") {
      let count = 0;
      for (let k = 0; k < z.size; k++) if (Math.abs(z.data[k]!) > SATURATION_Z) count++;
      saturated = count / z.size;
    } else if (activation === "relu") {
      dead = 0;
      for (let u = 0; u < units; u++) {
        let alive = false;
        for (let r = 0; r < rows && !alive; r++) alive = z.data[r * units + u]! > 0;
        if (!alive) dead++;
      }
    }
    return { layer: i + 1, activation, units, saturated, dead };
  });
}
