// The reverse-mode sweep. One place does what every op's gradient needs:
// order the graph (iteratively: no recursion, so million-node chains are fine),
// sum broadcast gradients back to their input's shape, cast to the input's
// dtype, accumulate (never overwrite), run hooks, and release saved tensors.
import { addInto } from "../kernels/elementwise.js";
import { ownCopy } from "../kernels/layout.js";
import { allocatingFromSlabs } from "../kernels/shape.js";
import { GraphError, ShapeError, formatShape } from "./errors.js";
import { checkFinite, isAnomalyEnabled, withAnomalyMode, withGradMode } from "./graph.js";
import { Tensor, type NestedArray, type BackwardOptions } from "./tensor.js";
import { tensor } from "./creation.js";

/**
 * Tensors that require grad and are reachable from `roots`, each listed after
 * all of its inputs (post-order of an explicit-stack depth-first walk).
 */
export function topologicalOrder(roots: readonly Tensor[]): Tensor[] {
  return postOrder(roots, (t) => t.requiresGrad);
}

/**
 * Every tensor reachable from `roots` through inputs that `follow` accepts,
 * each after all of its inputs: a depth-first walk on an explicit stack (no
 * recursion, so a million-op chain is fine) that lists a tensor once all of
 * its inputs are listed.
 */
export function postOrder(roots: readonly Tensor[], follow: (input: Tensor) => boolean): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: Tensor[] = [];
  const nextInput: number[] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    stack.push(root);
    nextInput.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top]!;
      const inputs = t.inputs;
      const i = nextInput[top]!;
      if (i < inputs.length) {
        nextInput[top] = i + 1;
        const child = inputs[i]!;
        if (follow(child) && !visited.has(child)) {
          visited.add(child);
          stack.push(child);
          nextInput.push(0);
        }
      } else {
        stack.pop();
        nextInput.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/** Sum a gradient over the axes along which `input` was broadcast, then reshape to its shape. */
export function unbroadcast(grad: Tensor, shape: readonly number[]): Tensor {
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let d = 0; d < grad.ndim; d++) {
    if (d < lead || (shape[d - lead] === 1 && grad.shape[d] !== 1)) axes.push(d);
  }
  const summed = axes.length > 0 ? grad.sum(axes, true) : grad;
  return summed.ndim === shape.length ? summed : summed.reshape(shape);
}

function fitGradient(op: string, grad: Tensor, input: Tensor): Tensor {
  let g = grad;
  if (!sameDims(g.shape, input.shape)) {
    g = unbroadcast(g, input.shape);
    if (!sameDims(g.shape, input.shape)) {
      throw new ShapeError(op, `backward produced a gradient of shape ${formatShape(grad.shape)} for an input of shape ${formatShape(input.shape)}`, [grad.shape, input.shape]);
    }
  }
  return g.dtype === input.dtype ? g : g.to(input.dtype);
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether a backward rule's gradient for input i has a buffer of its own: not
 * the upstream gradient passed through (add, expand) or viewed (reshape), and
 * not handed to another input of the same op too.
 */
function isFresh(fitted: Tensor, upstream: Tensor, grads: readonly (Tensor | null)[], i: number): boolean {
  if (fitted.data === upstream.data) return false;
  for (let j = 0; j < grads.length; j++) if (j !== i && grads[j]?.data === fitted.data) return false;
  return true;
}

function copyOf(g: Tensor): Tensor {
  return new Tensor(ownCopy(g.data), g.shape);
}

interface SweepOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** When set, gradients of these tensors are returned instead of accumulated into .grad. */
  capture: ReadonlySet<Tensor> | null;
}

