// captureStep: run a training step's forward and backward once through the
// graph, record every kernel call it makes (kernels/tape.ts), and from then on
// run those calls alone on the same buffers: the step without the graph's
// per-op cost (nodes, tensors, allocation), as PyTorch's CUDA graphs replay a
// step's kernel launches. Anything the tape cannot repeat is refused while it
// records (refuseWhileCapturing), and the second run is checked against the
// step run again through the graph, bit for bit, before any replay is trusted.
import { type Tape, readDrawLogBack, recordTape, startDrawLog, stopDrawLog, taping } from "../kernels/tape.js";
import { CaptureError, GraphError, formatShape } from "./errors.js";
import { backward, postOrder } from "./engine.js";
import { isAnomalyEnabled, isGradEnabled } from "./graph.js";
import { Tensor } from "./tensor.js";

/** What one run of the step made: its loss, and the gradient of every leaf that requires grad. */
interface StepResult {
  readonly loss: Tensor;
  readonly leaves: readonly Tensor[];
  readonly grads: readonly (Tensor | null)[];
  /** Leaves the step read that did not require grad (inputs, frozen weights): still not, or the tape is wrong. */
  readonly constants: readonly Tensor[];
}

export class CapturedStep {
  private recorded: { result: StepResult; tape: Tape } | null = null;
  private checked = false;

  /** @internal made by captureStep */
  constructor(private readonly fn: () => Tensor) {}

  /** Kernel calls a replay makes (0 before the first run). */
  get recordedCalls(): number {
    return this.recorded?.tape.calls.length ?? 0;
  }

  /**
   * One training step: the loss fn builds, and every leaf it reaches that
   * requires grad gets its gradient in .grad (replacing what was there, as
   * zeroGrad() then backward()). The first run records the step, the second
   * checks a replay against the step run through the graph, every later run
   * replays. The returned loss is the same tensor every time, its value updated.
   */
  run(): Tensor {
    if (taping()) throw new CaptureError("captureStep", "a captured step cannot run inside another step being recorded");
    if (isAnomalyEnabled()) throw new CaptureError("captureStep", "anomaly mode checks every value in JavaScript, which a replay skips; debug the step uncaptured, then capture it");
    if (this.recorded === null) {
      if (!isGradEnabled()) throw new CaptureError("captureStep", "grad mode is off (inside noGrad?): the step's backward needs it when the step is recorded");
      this.recorded = recordTape(() => stepThroughGraph(this.fn));
      return this.recorded.result.loss;
    }
    const { result, tape } = this.recorded;
    if (!this.checked) {
      // The step once more through the graph, then the replay: they must agree
      // exactly, drawing the same random numbers (the graph's, read back).
      const kept = tape.updated.map((buffer) => buffer.slice());
      startDrawLog();
      let eager: StepResult, graphUpdated: (Float32Array | Float64Array)[], drawn: { written: number; read: number };
      try {
        eager = stepThroughGraph(this.fn);
        // What the step keeps across steps (running statistics) is updated once: put it back for the replay.
        graphUpdated = tape.updated.map((buffer, i) => { const after = buffer.slice(); buffer.set(kept[i]!); return after; });
        readDrawLogBack();
        replay(tape, result);
      } finally {
        drawn = stopDrawLog();
      }
      const disagreement = drawn.read !== drawn.written
        ? `the replay drew ${drawn.read} random numbers and the step run through the graph ${drawn.written}: the step function draws differently from call to call`
        : compare(eager, result) ?? compareUpdated(tape.updated, graphUpdated);
      if (disagreement !== null) {
        // Leave the graph's answer, not the replay's.
        eager.leaves.forEach((leaf, i) => { leaf.grad = eager.grads[i]!; });
        tape.updated.forEach((buffer, i) => buffer.set(graphUpdated[i]!));
        throw new CaptureError("captureStep", disagreement);
      }
      this.checked = true;
      return result.loss;
    }
    replay(tape, result);
    return result.loss;
  }
}

/**
 * Capture a training step. `fn` computes a scalar loss from tensors that stay
 * the same objects from step to step: the model's parameters, and input
 * tensors whose data you refill in place (x.data.set(nextBatch)) before each
 * run(). fn itself runs only on the first two runs; later runs repeat its
 * kernel calls. The optimizer step stays outside: call it after run().
 */
export function captureStep(fn: () => Tensor): CapturedStep {
  if (typeof fn !== "function") throw new CaptureError("captureStep", `expected a function that returns the loss, got ${fn === null ? "null" : typeof fn}`);
  return new CapturedStep(fn);
}

