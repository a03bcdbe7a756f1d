// exportOnnx checked by the real runtime: every module kind, float32 and
// float64, run by onnxruntime-node on random inputs against dagrad's own
// outputs (float32 within 1e-5, float64 within 1e-12, relative to the
// output's scale), and every exported graph holding the ONNX checker's rules.
import { describe, expect, it } from "vitest";
import {
  BatchNorm1d, type DType, LeakyReLU, Linear, MLP, Module, ReLU, Residual, Sequential, Softplus, type Tensor, VERSION, torchStateDict,
} from "../../src/index.js";
import { OnnxError, exportOnnx } from "../../src/onnx.js";
import { type Onnx, int64, onnx } from "../../src/interop/onnx/proto.js";
import { allCases, inputs } from "./cases.js";
import { checkerProblems, declaredDims, decodeModel, exposeIntermediates } from "./onnx-checker.js";
import { ortOutput, relativeError, runOrt } from "./ort.js";

const TOLERANCE: Record<DType, number> = { float32: 1e-5, float64: 1e-12 };

/** Whether the runtime's CPU provider computes every op of the model in this dtype (it has no float64 Softplus). */
function runtimeSupports(bytes: Uint8Array, dtype: DType): boolean {
  return dtype === "float32" || !decodeModel(bytes).graph!.node!.some((n) => n.opType === "Softplus");
}

describe.each(["float32", "float64"] as const)("exportOnnx, %s, run by ONNX Runtime", (dtype) => {
  for (const c of allCases(dtype)) {
    it(`${c.name}: the runtime's outputs are dagrad's, for batches of 1 and 7`, async () => {
      const bytes = exportOnnx(c.model, { inputShape: c.sample, dtype });
      for (const [batch, seed] of [[1, 1], [7, 2]] as const) {
        const x = inputs(c.sample, batch, dtype, seed);
        const expected = c.model.forward(x);
        if (!runtimeSupports(bytes, dtype)) {
          await expect(ortOutput(bytes, x)).rejects.toThrow(/Softplus/);
          continue;
        }
        const actual = await ortOutput(bytes, x);
        expect(actual.dtype).toBe(dtype);
        expect(relativeError(actual, expected)).toBeLessThan(TOLERANCE[dtype]);
      }
    });

    it(`${c.name}: follows the checker's rules, and every declared shape is the one the runtime computes`, async () => {
      const bytes = exportOnnx(c.model, { inputShape: c.sample, dtype });
      const model = decodeModel(bytes);
      expect(checkerProblems(model)).toEqual([]);
      if (!runtimeSupports(bytes, dtype)) return;
      const batch = 3;
      const outputs = await runOrt(exposeIntermediates(model), inputs(c.sample, batch, dtype, 3));
      const computed = Object.fromEntries([...outputs].map(([name, t]) => [name, [...t.shape]]));
      expect(computed).toEqual(Object.fromEntries(declaredDims(model, batch)));
    });
  }
});

describe("what an exported model says about itself", () => {
  const mlp = new MLP({ sizes: [3, 6, 6, 2], batchNorm: true, seed: 1 });
  const model = decodeModel(exportOnnx(mlp, { metadata: { "dagrad.note": "made by a test" } }));

  it("names its initializers by PyTorch's state_dict names", () => {
    expect(model.graph!.initializer!.map((t) => t.name).sort()).toEqual(Object.keys(torchStateDict(mlp)).sort());
    expect(Object.keys(torchStateDict(mlp))).toContain("1.running_mean");
  });

  it("has a symbolic batch dimension on its input and output", () => {
    for (const v of [model.graph!.input![0]!, model.graph!.output![0]!]) {
      expect(v.type!.tensorType!.shape!.dim![0]!.dimParam).toBe("batch");
    }
    expect(model.graph!.input![0]!.name).toBe("input");
    expect(model.graph!.output![0]!.name).toBe("output");
  });

  it("carries dagrad's version in its doc string and producer, and the metadata it was given", () => {
    expect(model.docString).toBe(`Exported by dagrad ${VERSION} from MLP([3, 6, 6, 2], relu / relu / identity)`);
    expect([model.producerName, model.producerVersion]).toEqual(["dagrad", VERSION]);
    expect(model.metadataProps).toEqual([expect.objectContaining({ key: "dagrad.note", value: "made by a test" })]);
  });

  it("writes Linear as Gemm with the weight [out, in] and transB, as torch.onnx.export does", () => {
    const gemm = model.graph!.node![0]!;
    expect(gemm.opType).toBe("Gemm");
    expect(gemm.input).toEqual(["input", "0.weight", "0.bias"]);
    expect(gemm.attribute!.map((a) => [a.name, int64(a.i)])).toEqual([["transB", 1]]);
    expect(model.graph!.initializer!.find((t) => t.name === "0.weight")!.dims!.map(int64)).toEqual([6, 3]);
  });

  it("writes a float64 LeakyReLU as PRelu with a float64 slope, since LeakyRelu's alpha is a float32", () => {
    const m = decodeModel(exportOnnx(new LeakyReLU(), { inputShape: [2], dtype: "float64" }));
    expect(m.graph!.node!.map((n) => n.opType)).toEqual(["PRelu"]);
    const slope = m.graph!.initializer![0]!;
    expect(new DataView(slope.rawData!.buffer, slope.rawData!.byteOffset).getFloat64(0, true)).toBe(0.01);
  });
});