function sweep(roots: readonly Tensor[], seeds: readonly Tensor[], opts: SweepOptions): Map<Tensor, Tensor> {
  const { createGraph, retainGraph, capture } = opts;
  const order = topologicalOrder(roots);
  const pending = new Map<Tensor, Tensor>();
  // Pending gradients whose buffer this sweep allocated, so it may add into them in place.
  const owned = new Set<Tensor>();
  const captured = new Map<Tensor, Tensor>();
  const anomaly = isAnomalyEnabled();

  // `fresh`: g's buffer was made by this sweep and nothing else holds it, so the
  // slot may keep it as its own (no copy into .grad, in-place accumulation).
  const accumulate = (t: Tensor, g: Tensor, fresh: boolean): void => {
    const previous = pending.get(t);
    if (previous === undefined) {
      pending.set(t, g);
      if (fresh && !createGraph) owned.add(t);
    } else if (createGraph) {
      pending.set(t, previous.add(g));
    } else if (owned.has(t)) {
      addInto(previous.data, g.data);
    } else {
      const sum = copyOf(previous);
      addInto(sum.data, g.data);
      pending.set(t, sum);
      owned.add(t);
    }
  };

  const store = (t: Tensor, g: Tensor): void => {
    if (createGraph) {
      t.grad = t.grad === null ? g : t.grad.add(g);
    } else if (t.grad === null) {
      t.grad = owned.has(t) ? g : copyOf(g);
    } else if (t.grad.isLeaf && !t.grad.requiresGrad && sameDims(t.grad.shape, g.shape)) {
      addInto(t.grad.data, g.data);
    } else {
      t.grad = withGradMode(false, () => t.grad!.add(g));
    }
  };

  for (let i = 0; i < roots.length; i++) accumulate(roots[i]!, seeds[i]!, false);

  // Gradients of a graph being built (createGraph) are tensors users keep; the rest come from slabs.
  const allocation = createGraph ? (fn: () => void) => fn() : allocatingFromSlabs;
  allocation(() => withGradMode(createGraph, () => {
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      let g = pending.get(t);
      if (g === undefined) continue;
      const hooked = t.applyHooks(g);
      if (hooked !== g) owned.delete(t); // a hook's tensor belongs to the user
      g = hooked;
      if (capture !== null) {
        // Hand out a buffer nothing else shares, unless it is part of a new graph.
        if (capture.has(t)) captured.set(t, createGraph || owned.has(t) ? g : copyOf(g));
      } else if (t.isLeaf || t.retainsGrad) {
        store(t, g);
      }
      pending.delete(t);
      const node = t.gradFn;
      if (node === null) continue;
      if (anomaly) checkFinite(node.op, "incoming gradient", g, node.inputs, node.createdAt);
      const inputs = node.inputs;
      // The ops a backward rule runs are checked as this op's gradient below, not on their own.
      const grads = anomaly ? withAnomalyMode(false, () => node.runBackward(g)) : node.runBackward(g);
      for (let i = 0; i < inputs.length; i++) {
        const x = inputs[i]!;
        const gi = grads[i];
        if (gi === null || gi === undefined || !x.requiresGrad) continue;
        const fitted = fitGradient(node.op, gi, x);
        if (anomaly) checkFinite(node.op, `gradient for input ${i}`, fitted, inputs, node.createdAt);
        accumulate(x, fitted, isFresh(fitted, g, grads, i));
      }
      if (!retainGraph) node.release();
    }
  }));
  return captured;
}

function seedFor(op: string, output: Tensor, given: Tensor | NestedArray | undefined): Tensor {
  if (!output.requiresGrad) {
    throw new GraphError(op, `tensor of shape ${formatShape(output.shape)} does not require grad and has no graph to backpropagate through; create its inputs with { requiresGrad: true }`);
  }
  if (given === undefined) {
    if (output.size !== 1) {
      throw new GraphError(op, `a gradient can be created implicitly only for a scalar output, got shape ${formatShape(output.shape)}; pass a gradient of that shape, e.g. t.backward(ones(t.shape))`);
    }
    return new Tensor(output.dtype === "float64" ? new Float64Array([1]) : new Float32Array([1]), output.shape);
  }
  const seed = given instanceof Tensor ? given : tensor(given, { dtype: output.dtype });
  if (!sameDims(seed.shape, output.shape)) {
    throw new ShapeError(op, `gradient has shape ${formatShape(seed.shape)} but the output has shape ${formatShape(output.shape)}`, [seed.shape, output.shape]);
  }
  return seed;
}

export function backward(output: Tensor, gradient: Tensor | NestedArray | undefined, options: BackwardOptions = {}): void {
  const createGraph = options.createGraph ?? false;
  const seed = seedFor("backward", output, gradient);
  sweep([output], [seed], { createGraph, retainGraph: options.retainGraph ?? createGraph, capture: null });
}

export interface GradOptions extends BackwardOptions {
  /** Upstream gradients, one per output (required for non-scalar outputs). */
  gradOutputs?: readonly (Tensor | NestedArray | undefined)[];
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * Gradients of `outputs` with respect to `inputs`, without touching any .grad.
 * With createGraph the results are themselves differentiable (second derivatives).
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions & { allowUnused: true }): (Tensor | null)[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options?: GradOptions): Tensor[];
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options: GradOptions = {}): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const ins = inputs instanceof Tensor ? [inputs] : inputs;
  ins.forEach((x, i) => {
    if (!x.requiresGrad) throw new GraphError("grad", `input ${i} of shape ${formatShape(x.shape)} does not require grad`);
  });
  const seeds = outs.map((o, i) => seedFor("grad", o, options.gradOutputs?.[i]));
  const createGraph = options.createGraph ?? false;
  const captured = sweep(outs, seeds, { createGraph, retainGraph: options.retainGraph ?? createGraph, capture: new Set(ins) });
  return ins.map((x, i) => {
    const g = captured.get(x);
    if (g !== undefined) return g;
    if (options.allowUnused) return null;
    throw new GraphError("grad", `input ${i} of shape ${formatShape(x.shape)} is not used to compute the outputs; pass { allowUnused: true } to get null for it`);
  });
}