function stepThroughGraph(fn: () => Tensor): StepResult {
  const loss = fn();
  if (!(loss instanceof Tensor)) throw new CaptureError("captureStep", `the step function must return the loss tensor, got ${loss === null ? "null" : typeof loss}`);
  if (loss.size !== 1) throw new CaptureError("captureStep", `the step function must return a scalar loss, got shape ${formatShape(loss.shape)}`);
  if (!loss.requiresGrad) throw new GraphError("captureStep", "the loss does not require grad: no parameter it depends on has requiresGrad");
  const reached = postOrder([loss], () => true);
  const leaves = reached.filter((t) => t.isLeaf && t.requiresGrad);
  const constants = reached.filter((t) => t.isLeaf && !t.requiresGrad);
  if (reached.some((t) => !t.isLeaf && t.retainsGrad)) {
    throw new CaptureError("retainGrad", "cannot be part of a captured step: a retained gradient is kept by the graph, which a replay does not build");
  }
  for (const leaf of leaves) leaf.grad = null;
  backward(loss, undefined);
  return { loss, leaves, grads: leaves.map((leaf) => leaf.grad), constants };
}

function replay({ calls, checks }: Tape, result: StepResult): void {
  checkRequiresGrad(result);
  for (let i = 0; i < checks.length; i++) checks[i]!();
  // Until the replay ends the gradient buffers hold a mix of two steps: a replay that throws (a checked value) leaves no .grad.
  for (let i = 0; i < result.leaves.length; i++) result.leaves[i]!.grad = null;
  for (let i = 0; i < calls.length; i++) calls[i]!();
  for (let i = 0; i < result.leaves.length; i++) result.leaves[i]!.grad = result.grads[i]!;
}

/** A weight frozen or unfrozen since the capture would get a gradient the graph would not give it, or none. */
function checkRequiresGrad(result: StepResult): void {
  const changed = result.leaves.find((t) => !t.requiresGrad) ?? result.constants.find((t) => t.requiresGrad);
  if (changed !== undefined) {
    throw new CaptureError("captureStep", `${changed.name ?? "a tensor"} ${formatShape(changed.shape)} ${changed.requiresGrad ? "requires grad now but did not" : "no longer requires grad but did"} when the step was recorded: capture the step again (captureStep) after freezing or unfreezing weights`);
  }
}

/** Why the replay updated a buffer kept across steps differently from the graph, or null. */
function compareUpdated(replayed: readonly (Float32Array | Float64Array)[], throughGraph: readonly (Float32Array | Float64Array)[]): string | null {
  for (let b = 0; b < replayed.length; b++) {
    const i = replayed[b]!.findIndex((v, at) => !Object.is(v, throughGraph[b]![at]));
    if (i >= 0) return `a buffer the step updates in place (a running statistic) differs: element ${i} is ${throughGraph[b]![i]} through the graph and ${replayed[b]![i]} replayed`;
  }
  return null;
}

/** Why the replay is not the step itself (same leaves, same loss, same gradients, bit for bit), or null. */
function compare(eager: StepResult, replayed: StepResult): string | null {
  const why =
    "the step function computes something the recorded kernel calls do not repeat: most often it makes a new input tensor " +
    "each call (refill one tensor's data in place instead), or reads a JavaScript value that changes between calls";
  if (eager.leaves.length !== replayed.leaves.length || eager.leaves.some((leaf, i) => leaf !== replayed.leaves[i])) {
    return `the second run reached other tensors that require grad than the first (${eager.leaves.length} against ${replayed.leaves.length}): build the step from the same parameters every time`;
  }
  const differs = (a: Tensor | null, b: Tensor | null): string | null => {
    if (a === null || b === null) return a === b ? null : "a gradient in one run and none in the other";
    for (let i = 0; i < a.data.length; i++) {
      if (!Object.is(a.data[i], b.data[i])) return `element ${i} is ${a.data[i]} through the graph and ${b.data[i]} replayed`;
    }
    return null;
  };
  const lossDiff = differs(eager.loss, replayed.loss);
  if (lossDiff !== null) return `the replayed loss differs from the step run through the graph (${lossDiff}): ${why}`;
  for (let i = 0; i < eager.grads.length; i++) {
    const diff = differs(eager.grads[i]!, replayed.grads[i]!);
    const leaf = eager.leaves[i]!;
    if (diff !== null) return `the replayed gradient of ${leaf.name ?? `leaf ${i}`} ${formatShape(leaf.shape)} differs from the step run through the graph (${diff}): ${why}`;
  }
  return null;
}
