// importOnnx: an ONNX model made of the ops exportOnnx writes (and
// torch.onnx.export writes for the same modules) as a dagrad Sequential, one
// module per op in graph order: Gemm, or MatMul with an Add of its bias, is a
// Linear; an Add of an earlier value closes a Residual around the modules
// since it; BatchNormalization is a BatchNorm1d with its running statistics.
// The graph must be one chain from its input to its output. Everything is
// checked before the Sequential is returned, and any other op, a branch, or
// data that does not add up throws an OnnxError naming the node.
import { type DType, Tensor, formatShape, noGrad } from "../../autograd/index.js";
import {
  BatchNorm1d, Dropout, Identity, LeakyReLU, Linear, LogSoftmax, type Module, ReLU, Residual, Sequential, Sigmoid, Softmax, Softplus, Tanh,
} from "../../nn/index.js";
import { OnnxError } from "../errors.js";
import { DOUBLE, FLOAT, type Onnx, int64, onnx } from "./proto.js";

const OPS = ["Gemm", "MatMul", "Add", "Transpose", "Identity", "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Softplus", "Softmax", "LogSoftmax", "BatchNormalization", "Dropout"];

/** A float32 attribute as the shortest decimal that rounds to it (alpha 0.01 reads 0.01, not 0.009999999776482582). */
function shortestFloat32(f: number): number {
  for (let digits = 1; digits < 17; digits++) {
    const v = Number(f.toPrecision(digits));
    if (Math.fround(v) === f) return v;
  }
  return f;
}

interface Node {
  index: number;
  proto: Onnx.INodeProto;
  op: string;
  label: string;
}

/** Reads one graph: its constants, its values and the chain of modules it computes. */
class GraphReader {
  readonly #initializers = new Map<string, Onnx.ITensorProto>();
  readonly #transposed = new Map<string, string>();
  /** chain[k] is the value after the first k modules; chain[0] is the input. */
  #chain: string[];
  #modules: Module[] = [];
  /** Values the chain made that a Residual has since wrapped: no later node may read them. */
  readonly #inside = new Set<string>();
  #dtype: DType | null = null;
  #rank: number | null;
  /** The last dimension of each chain value, where known. */
  #featuresAt: (number | null)[];