describe("every opset exportOnnx writes runs in the runtime", () => {
  for (const opset of [13, 14, 15, 16, 17, 18, 19, 20, 21]) {
    it(`opset ${opset}`, async () => {
      const model = new MLP({ sizes: [3, 5, 2], batchNorm: true, residual: false, activation: "leakyRelu", outputActivation: "softmax", seed: 2 }).eval();
      const bytes = exportOnnx(model, { opset });
      const decoded = decodeModel(bytes);
      expect(int64(decoded.opsetImport![0]!.version)).toBe(opset);
      expect(checkerProblems(decoded)).toEqual([]);
      const x = inputs([3], 4, "float32", 1);
      expect(relativeError(await ortOutput(bytes, x), model.forward(x))).toBeLessThan(1e-5);
    });
  }
});

describe("what exportOnnx refuses, with an OnnxError that names the module", () => {
  class XorNet extends Module {
    hidden = new Linear(2, 4, { seed: 1 });
    forward(x: Tensor): Tensor { return this.hidden.forward(x).tanh(); }
  }

  it("a module with its own forward (its code is not a graph of modules dagrad can read)", () => {
    expect(() => exportOnnx(new Sequential(new Linear(2, 2), new XorNet()))).toThrow(OnnxError);
    expect(() => exportOnnx(new Sequential(new Linear(2, 2), new XorNet()))).toThrow(/module 1 \(XorNet\(\)\) cannot be exported: ONNX export reads Sequential, MLP, Residual, Linear/);
  });

  it("a BatchNorm1d without running statistics", () => {
    const bn = new BatchNorm1d(3, { trackRunningStats: false });
    expect(() => exportOnnx(new Sequential(new Linear(2, 3), bn))).toThrow(/module 1 \(BatchNorm1d\(3.*keeps no running statistics.*trackRunningStats: true/);
  });

  it("parameters of two dtypes", () => {
    expect(() => exportOnnx(new Sequential(new Linear(2, 3), new Linear(3, 1, { dtype: "float64" })))).toThrow(/0.weight is float32 but 1.weight is float64/);
  });

  it("a model whose input shape is unknown, or given wrong", () => {
    expect(() => exportOnnx(new ReLU())).toThrow(/does not start with a Linear.*pass inputShape/);
    expect(() => exportOnnx(new Linear(3, 2), { inputShape: [4] })).toThrow(/the model \(Linear\(3 → 2\)\) takes \[..., 3\], but receives \[batch,4\]/);
    expect(() => exportOnnx(new Softplus(), { inputShape: [0] })).toThrow(/inputShape must list one or more positive sizes/);
  });

  it("a residual block that changes the shape", () => {
    expect(() => exportOnnx(new Residual(new Linear(3, 2)))).toThrow(/maps \[batch,3\] to \[batch,2\]; a residual block must keep the shape/);
  });

  it("an opset outside 13 to 21", () => {
    expect(() => exportOnnx(new Linear(2, 1), { opset: 12 })).toThrow(/opset 12 is not one dagrad writes; use 13, 14/);
  });
});

describe("the checker of these tests catches what it checks", () => {
  const good = decodeModel(exportOnnx(new Sequential(new Linear(2, 3, { seed: 1 }), new ReLU(), new Linear(3, 1, { seed: 2 }))));
  const edited = (edit: (graph: Onnx.IGraphProto) => void): Onnx.IModelProto => {
    const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(good).finish());
    edit(copy.graph!);
    return copy;
  };

  it("passes the exported model", () => {
    expect(checkerProblems(good)).toEqual([]);
  });

  it("nodes out of topological order", () => {
    expect(checkerProblems(edited((g) => g.node!.reverse()))).toContainEqual(expect.stringMatching(/reads ".*" before it is defined: not topologically sorted/));
  });

  it("a value name made twice, a node name used twice", () => {
    const problems = checkerProblems(edited((g) => {
      g.node![1]!.output = [g.node![0]!.output![0]!];
      g.node![2]!.name = g.node![0]!.name;
    }));
    expect(problems).toContainEqual(expect.stringMatching(/reuses a name already defined/));
    expect(problems).toContainEqual(expect.stringMatching(/reuses the node name/));
  });

  it("an intermediate value without a declared shape, a dimension without a size", () => {
    const problems = checkerProblems(edited((g) => {
      g.valueInfo!.pop();
      g.input![0]!.type!.tensorType!.shape!.dim![1] = {};
    }));
    expect(problems).toContainEqual(expect.stringMatching(/has no declared type and shape/));
    expect(problems).toContainEqual(expect.stringMatching(/value "input" has a dimension that is neither a size nor a name/));
  });

  it("an initializer holding fewer values than its dims", () => {
    expect(checkerProblems(edited((g) => { g.initializer![0]!.dims = [4, 2]; }))).toContainEqual(expect.stringMatching(/initializer "0.weight" has dims \[4,2\] but holds 6 values/));
  });
});
