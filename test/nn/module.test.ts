import { describe, expect, it } from "vitest";
import { Tensor, createRng, randn, tensor, zeros } from "../../src/autograd/index.js";
import { BatchNorm1d, Linear, MLP, Module, ReLU, SGD, Sequential, StateDictError, fit, stateDictFromJson, stateDictToJson } from "../../src/nn/index.js";

function snapshot(m: Module): number[][] {
  return m.parameters().map((p) => Array.from(p.data));
}

describe("parameter names", () => {
  it("are dotted paths from the outermost module, and each tensor's .name is its path", () => {
    const mlp = new MLP({ sizes: [2, 3, 1], activation: "tanh", seed: 0 });
    const names = mlp.namedParameters().map(([n]) => n);
    expect(names).toEqual(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]);
    for (const [name, p] of mlp.namedParameters()) expect(p.name).toBe(name);
    expect(mlp.parameters().every((p) => p.requiresGrad && p.isLeaf)).toBe(true);
    expect(mlp.parameterCount()).toBe(2 * 3 + 3 + 3 + 1);
  });

  it("follow a module when it is nested again", () => {
    const inner = new Linear(2, 2, { seed: 1 });
    expect(inner.weight.name).toBe("weight");
    const outer = new Sequential(new ReLU(), new Sequential(inner));
    expect(outer.namedParameters().map(([n]) => n)).toEqual(["1.0.weight", "1.0.bias"]);
    expect(inner.weight.name).toBe("1.0.weight");
  });

  it("list a shared layer once", () => {
    const shared = new Linear(2, 2, { seed: 1 });
    expect(new Sequential(shared, new ReLU(), shared).parameters()).toHaveLength(2);
  });

  it("include buffers in the state dict but not in parameters()", () => {
    const net = new Sequential(new Linear(3, 2, { seed: 1 }), new BatchNorm1d(2));
    expect(net.namedParameters().map(([n]) => n)).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    expect(Object.keys(net.stateDict())).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "1.runningMean", "1.runningVar"]);
  });
});

