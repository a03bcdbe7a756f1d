// importOnnx: every exported network comes back computing the same outputs;
// the fixtures torch.onnx.export wrote (fixtures/make_fixtures.py) come back
// computing PyTorch's recorded outputs; anything else is refused whole, with
// an OnnxError naming the node.
import { describe, expect, it } from "vitest";
import {
  BatchNorm1d, Linear, LogSoftmax, MLP, Residual, Sequential, Tanh, torchStateDict,
} from "../../src/index.js";
import { OnnxError, exportOnnx, importOnnx } from "../../src/onnx.js";
import { type Onnx, onnx } from "../../src/interop/onnx/proto.js";
import { allCases, inputs } from "./cases.js";
import { fixture, fixtureInput } from "./fixtures.js";
import { decodeModel } from "./onnx-checker.js";
import { ortOutput, relativeError } from "./ort.js";

describe.each(["float32", "float64"] as const)("importOnnx of what exportOnnx wrote, %s", (dtype) => {
  for (const c of allCases(dtype)) {
    it(`${c.name}: the same outputs, and the same parameters under their PyTorch names`, () => {
      const imported = importOnnx(exportOnnx(c.model, { inputShape: c.sample, dtype }));
      const x = inputs(c.sample, 5, dtype, 4);
      const y = imported.forward(x);
      expect(y.dtype).toBe(dtype);
      expect(relativeError(y, c.model.forward(x))).toBeLessThan(dtype === "float64" ? 1e-15 : 1e-7);
      // In order, not by name: a Dropout leaves no op, so the modules after it are numbered one lower.
      const before = Object.values(torchStateDict(c.model));
      const after = Object.values(torchStateDict(imported));
      // BatchNorm1d without affine parameters comes back with weight 1 and bias 0 (the constants its op needs).
      const constants = c.name.includes("without affine") ? 2 : 0;
      expect(after.length).toBe(before.length + constants);
      after.slice(constants).forEach((t, i) => expect(relativeError(t, before[i]!)).toBeLessThan(1e-15));
    });
  }
});

describe("importOnnx reads the structure back", () => {
  it("an MLP with BatchNorm1d, residual blocks and dropout as the Sequential of its layers, in eval mode", () => {
    const mlp = new MLP({ sizes: [3, 4, 4, 2], batchNorm: true, residual: true, dropout: 0.25, activation: "tanh", outputActivation: "sigmoid", seed: 1 });
    const imported = importOnnx(exportOnnx(mlp));
    expect(imported.training).toBe(false);
    expect(imported.toString()).toBe([
      "Sequential(",
      "  (0): Linear(3 → 4)",
      "  (1): BatchNorm1d(4, eps=0.00001, momentum=0.1)",
      "  (2): Tanh()",
      "  (3): Residual(",
      "    (block): Sequential(",
      "      (0): Linear(4 → 4)",
      "      (1): BatchNorm1d(4, eps=0.00001, momentum=0.1)",
      "      (2): Tanh()",
      "    )",
      "  )",
      "  (4): Linear(4 → 2)",
      "  (5): Sigmoid()",
      ")",
    ].join("\n"));
  });

  it("float64 BatchNorm1d's running variance and eps exactly, after carrying eps - float32(eps) through the file", () => {
    const bn = new BatchNorm1d(3, { dtype: "float64", eps: 1e-3 });
    bn.runningVar!.data.set([0.5, 2, 1e-4]);
    const back = importOnnx(exportOnnx(new Sequential(new Linear(2, 3, { dtype: "float64", seed: 1 }), bn))).modules[1] as BatchNorm1d;
    expect(back.eps).toBe(1e-3);
    expect(Array.from(back.runningVar!.data)).toEqual([0.5, 2, 1e-4]);
  });
});