  constructor(graph: Onnx.IGraphProto, readonly opset: number) {
    for (const t of graph.initializer ?? []) {
      if (this.#initializers.has(t.name ?? "")) throw this.error(`has two initializers named "${t.name}"`, t.name ?? "");
      this.#initializers.set(t.name ?? "", t);
    }
    const inputs = (graph.input ?? []).filter((v) => !this.#initializers.has(v.name ?? ""));
    if (inputs.length !== 1) throw this.error(`has ${inputs.length} inputs (${inputs.map((v) => v.name).join(", ")}); dagrad reads a model of one input`);
    const input = inputs[0]!;
    const tensorType = input.type?.tensorType;
    this.#dtype = tensorType ? this.dtypeOf(tensorType.elemType ?? 0, `input "${input.name}"`) : null;
    const dims = tensorType?.shape?.dim ?? null;
    this.#rank = dims === null ? null : dims.length;
    const last = dims?.[dims.length - 1];
    this.#featuresAt = [last?.dimValue !== undefined && last.dimValue !== null ? int64(last.dimValue) || null : null];
    this.#chain = [input.name ?? ""];
  }

  error(message: string, where?: string): OnnxError {
    return new OnnxError("importOnnx", `the graph ${message}`, where);
  }

  dtypeOf(elemType: number, what: string): DType {
    const dtype = elemType === FLOAT ? "float32" : elemType === DOUBLE ? "float64" : null;
    if (dtype === null) throw this.error(`has ${what} of ONNX data type ${elemType}; dagrad reads FLOAT (1) and DOUBLE (11)`, what);
    if (this.#dtype !== null && dtype !== this.#dtype) throw this.error(`mixes ${this.#dtype} and ${dtype} (${what}); a dagrad model computes in one dtype`, what);
    this.#dtype = dtype;
    return dtype;
  }

  get current(): string {
    return this.#chain[this.#chain.length - 1]!;
  }

  get features(): number | null {
    return this.#featuresAt[this.#featuresAt.length - 1]!;
  }

  /** The values of an initializer (or of a Transpose of one), with its dims. */
  constant(name: string, node: Node): Tensor {
    const t = this.#initializers.get(name);
    if (t === undefined) throw this.error(`has node ${node.label} read "${name}" as a constant, but no initializer has that name (a computed weight is not something dagrad reads)`, node.label);
    const where = `initializer "${name}"`;
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw this.error(`keeps ${where} in an external file; save the model with its data inside (onnx.save_model(..., save_as_external_data=False))`, name);
    if (t.segment) throw this.error(`splits ${where} into segments, which dagrad does not read`, name);
    const dtype = this.dtypeOf(t.dataType ?? 0, where);
    const dims = (t.dims ?? []).map(int64);
    const size = dims.reduce((n, d) => n * d, 1);
    const width = dtype === "float64" ? 8 : 4;
    const values = dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
    const raw = t.rawData;
    const listed = dtype === "float64" ? t.doubleData ?? [] : t.floatData ?? [];
    const held = raw && raw.length > 0 ? raw.length / width : listed.length;
    if (held !== size) throw this.error(`has ${where} of dims ${formatShape(dims)} (${size} values) holding ${held}`, name);
    if (raw && raw.length > 0) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < size; i++) values[i] = width === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
    } else {
      values.set(listed);
    }
    return new Tensor(values, dims);
  }

  isConstant(name: string): boolean {
    return this.#initializers.has(name) || this.#transposed.has(name);
  }

  /** The node reads the chain's current value as its first input; nothing else the chain made. */
  takesCurrent(node: Node, constants: number): void {
    const inputs = (node.proto.input ?? []).filter((name) => name !== "");
    const [x, ...rest] = inputs;
    if (x !== this.current) {
      throw this.error(`branches: node ${node.label} reads "${x}", not "${this.current}", the value the nodes before it lead to; dagrad reads a chain of ops (with Add for residual connections)`, node.label);
    }
    if (rest.length > constants) throw this.error(`has node ${node.label} take ${inputs.length} inputs, more than dagrad's ${node.op} reads (${constants + 1})`, node.label);
    for (const name of rest) if (!this.isConstant(name)) throw this.error(`has node ${node.label} read "${name}", which is computed, where dagrad reads a constant (an initializer)`, node.label);
  }

  push(module: Module, node: Node, output: string | undefined, features = this.features): void {
    const outputs = (node.proto.output ?? []).filter((o) => o !== "");
    // Dropout's mask is a second output; nothing may read it.
    if (output === undefined || outputs.length !== 1 && !(node.op === "Dropout" && outputs.length === 2)) {
      throw this.error(`has node ${node.label} with ${outputs.length} outputs; dagrad's ${node.op} makes one`, node.label);
    }
    this.#modules.push(module);
    this.#chain.push(output);
    this.#featuresAt.push(features);
  }

  /** node: Transpose of a 2-D initializer, read by a MatMul as its weight. */
  transpose(node: Node): void {
    const [name] = node.proto.input ?? [];
    const perm = attribute(node, "perm")?.ints?.map(int64);
    const weight = this.constant(name ?? "", node);
    if (weight.ndim !== 2 || (perm !== undefined && perm.join() !== "1,0")) {
      throw this.error(`has node ${node.label} transpose ${formatShape(weight.shape)} by ${JSON.stringify(perm)}; dagrad reads only the transpose of a Linear's weight`, node.label);
    }
    this.#transposed.set(node.proto.output?.[0] ?? "", name!);
  }

  /** The matrix a MatMul or Gemm multiplies by, as a Linear's weight [out, in]; `transB` as Gemm's attribute. */
  weight(name: string, transB: boolean, node: Node): Tensor {
    const source = this.#transposed.get(name);
    const raw = this.constant(source ?? name, node);
    if (raw.ndim !== 2) throw this.error(`has node ${node.label} multiply by "${name}" of shape ${formatShape(raw.shape)}; a Linear's weight is a matrix`, node.label);
    // x · M with M = rawᵀ (a Transpose node) or raw, itself transposed by transB: the weight is Mᵀ.
    return transB !== (source !== undefined) ? raw : transpose(raw);
  }

  linear(node: Node, weight: Tensor, bias: Tensor | null, output: string | undefined): void {
    const [outFeatures, inFeatures] = weight.shape as [number, number];
    if (this.features !== null && this.features !== inFeatures) {
      throw this.error(`has node ${node.label} take ${inFeatures} features, but the value it reads has ${this.features}`, node.label);
    }
    if (bias !== null && (bias.size !== outFeatures || bias.ndim > 2)) {
      throw this.error(`has node ${node.label} add a bias of shape ${formatShape(bias.shape)} to ${outFeatures} outputs`, node.label);
    }
    const layer = new Linear(inFeatures, outFeatures, { bias: bias !== null, init: "zeros", dtype: this.#dtype ?? "float32" });
    noGrad(() => {
      layer.weight.copyFrom(weight);
      if (bias !== null) layer.bias!.copyFrom(new Tensor(bias.data, [outFeatures]));
    });
    this.push(layer, node, output, outFeatures);
  }

  /** node: Add of two values the chain made, the current one and an earlier one: a residual connection around the modules since. */
  residual(node: Node, output: string | undefined): void {
    const inputs = node.proto.input ?? [];
    const other = inputs[0] === this.current ? inputs[1] : inputs[1] === this.current ? inputs[0] : undefined;
    const start = other === undefined ? -1 : this.#chain.indexOf(other);
    if (other === undefined || start < 0 || start === this.#chain.length - 1) {
      const why = inputs.some((name) => this.#inside.has(name)) ? "a value inside an earlier residual block" : `values that are not "${this.current}" and one it came from`;
      throw this.error(`has node ${node.label} add ${JSON.stringify(inputs)}: ${why}; dagrad reads Add as a residual connection x + block(x)`, node.label);
    }
    const [before, after] = [this.#featuresAt[start]!, this.features];
    if (before !== null && after !== null && before !== after) {
      throw this.error(`has node ${node.label} add a value of ${after} features to one of ${before}; a residual block must keep the shape`, node.label);
    }
    const block = this.#modules.slice(start);
    for (const name of this.#chain.slice(start + 1)) this.#inside.add(name);
    this.#modules = this.#modules.slice(0, start);
    this.#chain = this.#chain.slice(0, start + 1);
    this.#featuresAt = this.#featuresAt.slice(0, start + 1);
    this.push(new Residual(block.length === 1 ? block[0]! : new Sequential(...block)), node, output);
  }

  /** Softmax and LogSoftmax: before opset 13 they flattened the input to 2-D at `axis`, which is the same only for a matrix along its rows. */
  softmaxAxis(node: Node): number {
    const axis = attributeInt(node, "axis") ?? (this.opset >= 13 ? -1 : 1);
    if (this.opset < 13 && (this.#rank !== 2 || (axis !== 1 && axis !== -1))) {
      throw this.error(`has node ${node.label} (${node.op} of opset ${this.opset}, axis ${axis}) on ${this.#rank === null ? "an input of undeclared rank" : `a rank-${this.#rank} input`}; before opset 13 it flattens its input, which dagrad reads only for [batch, classes] along axis 1: export with opset 13 or later`, node.label);
    }
    return axis;
  }

  batchNorm(node: Node, output: string | undefined): void {
    const inputs = node.proto.input ?? [];
    if (attributeInt(node, "training_mode") === 1 || attributeInt(node, "spatial") === 0) {
      throw this.error(`has node ${node.label} normalise in training mode or per element (training_mode or spatial); dagrad reads the inference form`, node.label);
    }
    if (this.#rank !== null && this.#rank !== 2) throw this.error(`has node ${node.label} normalise a rank-${this.#rank} value; BatchNorm1d reads [batch, features]`, node.label);
    const [scale, shift, mean, variance] = inputs.slice(1, 5).map((name) => this.constant(name, node));
    const features = mean?.size ?? 0;
    if (inputs.length !== 5 || [scale, shift, mean, variance].some((t) => t!.ndim !== 1 || t!.size !== features) || (this.features !== null && this.features !== features)) {
      throw this.error(`has node ${node.label} whose scale, bias, mean and variance are not ${this.features ?? "n"} values each (one per feature)`, node.label);
    }
    const epsilon = Math.fround(attribute(node, "epsilon")?.f ?? 1e-5);
    const eps = shortestFloat32(epsilon);
    // ONNX's momentum weighs the running value (0.9), dagrad's the new batch (0.1).
    const momentum = Number((1 - shortestFloat32(Math.fround(attribute(node, "momentum")?.f ?? 0.9))).toPrecision(12));
    const bn = new BatchNorm1d(features, { eps, momentum: Math.min(1, Math.max(0, momentum)), dtype: this.#dtype ?? "float32" });
    // A float64 graph adds float32(eps) to the variance; with eps read as its decimal, the difference moves into the variance (as exportOnnx puts it there).
    const runningVar = this.#dtype === "float64" ? variance!.add(epsilon - eps) : variance!;
    bn.loadStateDict({ weight: scale!, bias: shift!, runningMean: mean!, runningVar });
    this.push(bn, node, output);
  }

  dropout(node: Node, output: string | undefined): void {
    const [, ratioName, trainingName] = node.proto.input ?? [];
    if (trainingName) {
      const training = this.constant(trainingName, node);
      if (training.data[0] !== 0) throw this.error(`has node ${node.label} drop in training mode; dagrad reads the inference form`, node.label);
    }
    const ratio = ratioName ? this.constant(ratioName, node).data[0]! : attribute(node, "ratio")?.f ?? 0.5;
    this.push(new Dropout(shortestFloat32(Math.fround(ratio))), node, output);
  }

  read(node: Node, next: Node | undefined): boolean {
    const output = node.proto.output?.[0];
    const inputs = node.proto.input ?? [];
    switch (node.op) {
      case "Transpose":
        this.transpose(node);
        return false;
      case "Gemm": {
        this.takesCurrent(node, 2);
        if (attributeInt(node, "transA") === 1) throw this.error(`has node ${node.label} (Gemm) transpose its input (transA); dagrad's Linear reads samples as rows`, node.label);
        for (const name of ["alpha", "beta"]) {
          const v = attribute(node, name)?.f;
          if (v !== undefined && v !== null && v !== 1) throw this.error(`has node ${node.label} (Gemm) scale by ${name} ${v}; a Linear has alpha = beta = 1`, node.label);
        }
        const bias = inputs[2] ? this.constant(inputs[2], node) : null;
        this.linear(node, this.weight(inputs[1] ?? "", attributeInt(node, "transB") === 1, node), bias, output);
        return false;
      }
      case "MatMul": {
        this.takesCurrent(node, 1);
        const weight = this.weight(inputs[1] ?? "", false, node);
        // x · W followed by + b (PyTorch's Linear past two dimensions) is one Linear.
        const addsBias = next?.op === "Add" && next.proto.input?.includes(output ?? "") && next.proto.input.some((name) => this.#initializers.has(name));
        if (!addsBias) {
          this.linear(node, weight, null, output);
          return false;
        }
        const biasName = next!.proto.input!.find((name) => name !== output)!;
        this.linear(node, weight, this.constant(biasName, next!), next!.proto.output?.[0]);
        return true;
      }
      case "Add":
        if (inputs.some((name) => this.isConstant(name))) throw this.error(`has node ${node.label} add a constant to a value; dagrad reads that only as a Linear's bias right after its MatMul`, node.label);
        this.residual(node, output);
        return false;
      case "PRelu": {
        this.takesCurrent(node, 1);
        const slope = this.constant(inputs[1] ?? "", node);
        if (slope.size !== 1) throw this.error(`has node ${node.label} (PRelu) with ${slope.size} slopes; dagrad's LeakyReLU has one`, node.label);
        this.push(new LeakyReLU(slope.data[0]!), node, output);
        return false;
      }
      case "BatchNormalization":
        this.takesCurrent(node, 4);
        this.batchNorm(node, output);
        return false;
      case "Dropout":
        this.takesCurrent(node, 2);
        this.dropout(node, output);
        return false;
      default: {
        if (!OPS.includes(node.op)) throw this.error(`has node ${node.label} of op type ${node.op}, which dagrad does not read; it reads ${OPS.join(", ")}`, node.label);
        this.takesCurrent(node, 0);
        this.push(this.activation(node), node, output);
        return false;
      }
    }
  }

  activation(node: Node): Module {
    switch (node.op) {
      case "Identity": return new Identity();
      case "Relu": return new ReLU();
      case "Sigmoid": return new Sigmoid();
      case "Tanh": return new Tanh();
      case "Softplus": return new Softplus();
      case "LeakyRelu": {
        // A float64 graph multiplies by float32(alpha) itself; a float32 one cannot tell it from the decimal it was written from.
        const alpha = Math.fround(attribute(node, "alpha")?.f ?? 0.01);
        return new LeakyReLU(this.#dtype === "float64" ? alpha : shortestFloat32(alpha));
      }
      case "Softmax": return new Softmax(this.softmaxAxis(node));
      case "LogSoftmax": return new LogSoftmax(this.softmaxAxis(node));
      default: throw this.error(`has node ${node.label} of op type ${node.op} where dagrad reads an activation`, node.label);
    }
  }

  /** The modules, once the chain ends at the graph's one output. */
  result(graph: Onnx.IGraphProto): Module[] {
    const outputs = graph.output ?? [];
    if (outputs.length !== 1) throw this.error(`has ${outputs.length} outputs; dagrad reads a model of one output`);
    if (outputs[0]!.name !== this.current) {
      throw this.error(`ends its chain of ops at "${this.current}", but its output is "${outputs[0]!.name}": some nodes branch off or lead nowhere`);
    }
    if (this.#modules.length === 0) throw this.error("has no ops between its input and its output");
    return this.#modules;
  }
}

function transpose(m: Tensor): Tensor {
  const [rows, cols] = m.shape as [number, number];
  const out = m.dtype === "float64" ? new Float64Array(m.size) : new Float32Array(m.size);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m.data[r * cols + c]!;
  return new Tensor(out, [cols, rows]);
}

function attribute(node: Node, name: string): Onnx.IAttributeProto | undefined {
  return node.proto.attribute?.find((a) => a.name === name);
}

function attributeInt(node: Node, name: string): number | undefined {
  const a = attribute(node, name);
  return a === undefined ? undefined : int64(a.i);
}

/**
 * An ONNX model (its protobuf bytes) as a dagrad Sequential in eval mode, as
 * the graph computes; call .train() before fine-tuning it. The model must use
 * only the ops exportOnnx writes.
 */
export function importOnnx(bytes: Uint8Array): Sequential {
  if (!(bytes instanceof Uint8Array)) throw new OnnxError("importOnnx", `expected the model's bytes as a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  let model: Onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxError("importOnnx", `the ${bytes.length} bytes are not an ONNX model (protobuf: ${(e as Error).message}); the file is truncated, corrupt or of another format`);
  }
  const graph = model.graph;
  if (int64(model.irVersion) < 3 || graph === null || graph === undefined) {
    throw new OnnxError("importOnnx", `the ${bytes.length} bytes decode to no ONNX graph (IR version ${int64(model.irVersion)}); the file is not an ONNX model`);
  }
  const opsets = model.opsetImport ?? [];
  const main = opsets.find((o) => (o.domain ?? "") === "" || o.domain === "ai.onnx");
  const opset = main === undefined ? 0 : int64(main.version);
  if (opset < 9) throw new OnnxError("importOnnx", `the model uses opset ${opset} of the default ONNX domain; dagrad reads opset 9 and later: export it again with a newer opset`);
  const reader = new GraphReader(graph, opset);
  const nodes: Node[] = (graph.node ?? []).map((proto, index) => ({ index, proto, op: proto.opType ?? "", label: `${index} ${proto.name ? `"${proto.name}" ` : ""}(${proto.opType})` }));
  checkOrder(graph, nodes, reader);
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.proto.domain && node.proto.domain !== "ai.onnx") throw reader.error(`has node ${node.label} of domain "${node.proto.domain}"; dagrad reads the default ONNX domain`, node.label);
    if (reader.read(node, nodes[i + 1])) i++;
  }
  return new Sequential(...reader.result(graph)).eval();
}

/** Each node reads only values made before it: the topological order the ONNX checker requires, and the order the modules run in. */
function checkOrder(graph: Onnx.IGraphProto, nodes: readonly Node[], reader: GraphReader): void {
  const known = new Set<string>([...(graph.input ?? []).map((v) => v.name ?? ""), ...(graph.initializer ?? []).map((t) => t.name ?? "")]);
  for (const node of nodes) {
    for (const name of node.proto.input ?? []) {
      if (name !== "" && !known.has(name)) throw reader.error(`has node ${node.label} read "${name}" before any node makes it: the nodes are not in topological order, or the value does not exist`, node.label);
    }
    for (const name of node.proto.output ?? []) {
      if (known.has(name)) throw reader.error(`has node ${node.label} make "${name}", which already exists: value names must be unique`, node.label);
      known.add(name);
    }
  }
}
