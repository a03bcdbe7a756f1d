// exportOnnx: a dagrad network as the bytes of an ONNX model. Each module
// becomes the ONNX op that computes the same thing (Linear a Gemm, or MatMul
// + Add past two dimensions; an activation its op; Residual an Add;
// BatchNorm1d a BatchNormalization with its running statistics; Dropout
// nothing), as the model computes in eval mode, which is what
// torch.onnx.export writes too. The batch dimension is symbolic ("batch"),
// parameters are initializers under PyTorch's state_dict names, and every
// value has its type and shape declared. Bytes in, bytes out: no file access.
import { type DType, type Tensor, full, ones, zeros } from "../../autograd/index.js";
import {
  BatchNorm1d, Dropout, Identity, LeakyReLU, Linear, LogSoftmax, MLP, type Module, ReLU, Residual, Sequential, Sigmoid, Softmax, Softplus, Tanh,
} from "../../nn/index.js";
import { VERSION } from "../../version.js";
import { OnnxError } from "../errors.js";
import { DEFAULT_OPSET, DOUBLE, FLOAT, IR_VERSION_OF_OPSET, type Onnx, onnx } from "./proto.js";

export interface ExportOnnxOptions {
  /** The shape of one sample; the batch dimension is put in front. Default: [inFeatures] of the first Linear. */
  inputShape?: readonly number[];
  /** The ONNX opset, 13 to 21 (default 17). */
  opset?: number;
  /** The dtype of a model without parameters or buffers (default float32); any other model computes in theirs. */
  dtype?: DType;
  /** Strings stored in the model's metadata_props. */
  metadata?: Record<string, string>;
}

/** The symbolic first dimension of every value. */
const BATCH = "batch";
type Dims = readonly (number | typeof BATCH)[];

interface Value {
  name: string;
  dims: Dims;
}

/** The first line of the module's toString, closed: "MLP([2, 8, 1], tanh / sigmoid)". */
function describeModule(m: Module): string {
  const line = m.toString().split("\n")[0]!;
  return line.endsWith(")") ? line : `${line})`;
}

/** Collects the graph's nodes, initializers and declared values under unique names. */
class GraphBuilder {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  readonly values: Onnx.IValueInfoProto[] = [];
  readonly #names = new Set<string>();

  constructor(readonly dtype: DType) {}

  /** `base`, or `base_1`, `base_2`, ... if taken: a value or node name used once in the graph. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  valueInfo(value: Value): Onnx.IValueInfoProto {
    const dim = value.dims.map((d) => (d === BATCH ? { dimParam: BATCH } : { dimValue: d }));
    return { name: value.name, type: { tensorType: { elemType: this.dtype === "float64" ? DOUBLE : FLOAT, shape: { dim } } } };
  }

  /** A constant input: the tensor's values, little-endian, under `name`. */
  initializer(name: string, t: Tensor): string {
    if (t.dtype !== this.dtype) throw new OnnxError("exportOnnx", `${name} is ${t.dtype}, but the model is ${this.dtype}: every parameter of an exported model has one dtype (convert the model first)`, name);
    const width = t.dtype === "float64" ? 8 : 4;
    const raw = new Uint8Array(t.size * width);
    const view = new DataView(raw.buffer);
    t.data.forEach((v, i) => (width === 8 ? view.setFloat64(i * 8, v, true) : view.setFloat32(i * 4, v, true)));
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dataType: width === 8 ? DOUBLE : FLOAT, dims: [...t.shape], rawData: raw });
    return unique;
  }

  /** One node with one output of the given dims, declared in value_info. */
  node(opType: string, path: string, inputs: readonly string[], dims: Dims, attribute: Onnx.IAttributeProto[] = []): Value {
    const output = { name: this.unique(at(path, `${opType}_output`)), dims };
    this.nodes.push({ opType, name: this.unique(at(path, opType)), input: [...inputs], output: [output.name], attribute });
    this.values.push(this.valueInfo(output));
    return output;
  }
}

/** "[batch,2]". */
function formatDims(dims: Dims): string {
  return `[${dims.join(",")}]`;
}

