// The recorded DAG: one Node per op application, owned by the tensor it made.
// Grad mode and anomaly mode are global switches, as in PyTorch.
import { AnomalyError, GraphError, formatShape } from "./errors.js";
import type { OpName } from "./ops/table.js";
import type { Tensor } from "./tensor.js";

/**
 * Turns the upstream gradient of an op's output into one gradient per input
 * (null: none). `saved` is what the forward kept for it (axes, flags, indices).
 */
export type BackwardFn<S = void> = (grad: Tensor, node: Node, saved: S) => readonly (Tensor | null)[];

let gradEnabled = true;
let anomalyEnabled = false;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn with gradient recording switched on or off, restoring the previous mode after. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  return gradModeScope("withGradMode", enabled, fn);
}

/** Run fn without recording any op: nothing it computes can be backpropagated. */
export function noGrad<T>(fn: () => T): T {
  return gradModeScope("noGrad", false, fn);
}

export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/** Switch anomaly mode on or off globally. */
export function setDetectAnomaly(enabled: boolean): void {
  anomalyEnabled = enabled;
}

/** Run fn in anomaly mode: NaN/Inf in an op's output or gradient throws AnomalyError naming the op. */
export function detectAnomaly<T>(fn: () => T): T {
  return anomalyModeScope("detectAnomaly", true, fn);
}

export function withAnomalyMode<T>(enabled: boolean, fn: () => T): T {
  return anomalyModeScope("withAnomalyMode", enabled, fn);
}

function gradModeScope<T>(op: string, enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return synchronous(op, fn());
  } finally {
    gradEnabled = previous;
  }
}

function anomalyModeScope<T>(op: string, enabled: boolean, fn: () => T): T {
  const previous = anomalyEnabled;
  anomalyEnabled = enabled;
  try {
    return synchronous(op, fn());
  } finally {
    anomalyEnabled = previous;
  }
}

/**
 * A mode is a global switch, restored when fn returns: it cannot follow an
 * await (a browser has no AsyncLocalStorage to carry it), so the ops after a
 * callback's first await would run outside it. Such a callback is refused;
 * its promise's own rejection is then handled here, so it is not reported twice.
 */
function synchronous<T>(op: string, result: T): T {
  if (result === null || (typeof result !== "object" && typeof result !== "function")) return result;
  const then = (result as { then?: unknown }).then;
  if (typeof then !== "function") return result;
  then.call(result, undefined, () => {});
  throw new GraphError(
    op,
    "the callback returned a promise (an async function?), and a mode cannot follow an await: the ops after the first await " +
      `would run outside it. Pass a synchronous function and wrap only the synchronous parts, e.g. const x = await load(); ${op}(${op.startsWith("with") ? "false, " : ""}() => model.forward(x))`,
  );
}

export class Node {
  readonly op: OpName;
  /** Inputs as recorded; emptied when the graph is released after backward. */
  inputs: readonly Tensor[];
  private readonly inputVersions: readonly number[];
  private outputRef: Tensor | null = null;
  private outputVersion = 0;
  private backwardFn: BackwardFn<unknown> | null;
  /** What the forward kept for backwardFn (axes, flags, shapes); dropped on release. */
  private saved: unknown;
  /** Stack of the user's code that created the op; captured in anomaly mode only. */
  readonly createdAt: string | undefined;

  constructor(op: OpName, inputs: readonly Tensor[], backward: BackwardFn<unknown>, saved: unknown) {
    this.op = op;
    this.inputs = inputs;
    this.inputVersions = inputs.map((t) => t.version);
    this.backwardFn = backward;
    this.saved = saved;
    this.createdAt = anomalyEnabled ? userFrame(new Error().stack) : undefined;
  }

  get released(): boolean {
    return this.backwardFn === null;
  }

  attachOutput(output: Tensor): void {
    this.outputRef = output;
    this.outputVersion = output.version;
  }

