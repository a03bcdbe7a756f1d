// Tensor: a dense row-major float buffer, its shape, and the graph node that made it.
// Every op method here is a one-line forward to the op's entry in ops/, where its
// forward and backward sit side by side.
import { type FloatArray, type Shape } from "../kernels/shape.js";
import { DTypeError, GraphError, ShapeError, formatShape, refuseWhileCapturing } from "./errors.js";
import { type Node, isGradEnabled } from "./graph.js";
import { backward } from "./engine.js";
import * as E from "./ops/elementwise.js";
import * as M from "./ops/matmul.js";
import * as R from "./ops/reduce.js";
import * as S from "./ops/shape.js";

export type DType = "float32" | "float64";
/** A number, or arbitrarily nested arrays of numbers (what toArray returns). */
export type NestedArray = number | NestedArray[];
/** An axis, a list of axes, or undefined for all axes. Negative axes count from the end. */
export type Axis = number | readonly number[] | undefined;
/** What a gradient hook may do: return a replacement gradient, or nothing to keep it. */
export type GradHook = (grad: Tensor) => Tensor | void;

export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients can be differentiated again. */
  createGraph?: boolean;
}

export class Tensor {
  readonly data: FloatArray;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Accumulated gradient: filled by backward() on leaves that require grad (and on retainGrad() tensors). */
  grad: Tensor | null = null;
  /** Optional label shown by toDot and by error messages (nn sets parameter names). */
  name: string | undefined = undefined;
  private requiresGradFlag: boolean;
  private node: Node | null = null;
  private readonly versionCounter: { value: number };
  private retainsGradFlag = false;
  private hooks: GradHook[] | null = null; // most tensors never get one: no array each

  /**
   * Wrap an existing buffer (not copied). Prefer `tensor()`, which validates
   * its input; this constructor trusts that data.length matches the shape.
   */
  constructor(data: FloatArray, shape: Shape, requiresGrad = false, versionCounter?: { value: number }) {
    this.data = data;
    this.shape = shape;
    this.dtype = data instanceof Float64Array ? "float64" : "float32";
    this.requiresGradFlag = requiresGrad;
    this.versionCounter = versionCounter ?? { value: 0 };
  }

  get ndim(): number { return this.shape.length; }
  get size(): number { return this.data.length; }
  /** True for tensors created by the user (not by a recorded op). */
  get isLeaf(): boolean { return this.node === null; }
  /** Name of the op that made this tensor, or null for a leaf. */
  get op(): string | null { return this.node?.op ?? null; }
  /** The tensors the op that made this one read (empty for leaves, and once the graph is released). */
  get inputs(): readonly Tensor[] { return this.node?.inputs ?? []; }
  /** The graph node that made this tensor (null for a leaf). */
  get gradFn(): Node | null { return this.node; }
  /** Bumped by every in-place change; backward checks the versions of what it saved. */
  get version(): number { return this.versionCounter.value; }
  get retainsGrad(): boolean { return this.retainsGradFlag; }

  get requiresGrad(): boolean { return this.requiresGradFlag; }
  set requiresGrad(flag: boolean) {
    if (!this.isLeaf && !flag) {
      throw new GraphError("requiresGrad", `cannot turn off requiresGrad on a non-leaf tensor made by ${this.op}; use detach()`);
    }
    this.requiresGradFlag = flag;
  }

  /** @internal used by graph.record */
  setGradFn(node: Node): void {
    this.node = node;
    this.requiresGradFlag = true;
  }

  // ---- inspection -------------------------------------------------------

  item(): number {
    refuseWhileCapturing("item", "a replay runs the recorded kernels only, so a number read from a tensor (to log it or branch on it) would keep its first value; read the loss that run() returns instead");
    if (this.data.length !== 1) {
      throw new ShapeError("item", `only a tensor with one element can be converted to a number, got shape ${formatShape(this.shape)}`, [this.shape]);
    }
    return this.data[0]!;
  }