describe("importOnnx of torch.onnx.export's files (PyTorch 1.13, opset 14)", () => {
  it("moons: Gemm, Tanh, Gemm, Sigmoid as dagrad's default MLP, with PyTorch's outputs", () => {
    const model = importOnnx(fixture("moons.onnx"));
    expect(model.toString()).toBe("Sequential(\n  (0): Linear(2 → 8)\n  (1): Tanh()\n  (2): Linear(8 → 1)\n  (3): Sigmoid()\n)");
    const { x, expected } = fixtureInput("moons");
    expect(relativeError(model.forward(x), expected)).toBeLessThan(1e-5);
  });

  it("classifier: BatchNormalization, LeakyRelu and LogSoftmax (Dropout left out by the export), with PyTorch's outputs", () => {
    const model = importOnnx(fixture("classifier.onnx"));
    expect(model.modules.map((m) => m.constructor.name)).toEqual(["Linear", "BatchNorm1d", "LeakyReLU", "Linear", "Tanh", "Linear", "LogSoftmax"]);
    expect(model.modules[2]!.toString()).toBe("LeakyReLU(negativeSlope=0.1)");
    const { x, expected } = fixtureInput("classifier");
    expect(relativeError(model.forward(x), expected)).toBeLessThan(1e-5);
  });

  it("sequence: Linear on [batch, 5, 3] as MatMul + Add, ReLU, Softplus, Softmax, with PyTorch's outputs", () => {
    const bytes = fixture("sequence.onnx");
    expect(decodeModel(bytes).graph!.node!.map((n) => n.opType).slice(0, 2)).toEqual(["MatMul", "Add"]);
    const model = importOnnx(bytes);
    expect(model.modules.map((m) => m.constructor.name)).toEqual(["Linear", "ReLU", "Linear", "Softplus", "Linear", "Softmax"]);
    const { x, expected } = fixtureInput("sequence");
    expect(relativeError(model.forward(x), expected)).toBeLessThan(1e-5);
  });

  it("the runtime agrees with PyTorch's recorded outputs on the same files (the fixtures are what they say)", async () => {
    for (const name of ["moons", "classifier", "sequence"]) {
      const { x, expected } = fixtureInput(name);
      expect(relativeError(await ortOutput(fixture(`${name}.onnx`), x), expected)).toBeLessThan(1e-5);
    }
  });

  it("a PyTorch model fine-tunes in dagrad: its gradients reach every imported parameter", () => {
    const model = importOnnx(fixture("classifier.onnx")).train();
    const { x } = fixtureInput("classifier");
    model.forward(x).sum().backward();
    for (const [name, p] of model.namedParameters()) expect(p.grad, name).not.toBeNull();
  });
});

/** The exported bytes of a small network, edited as a protobuf message. */
function edited(edit: (model: Onnx.IModelProto) => void, network = new Sequential(new Linear(2, 3, { seed: 1 }), new Tanh(), new Linear(3, 2, { seed: 2 }), new LogSoftmax(1))): Uint8Array {
  const model = decodeModel(exportOnnx(network));
  edit(model);
  return onnx.ModelProto.encode(model).finish();
}

