// Forward hooks (as PyTorch's register_forward_hook) and what the hidden
// layers' units do: saturated sigmoid/tanh pre-activations, dead ReLU units.
import { describe, expect, it } from "vitest";
import { type Tensor, noGrad, tensor } from "../../src/autograd/index.js";
import { Linear, MLP, Sequential, Tanh, layerActivity } from "../../src/nn/index.js";

const f64 = { dtype: "float64" as const };

/** An MLP [1, 2, 2, 1] whose Linear weights and biases are set by hand. */
function handMade(activation: "sigmoid" | "tanh" | "relu", weights: number[][][], biases: number[][]): MLP {
  const model = new MLP({ sizes: [1, 2, 2, 1], activation, dtype: "float64", seed: 1 });
  noGrad(() => model.linears.forEach((l, i) => {
    l.weight.copyFrom(tensor(weights[i]!, f64));
    l.bias!.copyFrom(tensor(biases[i]!, f64));
  }));
  return model;
}

describe("registerForwardHook", () => {
  it("sees each forward's input and output, also when a parent module calls it, until removed", () => {
    const inner = new Tanh();
    const net = new Sequential(new Linear(2, 2, { ...f64, seed: 1 }), inner);
    const seen: [Tensor, Tensor][] = [];
    const remove = inner.registerForwardHook((module, input, output) => {
      expect(module).toBe(inner);
      seen.push([input, output]);
    });
    const y = net.forward(tensor([[1, 2]], f64));
    expect(seen).toHaveLength(1);
    expect(seen[0]![1]).toBe(y);
    expect(Array.from(seen[0]![1].data)).toEqual(Array.from(seen[0]![0].data, Math.tanh));
    remove();
    net.forward(tensor([[1, 2]], f64));
    expect(seen).toHaveLength(1);
    expect(Object.hasOwn(inner, "forward")).toBe(false); // the class's forward again
    remove(); // twice is harmless
  });

  it("runs several hooks in order, and refuses one that is not a function", () => {
    const m = new Tanh();
    const order: number[] = [];
    const a = m.registerForwardHook(() => order.push(1));
    m.registerForwardHook(() => order.push(2));
    m.forward(tensor([1]));
    a();
    m.forward(tensor([1]));
    expect(order).toEqual([1, 2, 2]);
    expect(() => m.registerForwardHook(3 as never)).toThrow(/registerForwardHook: hook must be a function/);
  });
});

describe("layerActivity", () => {
  it("counts a sigmoid layer's pre-activations beyond |z| = 3 as saturated", () => {
    // Layer 1: z = [10 x, 0.1 x]; layer 2: z = [0.5 h1, 4 + h2].
    const model = handMade("sigmoid", [[[10], [0.1]], [[0.5, 0], [0, 1]], [[1, 1]]], [[0, 0], [0, 4], [0]]);
    const stats = layerActivity(model, tensor([[1], [-1]], f64));
    expect(stats).toEqual([
      { layer: 1, activation: "sigmoid", units: 2, saturated: 0.5, dead: null },
      { layer: 2, activation: "sigmoid", units: 2, saturated: 0.5, dead: null },
    ]);
  });

  it("counts ReLU units that are never positive on the batch as dead", () => {
    // Unit 1 of layer 1: z = -x - 3, negative for both rows; unit 2: z = x, positive for one.
    const model = handMade("relu", [[[-1], [1]], [[1, 1], [-1, -1]], [[1, 1]]], [[-3, 0], [0.5, -0.5], [0]]);
    const stats = layerActivity(model, tensor([[1], [-1]], f64));
    expect(stats.map((s) => s.dead)).toEqual([1, 1]);
    expect(stats.every((s) => s.saturated === null)).toBe(true);
  });

  it("measures in eval mode without a trace: batch norm's running statistics and the training mode stay as they were", () => {
    const model = new MLP({ sizes: [2, 4, 4, 1], activation: "tanh", batchNorm: true, dtype: "float64", seed: 2 });
    const before = model.namedBuffers().map(([, t]) => Array.from(t.data));
    layerActivity(model, tensor([[1, 2], [3, -1], [0, 0.5]], f64));
    expect(model.namedBuffers().map(([, t]) => Array.from(t.data))).toEqual(before);
    expect(model.training).toBe(true);
    expect(model.activationModules.every((m) => !Object.hasOwn(m, "forward"))).toBe(true);
  });
});
