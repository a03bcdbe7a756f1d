// Error classes carry their facts as fields; the message names the op, the
// shapes and what was expected, so a user can fix the call without a debugger.
import type { Shape } from "../kernels/shape.js";
import { taping } from "../kernels/tape.js";

export class DagradError extends Error {
  /** The op or function that rejected its input, e.g. "matmul". */
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
    this.op = op;
  }
}

/** Shapes that do not fit the op: broadcasting, inner dimensions, axes, indices, data length. */
export class ShapeError extends DagradError {
  readonly shapes: readonly Shape[];
  constructor(op: string, message: string, shapes: readonly Shape[] = []) {
    super(op, message);
    this.shapes = shapes;
  }
}

/** A dtype the op cannot take, or a value that is not a finite number where one is required. */
export class DTypeError extends DagradError {}

/** Misuse of the graph: backward twice, in-place change of a saved tensor, non-scalar backward. */
export class GraphError extends DagradError {}

/** An API this platform cannot run: file access (dagrad/node) outside Node. The message says what to use instead. */
export class PlatformError extends DagradError {}

/** Raised in anomaly mode by the first op whose output or incoming gradient is NaN or infinite. */
export class AnomalyError extends DagradError {
  readonly shapes: readonly Shape[];
  /** The user's stack line that created the op, when it could be found. */
  readonly createdAt: string | undefined;
  constructor(op: string, message: string, shapes: readonly Shape[], createdAt: string | undefined) {
    super(op, createdAt ? `${message}\n  created at ${createdAt}` : message);
    this.shapes = shapes;
    this.createdAt = createdAt;
  }
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

/** A step captureStep cannot record or replay faithfully, or a replay that disagrees with the step run eagerly. */
export class CaptureError extends DagradError {}

/**
 * Throw while a captured step records: `op` reads or writes tensor values in
 * JavaScript in a way a replay of the kernel calls would not repeat (`why`).
 */
export function refuseWhileCapturing(op: string, why: string): void {
  if (taping()) throw new CaptureError(op, `cannot be part of a captured step: ${why}. Run it outside the step function, or train this model without captureStep`);
}