function at(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

const float = (name: string, f: number): Onnx.IAttributeProto => ({ name, f, type: onnx.AttributeProto.AttributeType.FLOAT });
const int = (name: string, i: number): Onnx.IAttributeProto => ({ name, i, type: onnx.AttributeProto.AttributeType.INT });
const ints = (name: string, values: number[]): Onnx.IAttributeProto => ({ name, ints: values, type: onnx.AttributeProto.AttributeType.INTS });

/** The ops for `module` applied to `x`; `path` is its PyTorch state_dict prefix. */
function emit(b: GraphBuilder, module: Module, path: string, x: Value): Value {
  const fail = (why: string): never => {
    throw new OnnxError("exportOnnx", `${path === "" ? "the model" : `module ${path}`} (${describeModule(module)}) ${why}`, path);
  };
  if (module instanceof MLP) return emit(b, module.layers, path, x);
  if (module instanceof Sequential) return module.modules.reduce((v, m, i) => emit(b, m, at(path, String(i)), v), x);
  if (module instanceof Residual) {
    const y = emit(b, module.block, at(path, "block"), x);
    if (y.dims.join() !== x.dims.join()) fail(`maps ${formatDims(x.dims)} to ${formatDims(y.dims)}; a residual block must keep the shape`);
    return b.node("Add", path, [x.name, y.name], x.dims);
  }
  if (module instanceof Linear) {
    if (x.dims.length < 2 || x.dims[x.dims.length - 1] !== module.inFeatures) fail(`takes [..., ${module.inFeatures}], but receives ${formatDims(x.dims)}`);
    const dims = [...x.dims.slice(0, -1), module.outFeatures];
    const weight = b.initializer(at(path, "weight"), module.weight);
    const bias = module.bias === null ? [] : [b.initializer(at(path, "bias"), module.bias)];
    // Gemm takes matrices only; past two dimensions, x · Wᵀ is a MatMul with the weight transposed by a node, so the initializer keeps PyTorch's [out, in].
    if (x.dims.length === 2) return b.node("Gemm", path, [x.name, weight, ...bias], dims, [int("transB", 1)]);
    const transposed = b.node("Transpose", path, [weight], [module.inFeatures, module.outFeatures], [ints("perm", [1, 0])]);
    const product = b.node("MatMul", path, [x.name, transposed.name], dims);
    return bias.length === 0 ? product : b.node("Add", path, [product.name, bias[0]!], dims);
  }
  if (module instanceof Identity) return b.node("Identity", path, [x.name], x.dims);
  if (module instanceof ReLU) return b.node("Relu", path, [x.name], x.dims);
  if (module instanceof Sigmoid) return b.node("Sigmoid", path, [x.name], x.dims);
  if (module instanceof Tanh) return b.node("Tanh", path, [x.name], x.dims);
  if (module instanceof Softplus) return b.node("Softplus", path, [x.name], x.dims);
  if (module instanceof LeakyReLU) {
    if (b.dtype === "float32") return b.node("LeakyRelu", path, [x.name], x.dims, [float("alpha", module.negativeSlope)]);
    // LeakyRelu's alpha is a float32 attribute; PRelu takes the slope as a float64 tensor, so the slope is not rounded.
    const slope = b.initializer(at(path, "negative_slope"), full([1], module.negativeSlope, { dtype: b.dtype }));
    return b.node("PRelu", path, [x.name, slope], x.dims);
  }
  if (module instanceof Softmax || module instanceof LogSoftmax) {
    const rank = x.dims.length;
    if (!Number.isInteger(module.axis) || module.axis < -rank || module.axis >= rank) fail(`has axis ${module.axis}, outside the ${rank} dimensions of its input ${formatDims(x.dims)}`);
    return b.node(module instanceof Softmax ? "Softmax" : "LogSoftmax", path, [x.name], x.dims, [int("axis", module.axis)]);
  }
  if (module instanceof BatchNorm1d) {
    if (x.dims.length !== 2 || x.dims[1] !== module.numFeatures) fail(`takes [batch, ${module.numFeatures}], but receives ${formatDims(x.dims)}`);
    if (module.runningMean === null || module.runningVar === null) {
      fail("keeps no running statistics, so in eval mode it normalises by each batch's own; ONNX's BatchNormalization needs running statistics (build it with trackRunningStats: true)");
    }
    const features = module.numFeatures;
    const scale = module.weight ?? ones([features], { dtype: b.dtype });
    const shift = module.bias ?? zeros([features], { dtype: b.dtype });
    // Without affine parameters the scale is 1 and the shift 0, named as constants rather than as parameters the module lacks.
    const inputs = [
      b.initializer(at(path, module.weight === null ? "unit_scale" : "weight"), scale),
      b.initializer(at(path, module.bias === null ? "zero_shift" : "bias"), shift),
      b.initializer(at(path, "running_mean"), module.runningMean!),
      b.initializer(at(path, "running_var"), b.dtype === "float64" ? varianceForFloat32Epsilon(module.runningVar!, module.eps) : module.runningVar!),
    ];
    // ONNX's momentum weighs the running value, PyTorch's and dagrad's the new batch.
    return b.node("BatchNormalization", path, [x.name, ...inputs], x.dims, [float("epsilon", module.eps), float("momentum", 1 - module.momentum)]);
  }
  if (module instanceof Dropout) return x;
  return fail(`cannot be exported: ONNX export reads Sequential, MLP, Residual, Linear, Identity, ReLU, LeakyReLU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax, BatchNorm1d and Dropout, not a module with its own forward; build the network from those`);
}

/**
 * BatchNormalization's epsilon is a float32 attribute, so a float64 runtime
 * adds float32(eps) to the variance: the rest, eps - float32(eps) (2.5e-14
 * for 1e-5), goes into the exported variance, and var + eps comes out as
 * dagrad computes it. importOnnx takes it back out.
 */
function varianceForFloat32Epsilon(runningVar: Tensor, eps: number): Tensor {
  return runningVar.add(eps - Math.fround(eps));
}

/** The first Linear reached from the input, through containers; null when something else comes first. */
function firstLinear(module: Module): Linear | null {
  if (module instanceof Linear) return module;
  if (module instanceof MLP) return firstLinear(module.layers);
  if (module instanceof Residual) return firstLinear(module.block);
  if (module instanceof Sequential) {
    for (const m of module.modules) {
      if (m instanceof Linear || m instanceof Sequential || m instanceof MLP || m instanceof Residual) return firstLinear(m);
    }
  }
  return null;
}

/** The model's dtype: its parameters' and buffers' (all alike), else the option's. */
function modelDType(model: Module, asked: DType | undefined): DType {
  const tensors = [...model.namedParameters(), ...model.namedBuffers()];
  if (tensors.length === 0) return asked ?? "float32";
  const [firstName, first] = tensors[0]!;
  const other = tensors.find(([, t]) => t.dtype !== first.dtype);
  if (other !== undefined) {
    throw new OnnxError("exportOnnx", `${firstName} is ${first.dtype} but ${other[0]} is ${other[1].dtype}; an ONNX model computes in one dtype: convert the parameters to one`, other[0]);
  }
  if (asked !== undefined && asked !== first.dtype) throw new OnnxError("exportOnnx", `dtype ${asked} was asked for, but the model's parameters are ${first.dtype}; leave dtype out, or build the model in ${asked}`);
  return first.dtype;
}

/**
 * The model as the bytes of an ONNX model (protobuf), computing what the
 * model computes in eval mode on a [batch, ...inputShape] input named
 * "input", with one output named "output".
 */
export function exportOnnx(model: Module, options: ExportOnnxOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  const irVersion = IR_VERSION_OF_OPSET[opset];
  if (irVersion === undefined) throw new OnnxError("exportOnnx", `opset ${String(opset)} is not one dagrad writes; use ${Object.keys(IR_VERSION_OF_OPSET).join(", ")} (default ${DEFAULT_OPSET})`);
  const inputShape = options.inputShape ?? (firstLinear(model) === null ? undefined : [firstLinear(model)!.inFeatures]);
  if (inputShape === undefined) throw new OnnxError("exportOnnx", "the model does not start with a Linear, so the input's shape is unknown: pass inputShape (the shape of one sample, without the batch dimension)");
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new OnnxError("exportOnnx", `inputShape must list one or more positive sizes (one sample's shape, without the batch dimension), got ${JSON.stringify(inputShape)}`);
  }
  const metadata = Object.entries(options.metadata ?? {});
  for (const [key, value] of metadata) {
    if (typeof value !== "string") throw new OnnxError("exportOnnx", `metadata "${key}" is ${typeof value}; ONNX metadata values are strings`, key);
  }
  const b = new GraphBuilder(modelDType(model, options.dtype));
  const input: Value = { name: b.unique("input"), dims: [BATCH, ...inputShape] };
  b.unique("output");
  let result = emit(b, model, "", input);
  // A model that computes nothing in eval mode (Dropout alone) still needs a node between input and output.
  if (result === input) result = b.node("Identity", "", [input.name], input.dims);
  // The value the last node makes is the graph's output: renamed, and declared there rather than in value_info.
  b.nodes.find((n) => n.output![0] === result.name)!.output = ["output"];
  const declared = b.values.filter((v) => v.name !== result.name);
  return new Uint8Array(onnx.ModelProto.encode({
    irVersion,
    opsetImport: [{ domain: "", version: opset }],
    producerName: "dagrad",
    producerVersion: VERSION,
    docString: `Exported by dagrad ${VERSION} from ${describeModule(model)}`,
    metadataProps: metadata.map(([key, value]) => ({ key, value })),
    graph: {
      name: "dagrad",
      node: b.nodes,
      initializer: b.initializers,
      input: [b.valueInfo(input)],
      output: [b.valueInfo({ name: "output", dims: result.dims })],
      valueInfo: declared,
    },
  }).finish());
}