  /** Nested arrays shaped like the tensor (a plain number for a 0-d tensor). */
  toArray(): NestedArray {
    refuseWhileCapturing("toArray", "a replay runs the recorded kernels only, so values read into JavaScript would keep their first value");
    if (this.shape.length === 0) return this.data[0]!;
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const inner = stride / n;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? this.data[offset + i]! : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.data.length);
  }

  toString(): string {
    return `Tensor(${JSON.stringify(this.toArray())}, shape=${formatShape(this.shape)}, dtype=${this.dtype}${this.node ? `, op=${this.node.op}` : ""})`;
  }

  // ---- autograd -----------------------------------------------------------

  /** Reverse-mode sweep from this tensor; leaves' .grad accumulate. Non-scalars need an explicit gradient. */
  backward(gradient?: Tensor | NestedArray, options: BackwardOptions = {}): void {
    backward(this, gradient, options);
  }

  /** Keep this non-leaf tensor's gradient in .grad after backward. */
  retainGrad(): this {
    if (!this.requiresGradFlag) throw new GraphError("retainGrad", "cannot retain the gradient of a tensor that does not require grad");
    this.retainsGradFlag = true;
    return this;
  }

  /** fn sees this tensor's gradient during backward and may return a replacement. Returns a remover. */
  registerHook(fn: GradHook): () => void {
    if (!this.requiresGradFlag) throw new GraphError("registerHook", "cannot register a hook on a tensor that does not require grad");
    (this.hooks ??= []).push(fn);
    return () => { this.hooks = this.hooks?.filter((h) => h !== fn) ?? null; };
  }

  /** @internal run the hooks on an incoming gradient */
  applyHooks(grad: Tensor): Tensor {
    if (this.hooks === null) return grad;
    refuseWhileCapturing("registerHook", "a hook is JavaScript run on each gradient, and a replay runs the recorded kernels only");
    let g = grad;
    for (const hook of this.hooks) {
      const replaced = hook(g);
      if (replaced !== undefined) {
        if (!(replaced instanceof Tensor) || replaced.shape.length !== g.shape.length || replaced.shape.some((d, i) => d !== g.shape[i])) {
          throw new ShapeError("registerHook", `a hook must return a tensor of the gradient's shape ${formatShape(g.shape)}`, [g.shape]);
        }
        g = replaced;
      }
    }
    return g;
  }

  zeroGrad(): void { this.grad = null; }

  /** @internal A tensor sharing this one's buffer and version counter with another shape of the same size (reshape records it). */
  withShape(shape: Shape): Tensor { return new Tensor(this.data, shape, false, this.versionCounter); }

  /** A new leaf sharing this tensor's data, cut from the graph. */
  detach(): Tensor { return new Tensor(this.data, this.shape, false, this.versionCounter); }

  // ---- in-place updates (not recorded; they bump the version counter) ------

  private beginInPlace(op: string): void {
    refuseWhileCapturing(op, "an in-place update inside the step would be applied again on top of itself at every replay");
    if (this.requiresGradFlag && isGradEnabled()) {
      throw new GraphError(op, `in-place update of a tensor that requires grad ${formatShape(this.shape)}; run it inside noGrad(() => ...)`);
    }
    this.versionCounter.value++;
  }

  private inPlaceOperand(op: string, other: Tensor | number): FloatArray | number {
    if (typeof other === "number") return other;
    if (other.data.length !== this.data.length || other.shape.length !== this.shape.length || other.shape.some((d, i) => d !== this.shape[i])) {
      throw new ShapeError(op, `in-place operand has shape ${formatShape(other.shape)}, expected ${formatShape(this.shape)}`, [this.shape, other.shape]);
    }
    return other.data;
  }

  /** this += alpha * other */
  addInPlace(other: Tensor | number, alpha = 1): this {
    const v = this.inPlaceOperand("addInPlace", other);
    this.beginInPlace("addInPlace");
    const d = this.data;
    if (typeof v === "number") for (let i = 0; i < d.length; i++) d[i] += alpha * v;
    else for (let i = 0; i < d.length; i++) d[i] += alpha * v[i]!;
    return this;
  }

  /** this -= alpha * other */
  subInPlace(other: Tensor | number, alpha = 1): this { return this.addInPlace(other, -alpha); }

  /** this *= other */
  mulInPlace(other: Tensor | number): this {
    const v = this.inPlaceOperand("mulInPlace", other);
    this.beginInPlace("mulInPlace");
    const d = this.data;
    if (typeof v === "number") for (let i = 0; i < d.length; i++) d[i] *= v;
    else for (let i = 0; i < d.length; i++) d[i] *= v[i]!;
    return this;
  }

  /** Copy other's values into this tensor (same shape). */
  copyFrom(other: Tensor): this {
    const v = this.inPlaceOperand("copyFrom", other);
    this.beginInPlace("copyFrom");
    this.data.set(v as FloatArray);
    return this;
  }

  fillInPlace(value: number): this {
    this.beginInPlace("fillInPlace");
    this.data.fill(value);
    return this;
  }

  /** Record an in-place change made by writing into .data directly (what optimizers do). */
  markModified(): void { this.beginInPlace("markModified"); }

  // ---- ops (see ops/ for forward and backward) ------------------------------

  add(other: Tensor | number): Tensor { return E.add(this, other); }
  sub(other: Tensor | number): Tensor { return E.sub(this, other); }
  mul(other: Tensor | number): Tensor { return E.mul(this, other); }
  div(other: Tensor | number): Tensor { return E.div(this, other); }
  pow(exponent: Tensor | number): Tensor { return E.pow(this, exponent); }
  maximum(other: Tensor | number): Tensor { return E.maximum(this, other); }
  minimum(other: Tensor | number): Tensor { return E.minimum(this, other); }
  gt(other: Tensor | number): Tensor { return E.gt(this, other); }
  ge(other: Tensor | number): Tensor { return E.ge(this, other); }
  lt(other: Tensor | number): Tensor { return E.lt(this, other); }
  le(other: Tensor | number): Tensor { return E.le(this, other); }
  eq(other: Tensor | number): Tensor { return E.eq(this, other); }

  neg(): Tensor { return E.neg(this); }
  exp(): Tensor { return E.exp(this); }
  log(): Tensor { return E.log(this); }
  sqrt(): Tensor { return E.sqrt(this); }
  abs(): Tensor { return E.abs(this); }
  sign(): Tensor { return E.sign(this); }
  square(): Tensor { return E.square(this); }
  relu(): Tensor { return E.relu(this); }
  leakyRelu(slope = 0.01): Tensor { return E.leakyRelu(this, slope); }
  sigmoid(): Tensor { return E.sigmoid(this); }
  tanh(): Tensor { return E.tanh(this); }
  softplus(): Tensor { return E.softplus(this); }
  clamp(min = -Infinity, max = Infinity): Tensor { return E.clamp(this, min, max); }
  /** This tensor where `condition` is nonzero, `other` elsewhere (torch.Tensor.where). */
  where(condition: Tensor, other: Tensor | number): Tensor { return E.where(condition, this, other); }

  matmul(other: Tensor): Tensor { return M.matmul(this, other); }

  sum(axis?: Axis, keepdim = false): Tensor { return R.sum(this, axis, keepdim); }
  mean(axis?: Axis, keepdim = false): Tensor { return R.mean(this, axis, keepdim); }
  max(axis?: Axis, keepdim = false): Tensor { return R.max(this, axis, keepdim); }
  min(axis?: Axis, keepdim = false): Tensor { return R.min(this, axis, keepdim); }
  argmax(axis?: number, keepdim = false): Tensor { return R.argmax(this, axis, keepdim); }
  argmin(axis?: number, keepdim = false): Tensor { return R.argmin(this, axis, keepdim); }
  logsumexp(axis?: Axis, keepdim = false): Tensor { return R.logsumexp(this, axis, keepdim); }
  softmax(axis = -1): Tensor { return R.softmax(this, axis); }
  logSoftmax(axis = -1): Tensor { return R.logSoftmax(this, axis); }

  reshape(...shape: number[] | [readonly number[]]): Tensor { return S.reshape(this, shapeArgs(shape)); }
  flatten(startAxis = 0, endAxis = -1): Tensor { return S.flatten(this, startAxis, endAxis); }
  squeeze(axis?: number): Tensor { return S.squeeze(this, axis); }
  unsqueeze(axis: number): Tensor { return S.unsqueeze(this, axis); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return S.expand(this, shapeArgs(shape)); }
  /** Swap axes dim0 and dim1 (torch.transpose: both required). */
  transpose(dim0: number, dim1: number): Tensor { return S.transpose(this, dim0, dim1); }
  /** The last two axes swapped: the transpose of each matrix in a batch (at least 2-D). */
  get mT(): Tensor { return S.matrixTranspose(this); }
  /** The transpose of a 2-D tensor; every axis reversed for more, the tensor as it is for fewer (PyTorch's rule). */
  get T(): Tensor { return S.reversedAxes(this); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return S.permute(this, shapeArgs(dims)); }
  slice(axis: number, start: number, end?: number): Tensor { return S.slice(this, axis, start, end); }
  indexSelect(indices: ArrayLike<number>, axis = 0): Tensor { return S.indexSelect(this, indices, axis); }
  clone(): Tensor { return S.clone(this); }
  /** A copy with the given dtype (recorded: gradients flow back in the original dtype). */
  to(dtype: DType): Tensor { return S.cast(this, dtype); }
}

function shapeArgs(args: number[] | [readonly number[]]): readonly number[] {
  return Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}

/** Checks a shape given by a user: non-negative integer dimensions. */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape)) throw new ShapeError(op, `shape must be an array of dimensions, got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, `invalid shape ${formatShape(shape)}: dimensions must be non-negative integers`, [shape]);
    }
  }
}

export function dtypeOf(dtype: string | undefined, fallback: DType): DType {
  if (dtype === undefined) return fallback;
  if (dtype !== "float32" && dtype !== "float64") throw new DTypeError("tensor", `unknown dtype "${dtype}", expected "float32" or "float64"`);
  return dtype;
}

