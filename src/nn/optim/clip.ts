// Gradient clipping, in place on .grad, as torch.nn.utils.clip_grad_norm_ /
// clip_grad_value_. Parameters without a gradient are skipped.
import { DagradError, type Tensor } from "../../autograd/index.js";

/**
 * Scale all gradients together so their global norm is at most maxNorm (by
 * maxNorm / (norm + 1e-6), as PyTorch; nothing changes when already below).
 * Returns the norm before clipping. normType is the p of the p-norm (2: L2; Infinity: max).
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2): number {
  if (!(maxNorm >= 0)) throw new DagradError("clipGradNorm", `maxNorm must be a non-negative number, got ${String(maxNorm)}`);
  if (!(normType > 0)) throw new DagradError("clipGradNorm", `normType must be positive (2 for L2, Infinity for max), got ${String(normType)}`);
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad !== null) grads.push(p.grad);
  let total = 0;
  for (const g of grads) {
    const d = g.data;
    if (normType === Infinity) {
      for (let i = 0; i < d.length; i++) total = Math.max(total, Math.abs(d[i]!));
    } else if (normType === 2) {
      for (let i = 0; i < d.length; i++) total += d[i]! * d[i]!;
    } else {
      for (let i = 0; i < d.length; i++) total += Math.abs(d[i]!) ** normType;
    }
  }
  const norm = normType === Infinity ? total : normType === 2 ? Math.sqrt(total) : total ** (1 / normType);
  const scale = maxNorm / (norm + 1e-6);
  if (scale < 1) {
    for (const g of grads) {
      const d = g.data;
      for (let i = 0; i < d.length; i++) d[i] *= scale;
      g.markModified();
    }
  }
  return norm;
}

/** Clamp every gradient element into [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new DagradError("clipGradValue", `clipValue must be a non-negative number, got ${String(clipValue)}`);
  for (const p of params) {
    if (p.grad === null) continue;
    const d = p.grad.data;
    for (let i = 0; i < d.length; i++) d[i] = Math.min(clipValue, Math.max(-clipValue, d[i]!));
    p.grad.markModified();
  }
}