  /** Input i as saved at forward time; throws if it was modified in place since. */
  input(i: number): Tensor {
    const t = this.inputs[i]!;
    if (t.version !== this.inputVersions[i]) this.throwModified(`input ${i}`, t);
    return t;
  }

  /** Whether input i wants a gradient (backward rules skip the work for the others). */
  needs(i: number): boolean {
    return this.inputs[i]!.requiresGrad;
  }

  /** The op's own output as saved at forward time. */
  output(): Tensor {
    const t = this.outputRef!;
    if (t.version !== this.outputVersion) this.throwModified("output", t);
    return t;
  }

  runBackward(grad: Tensor): readonly (Tensor | null)[] {
    if (this.backwardFn === null) {
      throw new GraphError(
        this.op,
        "trying to backward through the graph a second time: its saved tensors were released after the first backward; " +
          "pass { retainGraph: true } to the first backward() if you need to call it again",
      );
    }
    return this.backwardFn(grad, this, this.saved);
  }

  /** Drop everything backward needed, so the intermediate buffers can be collected. */
  release(): void {
    this.backwardFn = null;
    this.saved = undefined;
    this.inputs = [];
    this.outputRef = null;
  }

  private throwModified(which: string, t: Tensor): never {
    throw new GraphError(
      this.op,
      `its ${which} ${formatShape(t.shape)} was modified in place after it was saved for backward ` +
        `(version ${t.version}, expected the saved version); clone() it before modifying, or modify it after backward`,
    );
  }
}

/** Whether an op reading these inputs will be recorded (what `record` decides), before its output is made. */
export function willRecord(a: Tensor, b: Tensor | null = null, c: Tensor | null = null): boolean {
  return gradEnabled && (a.requiresGrad || (b !== null && b.requiresGrad) || (c !== null && c.requiresGrad));
}

/**
 * Attach a node to `output` if grad mode is on and any input requires a
 * gradient. `op` is a key of OP_TABLE, so every recorded op has a gradient
 * formula in docs/autograd.md and a case in the gradient tests.
 */
export function record(op: OpName, inputs: readonly Tensor[], output: Tensor, backward: BackwardFn): Tensor;
export function record<S>(op: OpName, inputs: readonly Tensor[], output: Tensor, backward: BackwardFn<S>, saved: S): Tensor;
export function record<S>(op: OpName, inputs: readonly Tensor[], output: Tensor, backward: BackwardFn<S>, saved?: S): Tensor {
  if (!gradEnabled) return output;
  let needed = false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad) needed = true;
  if (!needed) return output;
  // Anomaly mode watches the graph: constants (masks, log(0) = -Inf under noGrad) may be infinite.
  if (anomalyEnabled) checkFinite(op, "output", output, inputs, undefined);
  // Without `saved` (the first overload) S is void and backward ignores it.
  const node = new Node(op, inputs, backward as BackwardFn<unknown>, saved);
  output.setGradFn(node);
  node.attachOutput(output);
  return output;
}

/** In anomaly mode: throw if t holds NaN or Inf. */
export function checkFinite(op: string, what: string, t: Tensor, inputs: readonly Tensor[], createdAt: string | undefined): void {
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      const shapes = [t.shape, ...inputs.map((x) => x.shape)];
      throw new AnomalyError(
        op,
        `${what} ${formatShape(t.shape)} holds ${Number.isNaN(v) ? "NaN" : "Inf"} at flat index ${i} ` +
          `(inputs ${inputs.map((x) => formatShape(x.shape)).join(", ") || "none"})`,
        shapes,
        createdAt ?? userFrame(new Error().stack),
      );
    }
  }
}

/** The first stack frame outside dagrad's own autograd and kernels folders. */
function userFrame(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const lines = stack.split("\n").slice(1).map((l) => l.trim().replace(/^at /, ""));
  const own = /[\\/](src|dist)[\\/](autograd|kernels)[\\/]/;
  return lines.find((l) => !own.test(l)) ?? lines[0];
}