describe("zeroGrad, train and eval", () => {
  it("zeroGrad clears every gradient", () => {
    const mlp = new MLP({ sizes: [2, 3, 1], seed: 0 });
    mlp.forward(tensor([[1, 2]])).sum().backward();
    expect(mlp.parameters().every((p) => p.grad !== null)).toBe(true);
    mlp.zeroGrad();
    expect(mlp.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it("switch the mode of every descendant", () => {
    const mlp = new MLP({ sizes: [2, 3, 3, 1], batchNorm: true, dropout: 0.5, seed: 0 });
    const modes = (m: Module): boolean[] => [m.training, ...m.namedChildren().flatMap(([, c]) => modes(c))];
    expect(mlp.eval()).toBe(mlp);
    expect(modes(mlp).every((t) => !t)).toBe(true);
    mlp.train();
    expect(modes(mlp).every((t) => t)).toBe(true);
  });
});

describe("stateDict and loadStateDict", () => {
  it("snapshots values (later training does not change the snapshot) and restores them", () => {
    const a = new MLP({ sizes: [2, 4, 1], seed: 1 });
    const b = new MLP({ sizes: [2, 4, 1], seed: 2 });
    const dict = a.stateDict();
    a.linears[0]!.weight.data[0] = 42;
    expect(dict["layers.0.weight"]!.data[0]).not.toBe(42);
    const before = b.linears[0]!.weight.version;
    expect(b.loadStateDict(dict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.linears[0]!.weight.data[0]).toBe(dict["layers.0.weight"]!.data[0]);
    expect(b.linears[0]!.weight.version).toBeGreaterThan(before);
  });

  it("checks every key and shape first: a bad dict loads nothing and names the parameter", () => {
    const target = new MLP({ sizes: [2, 4, 1], seed: 3 });
    const original = snapshot(target);
    const wrongShape = new MLP({ sizes: [2, 5, 1], seed: 4 }).stateDict();
    expect(() => target.loadStateDict(wrongShape)).toThrow(/"layers.0.weight" has shape \[5,2\], expected \[4,2\]/);
    const missing = new MLP({ sizes: [2, 4, 1], seed: 4 }).stateDict();
    delete missing["layers.2.bias"];
    expect(() => target.loadStateDict(missing)).toThrow(/missing key "layers.2.bias"/);
    try {
      target.loadStateDict(missing);
    } catch (e) {
      expect(e).toBeInstanceOf(StateDictError);
      expect((e as StateDictError).key).toBe("layers.2.bias");
    }
    expect(snapshot(target)).toEqual(original);
  });

  it("rejects unexpected keys when strict, and reports missing and unexpected keys when not", () => {
    const target = new Linear(2, 1, { seed: 1 });
    const dict = { weight: zeros([1, 2]), extra: zeros([1]) };
    expect(() => target.loadStateDict(dict)).toThrow(/missing key "bias".*unexpected key "extra"/);
    expect(target.loadStateDict(dict, { strict: false })).toEqual({ missingKeys: ["bias"], unexpectedKeys: ["extra"] });
    expect(Array.from(target.weight.data)).toEqual([0, 0]);
  });

  it("converts values to each parameter's dtype", () => {
    const target = new Linear(1, 1, { dtype: "float32", seed: 1 });
    target.loadStateDict({ weight: tensor([[0.1]], { dtype: "float64" }), bias: tensor([2], { dtype: "float64" }) });
    expect(target.weight.dtype).toBe("float32");
    expect(target.weight.data[0]).toBe(Math.fround(0.1));
  });
});

describe("state dicts as JSON text (stateDictToJson, stateDictFromJson)", () => {
  it("round-trips float32 and float64 weights exactly, with shapes and dtypes in the text", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const a = new MLP({ sizes: [3, 5, 2], dtype, seed: 5, batchNorm: true });
      a.forward(tensor([[1, 2, 3], [0, -1, 2]], { dtype }));
      const text = stateDictToJson(a.stateDict());
      const parsed = JSON.parse(text);
      expect(parsed.tensors["layers.0.weight"].shape).toEqual([5, 3]);
      expect(parsed.tensors["layers.0.weight"].dtype).toBe(dtype);
      const b = new MLP({ sizes: [3, 5, 2], dtype, seed: 6, batchNorm: true });
      b.loadStateDict(stateDictFromJson(text));
      for (const [name, t] of Object.entries(a.stateDict())) expect(Array.from(b.stateDict()[name]!.data)).toEqual(Array.from(t.data));
    }
  });

  it("keeps every value bit for bit: -0 (JSON.stringify(-0) is \"0\"), subnormals, extremes; NaN and infinities when allowed", () => {
    const bytes = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    const cases = {
      float64: [-0, 0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1, 1 / 3, Infinity, -Infinity, NaN],
      float32: [-0, 0, 1e-45, -1e-45, 3.4028234663852886e38, -1.1754943508222875e-38, 0.1, 1 / 3, Infinity, -Infinity, NaN],
    } as const;
    for (const [dtype, values] of Object.entries(cases) as ["float64" | "float32", readonly number[]][]) {
      const a = new Linear(values.length, 1, { dtype, seed: 1 });
      a.weight.data.set(values);
      a.bias!.data[0] = -0;
      const b = new Linear(values.length, 1, { dtype, seed: 2 });
      b.loadStateDict(stateDictFromJson(stateDictToJson(a.stateDict()), { allowNonFinite: true }));
      expect(bytes(b.weight).slice(0, -(dtype === "float64" ? 8 : 4)), dtype).toEqual(bytes(a.weight).slice(0, -(dtype === "float64" ? 8 : 4)));
      expect(b.weight.data.at(-1)).toBeNaN();
      expect(Object.is(b.bias!.data[0], -0), dtype).toBe(true);
    }
  });

  it("refuses text with NaN or infinite weights unless allowNonFinite, naming the source, the key and where", () => {
    const a = new MLP({ sizes: [2, 3, 1], seed: 1 });
    a.linears[1]!.weight.data[2] = NaN;
    const text = stateDictToJson(a.stateDict());
    expect(() => stateDictFromJson(text)).toThrow(StateDictError);
    expect(() => stateDictFromJson(text, { source: "model.json" })).toThrow(/^stateDictFromJson: model\.json: "layers\.2\.weight" holds NaN at \[0,2\]; nothing was loaded\. The saved model had diverged: train it again, or pass \{ allowNonFinite: true \} to load it as it is$/);
    expect(() => stateDictFromJson(text)).toThrow(/^stateDictFromJson: the JSON text: "layers\.2\.weight" holds NaN/);
    expect(stateDictFromJson(text, { allowNonFinite: true })["layers.2.weight"]!.data[2]).toBeNaN();
  });

  it("reads texts of format version 1 (before -0 was kept)", () => {
    const text = JSON.stringify({ format: "dagrad.stateDict", version: 1, tensors: { weight: { dtype: "float64", shape: [1, 2], data: [0.5, "Infinity"] }, bias: { dtype: "float64", shape: [1], data: [0] } } });
    const m = new Linear(2, 1, { dtype: "float64", seed: 1 });
    m.loadStateDict(stateDictFromJson(text, { allowNonFinite: true }));
    expect(Array.from(m.weight.data)).toEqual([0.5, Infinity]);
  });

  it("throws on corrupt JSON, another format, a wrong value count, value or dtype, and on what is not text", () => {
    const saved = JSON.parse(stateDictToJson(new MLP({ sizes: [2, 3, 1], seed: 8 }).stateDict()));
    const cases: [string, string, RegExp][] = [
      ["corrupt", '{"format": "dagrad.stateDict", "tens', /^stateDictFromJson: the JSON text is not valid JSON \(.*\); it is corrupt or was not written by dagrad \(saveModule, stateDictToJson\)$/],
      ["other", JSON.stringify({ weights: [] }), /is not a dagrad state dict/],
      ["version", JSON.stringify({ ...saved, version: 3 }), /has format version 3; this dagrad reads versions 1 and 2/],
      ["count", JSON.stringify({ ...saved, tensors: { ...saved.tensors, "layers.0.bias": { dtype: "float32", shape: [3], data: [1, 2] } } }), /tensor "layers\.0\.bias" has 2 values, but its shape \[3\] needs 3/],
      ["value", JSON.stringify({ ...saved, tensors: { ...saved.tensors, "layers.0.bias": { dtype: "float32", shape: [3], data: [1, "x", 2] } } }), /tensor "layers\.0\.bias" has "x" at position 1/],
      ["dtype", JSON.stringify({ ...saved, tensors: { ...saved.tensors, "layers.2.bias": { dtype: "int8", shape: [1], data: [1] } } }), /tensor "layers\.2\.bias" has dtype "int8"/],
    ];
    for (const [name, text, message] of cases) {
      expect(() => stateDictFromJson(text), name).toThrow(StateDictError);
      expect(() => stateDictFromJson(text), name).toThrow(message);
    }
    // What localStorage.getItem gives for a key never set.
    expect(() => stateDictFromJson(null as unknown as string)).toThrow("stateDictFromJson: expected the JSON text of a state dict, got null");
  });

  it("a state dict that does not fit the module (missing key, wrong shape) loads nothing", () => {
    const model = new MLP({ sizes: [2, 3, 1], seed: 7 });
    const original = snapshot(model);
    const saved = JSON.parse(stateDictToJson(new MLP({ sizes: [2, 3, 1], seed: 8 }).stateDict()));
    const missing = JSON.stringify({ ...saved, tensors: { ...saved.tensors, "layers.2.bias": undefined } });
    const shape = JSON.stringify({ ...saved, tensors: { ...saved.tensors, "layers.0.weight": { ...saved.tensors["layers.0.weight"], shape: [2, 3] } } });
    expect(() => model.loadStateDict(stateDictFromJson(missing))).toThrow(/missing key "layers\.2\.bias"/);
    expect(() => model.loadStateDict(stateDictFromJson(shape))).toThrow(/"layers\.0\.weight" has shape \[2,3\], expected \[3,2\]/);
    expect(snapshot(model)).toEqual(original);
  });
});

describe("toString", () => {
  it("shows the module tree", () => {
    expect(new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", seed: 0 }).toString()).toBe(
      ["MLP([2, 8, 1], tanh / sigmoid", "  (layers): Sequential(", "    (0): Linear(2 → 8)", "    (1): Tanh()", "    (2): Linear(8 → 1)", "    (3): Sigmoid()", "  )", ")"].join("\n"),
    );
  });
});

describe("a custom module", () => {
  class Affine extends Module {
    readonly scale: Tensor;
    constructor() {
      super();
      this.scale = this.registerParameter("scale", tensor([2]));
    }
    forward(x: Tensor): Tensor { return x.mul(this.scale); }
  }

  it("registers parameters by name and rejects a duplicate or dotted name", () => {
    const m = new Affine();
    expect(m.namedParameters().map(([n]) => n)).toEqual(["scale"]);
    expect(() => (m as unknown as { registerParameter(n: string, t: Tensor): Tensor }).registerParameter("scale", tensor([1]))).toThrow(/"scale" is already registered on Affine/);
    expect(() => (m as unknown as { registerParameter(n: string, t: Tensor): Tensor }).registerParameter("a.b", tensor([1]))).toThrow(/invalid name "a.b"/);
  });
});

describe("fields register as in PyTorch", () => {
  const x = () => randn([5, 2], { rng: createRng(3) });

  class Net extends Module {
    fc1: Linear;
    act = new ReLU();
    fc2: Linear;
    scale: Tensor;
    constructor() {
      super();
      this.fc1 = new Linear(2, 4, { seed: 1 });
      this.fc2 = new Linear(4, 1, { seed: 2 });
      this.scale = randn([1], { rng: createRng(4), requiresGrad: true });
    }
    forward(input: Tensor): Tensor {
      return this.fc2.forward(this.act.forward(this.fc1.forward(input))).mul(this.scale);
    }
  }

  it("sub-modules and tensors that require grad, assigned as fields, are the parameters (own first, then children)", () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual(["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    expect(net.parameterCount()).toBe(1 + 2 * 4 + 4 + 4 + 1);
    for (const [name, p] of net.namedParameters()) expect(p.name).toBe(name);
    expect(Object.keys(net.stateDict())).toEqual(["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(["fc1", "act", "fc2"]);
    expect(net.toString()).toBe(["Net(", "  (fc1): Linear(2 → 4)", "  (act): ReLU()", "  (fc2): Linear(4 → 1)", ")"].join("\n"));
  });

  it("train()/eval() reach them, zeroGrad clears them, and SGD trains them", () => {
    const net = new Net();
    net.eval();
    expect([net.training, net.fc1.training, net.act.training, net.fc2.training]).toEqual([false, false, false, false]);
    net.train();
    expect(net.fc2.training).toBe(true);
    net.forward(x()).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    const y = randn([5, 1], { rng: createRng(5) });
    const history = fit(net, { x: x(), y }, { loss: "mse", optimizer: new SGD(net.parameters(), { lr: 0.05 }), epochs: 30 });
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss);
  });

  it("class field initialisers and TypeScript `private` fields register; #private fields cannot be seen (JavaScript gives no way), so they do not", () => {
    class Fields extends Module {
      first = new Linear(2, 2, { seed: 1 });
      private hidden = new Linear(2, 2, { seed: 2 });
      #secret = new Linear(2, 2, { seed: 3 });
      forward(input: Tensor): Tensor { return this.#secret.forward(this.hidden.forward(this.first.forward(input))); }
    }
    const m = new Fields();
    expect(m.namedParameters().map(([n]) => n)).toEqual(["first.weight", "first.bias", "hidden.weight", "hidden.bias"]);
  });

  it("arrays of modules are named field.0, field.1, ... (ModuleList), read when asked, so layers pushed later count", () => {
    class Stack extends Module {
      blocks: Linear[] = [];
      heads = { mean: new Linear(3, 1, { seed: 9 }), logVar: new Linear(3, 1, { seed: 10 }) };
      constructor(depth: number) {
        super();
        for (let i = 0; i < depth; i++) this.blocks.push(new Linear(3, 3, { seed: i }));
      }
      forward(input: Tensor): Tensor {
        const h = this.blocks.reduce((out, b) => b.forward(out).tanh(), input);
        return this.heads.mean.forward(h).add(this.heads.logVar.forward(h));
      }
    }
    const m = new Stack(2);
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
      "heads.mean.weight", "heads.mean.bias", "heads.logVar.weight", "heads.logVar.bias",
    ]);
    expect(m.toString()).toBe([
      "Stack(",
      "  (blocks): ModuleList(",
      "    (0): Linear(3 → 3)",
      "    (1): Linear(3 → 3)",
      "  )",
      "  (heads): ModuleDict(",
      "    (mean): Linear(3 → 1)",
      "    (logVar): Linear(3 → 1)",
      "  )",
      ")",
    ].join("\n"));
    // A list of data is not a list of layers.
    (m as unknown as { sizes: number[] }).sizes = [3, 3];
    expect(m.parameters()).toHaveLength(8);
  });

  it("explicit register* calls keep working, and a tensor or module reached both ways is listed once", () => {
    class Both extends Module {
      readonly w: Tensor;
      readonly lin: Linear;
      alias: Linear;
      constructor() {
        super();
        this.w = this.registerParameter("w", tensor([1, 2]));
        this.lin = this.registerModule("lin", new Linear(2, 1, { seed: 1 }));
        this.alias = this.lin;
      }
      forward(input: Tensor): Tensor { return this.alias.forward(input.mul(this.w)); }
    }
    const m = new Both();
    expect(m.namedParameters().map(([n]) => n)).toEqual(["w", "lin.weight", "lin.bias"]);
    expect(m.namedChildren().map(([n]) => n)).toEqual(["lin"]);
    expect(() => (m as unknown as { registerModule(n: string, c: Module): Module }).registerModule("lin", new ReLU())).toThrow(/"lin" is already registered on Both/);
    expect(() => (m as unknown as { registerModule(n: string, c: Module): Module }).registerModule("train", new ReLU())).toThrow(/"train" would hide Both's own train; choose another name/);
  });

  it("reassigning a field replaces what it held, as in PyTorch; null removes it", () => {
    class Swap extends Module {
      head: Linear | null = new Linear(2, 1, { seed: 1 });
      forward(input: Tensor): Tensor { return this.head === null ? input : this.head.forward(input); }
    }
    const m = new Swap();
    const replacement = new Linear(2, 1, { seed: 2 });
    m.head = replacement;
    expect(m.parameters()).toEqual([replacement.weight, replacement.bias]);
    expect(m.parameters()[0]).toBe(replacement.weight);
    m.head = null;
    expect(m.parameters()).toEqual([]);
  });

  it("a tensor that does not require grad is no parameter; registerBuffer makes it saved state; a frozen parameter stays in the state dict", () => {
    class Stats extends Module {
      constant = tensor([1, 2, 3]);
      count: Tensor;
      w = tensor([0.5], { requiresGrad: true });
      constructor() {
        super();
        this.count = this.registerBuffer("count", tensor([0]));
      }
      forward(input: Tensor): Tensor { return input.mul(this.w); }
    }
    const m = new Stats();
    expect(m.namedParameters().map(([n]) => n)).toEqual(["w"]);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(["count"]);
    expect(Object.keys(m.stateDict())).toEqual(["w", "count"]);
    m.w.requiresGrad = false;
    expect(Object.keys(m.stateDict())).toEqual(["w", "count"]);
  });

  it("a tensor computed in forward and kept in a field (not a leaf) is no parameter", () => {
    class Caching extends Module {
      fc = new Linear(2, 2, { seed: 1 });
      last: Tensor | null = null;
      forward(input: Tensor): Tensor {
        this.last = this.fc.forward(input);
        return this.last;
      }
    }
    const m = new Caching();
    m.forward(x());
    expect(m.last!.requiresGrad).toBe(true);
    expect(m.namedParameters().map(([n]) => n)).toEqual(["fc.weight", "fc.bias"]);
  });

  it("a field pointing back up the tree (a parent) is not followed: no endless walk, and toString ends", () => {
    class Child extends Module {
      fc = new Linear(2, 2, { seed: 1 });
      parent: Module | null = null;
      forward(input: Tensor): Tensor { return this.fc.forward(input); }
    }
    class Parent extends Module {
      child = new Child();
      constructor() {
        super();
        this.child.parent = this;
      }
      forward(input: Tensor): Tensor { return this.child.forward(input); }
    }
    const p = new Parent();
    expect(p.namedParameters().map(([n]) => n)).toEqual(["child.fc.weight", "child.fc.bias"]);
    expect(p.toString()).toBe(["Parent(", "  (child): Child(", "    (fc): Linear(2 → 2)", "  )", ")"].join("\n"));
    p.eval();
    expect(p.child.fc.training).toBe(false);
  });
});