describe("what importOnnx refuses, whole, with an OnnxError naming what and where", () => {
  const refused = (bytes: Uint8Array, message: RegExp): void => {
    expect(() => importOnnx(bytes)).toThrow(OnnxError);
    expect(() => importOnnx(bytes)).toThrow(message);
  };

  it("an op outside dagrad's subset, by name", () => {
    refused(edited((m) => { m.graph!.node![1]!.opType = "Elu"; }), /node 1 "1.Tanh" \(Elu\) of op type Elu, which dagrad does not read; it reads Gemm, MatMul, Add/);
    refused(edited((m) => { m.graph!.node![2]!.opType = "Conv"; }), /node 2 "2.Gemm" \(Conv\) of op type Conv, which dagrad does not read/);
  });

  it("truncated or foreign bytes", () => {
    const bytes = exportOnnx(new Linear(3, 2));
    refused(bytes.subarray(0, bytes.length - 9), /not an ONNX model \(protobuf: .*\); the file is truncated, corrupt or of another format/);
    refused(new TextEncoder().encode("{\"format\": \"dagrad.stateDict\"}"), /not an ONNX model|no ONNX graph/);
    refused(new Uint8Array(0), /decode to no ONNX graph/);
  });

  it("nodes out of topological order", () => {
    refused(edited((m) => { m.graph!.node!.reverse(); }), /node 0 "3.LogSoftmax" \(LogSoftmax\) read "2.Gemm_output" before any node makes it: the nodes are not in topological order/);
  });

  it("a branch: a node that does not read the chain's last value", () => {
    refused(edited((m) => { m.graph!.node![2]!.input![0] = "input"; }), /branches: node 2 "2.Gemm" \(Gemm\) reads "input", not "1.Tanh_output"/);
  });

  it("weights stored in an external file", () => {
    refused(edited((m) => { m.graph!.initializer![0]!.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL; }), /keeps initializer "0.weight" in an external file/);
  });

  it("an initializer holding fewer values than its dims", () => {
    refused(edited((m) => { m.graph!.initializer![0]!.dims = [3, 3]; }), /initializer "0.weight" of dims \[3,3\] \(9 values\) holding 6/);
  });

  it("a dtype other than float and double, or the two mixed", () => {
    refused(edited((m) => { m.graph!.input![0]!.type!.tensorType!.elemType = 10; }), /input "input" of ONNX data type 10; dagrad reads FLOAT \(1\) and DOUBLE \(11\)/);
    refused(edited((m) => {
      const w = m.graph!.initializer![2]!;
      w.dataType = 11;
      w.rawData = new Uint8Array(w.rawData!.length * 2);
    }), /mixes float32 and float64 \(initializer "2.weight"\)/);
  });

  it("a Gemm that scales (alpha), or a Linear whose input width is not the value's", () => {
    refused(edited((m) => { m.graph!.node![0]!.attribute!.push({ name: "alpha", f: 2, type: onnx.AttributeProto.AttributeType.FLOAT }); }), /\(Gemm\) scale by alpha 2; a Linear has alpha = beta = 1/);
    refused(edited((m) => { m.graph!.input![0]!.type!.tensorType!.shape!.dim![1] = { dimValue: 5 }; }), /node 0 "0.Gemm" \(Gemm\) take 2 features, but the value it reads has 5/);
  });

  it("a model of two outputs, or whose output is not where its chain ends", () => {
    refused(edited((m) => { m.graph!.output!.push({ ...m.graph!.output![0]!, name: "1.Tanh_output" }); }), /has 2 outputs; dagrad reads a model of one output/);
    refused(edited((m) => { m.graph!.node!.push({ opType: "Relu", name: "extra", input: ["output"], output: ["after"] }); }), /ends its chain of ops at "after", but its output is "output"/);
  });

  it("an Add that is no residual connection", () => {
    refused(edited((m) => { m.graph!.node![1] = { opType: "Add", name: "twice", input: ["0.Gemm_output", "0.Gemm_output"], output: ["1.Tanh_output"] }; }), /node 1 "twice" \(Add\) add \["0.Gemm_output","0.Gemm_output"\]/);
  });

  it("an opset before 9", () => {
    refused(edited((m) => { m.opsetImport![0]!.version = 7; }), /opset 7 of the default ONNX domain; dagrad reads opset 9 and later/);
  });

  it("a residual block that changes the width", () => {
    const network = new Sequential(new Linear(3, 3, { seed: 1 }), new Residual(new Linear(3, 3, { seed: 2 })));
    refused(edited((m) => {
      const gemm = m.graph!.node![1]!;
      m.graph!.initializer!.find((t) => t.name === gemm.input![1])!.dims = [2, 3];
      m.graph!.initializer!.find((t) => t.name === gemm.input![1])!.rawData = new Uint8Array(24);
      m.graph!.initializer!.find((t) => t.name === gemm.input![2])!.dims = [2];
      m.graph!.initializer!.find((t) => t.name === gemm.input![2])!.rawData = new Uint8Array(8);
    }, network), /add a value of 2 features to one of 3; a residual block must keep the shape/);
  });
});
