// inspectStep: the whole graph of one step with every node's value and
// gradient, and the documents' quantities beside the manual formulas'.
import { describe, expect, it } from "vitest";
import { tensor } from "../../../src/autograd/index.js";
import { MLP } from "../../../src/nn/mlp.js";
import { ManualMLP, inspectStep, manualLayer, manualLayersOf, mlpOfManualLayers, numericalGradients } from "../../../src/nn/manual/index.js";
import { LOSS_OUTPUT_PAIRS, randomInputs, randomTargets } from "./fixtures.js";
import { expectValues } from "./helpers.js";

const f64 = { dtype: "float64" as const };

// 000 section 7's network and sample, in dagrad's [out, in] layout.
const example000 = () => mlpOfManualLayers([manualLayer([[0.5, 0.1], [0.2, 0.3]], [0.1, 0.2], "tanh"), manualLayer([[0.4, 0.6]], [0.1], "sigmoid")]);
const x000 = () => tensor([[1, 0.5]], f64);
const y000 = () => tensor([[1]], f64);

describe("inspectStep on 000 section 7's step", () => {
  const mlp = example000();
  const x = x000(), y = y000();
  const step = inspectStep(mlp, x, y, "bce");

  it("lists every node of the graph after its inputs, the loss last, each with its kind, label and the documents' names", () => {
    const { nodes } = step;
    nodes.forEach((node) => node.inputs.forEach((i) => expect(i, `node ${node.index} (${node.label})`).toBeLessThan(node.index)));
    expect(nodes[nodes.length - 1]!.names).toEqual(["loss"]);
    const named = Object.fromEntries(nodes.filter((n) => n.names.length > 0).map((n) => [n.names.join("="), [n.kind, n.label]]));
    expect(named).toEqual({
      W1: ["parameter", "layers.0.weight"], b1: ["parameter", "layers.0.bias"], Z1: ["op", "linear"], A1: ["op", "tanh"],
      W2: ["parameter", "layers.2.weight"], b2: ["parameter", "layers.2.bias"], Z2: ["op", "linear"], A2: ["op", "sigmoid"], loss: ["op", "div"],
    });
    expect(nodes.filter((n) => n.kind === "input").map((n) => [n.label, Array.from(n.value), n.grad])).toEqual([["X", [1, 0.5], null]]);
    expect(nodes.filter((n) => n.kind === "target").map((n) => [n.label, Array.from(n.value)])).toEqual([["Y", [1]]]);
    expect(nodes.filter((n) => n.kind === "constant").every((n) => n.grad === null)).toBe(true);
    expect(nodes.filter((n) => n.kind === "op" || n.kind === "parameter").every((n) => n.grad !== null && n.grad.length === n.value.length)).toBe(true);
    expect(step.loss).toBeCloseTo(0.4273148292, 10);
  });

  it("every node's gradient is ∂L/∂node: 1 at the loss, 001's chain rule through tanh, central differences at W1", () => {
    const node = (name: string) => step.nodes.find((n) => n.names.includes(name))!;
    expect(Array.from(node("loss").grad!)).toEqual([1]);
    const a1 = node("A1");
    expectValues("dZ1 = dA1 ⊙ (1 - A1²)", node("Z1").grad!, Array.from(a1.grad!, (g, i) => g * (1 - a1.value[i]! ** 2)), 1e-16);
    const numerical = numericalGradients(new ManualMLP(manualLayersOf(mlp, "float64")), x.data, y.data, "bce");
    expectValues("dW1 against central differences", node("W1").grad!, Array.from(numerical.weight[0]!), 1e-9);
  });

  it("sets each quantity beside explainSteps' value and gradient: the document's numbers, agreeing to 1e-15", () => {
    const comparisons = step.comparisons!;
    expect(step.manualUnavailable).toBeNull();
    expect(comparisons.map((c) => [c.name, c.gradientName])).toEqual([
      ["W1", "dW1"], ["b1", "db1"], ["Z1", "dZ1"], ["A1", "dA1"], ["W2", "dW2"], ["b2", "db2"], ["Z2", "dZ2"], ["A2", "dA2"], ["loss", null],
    ]);
    const byName = Object.fromEntries(comparisons.map((c) => [c.name, c]));
    expect(byName.Z1!.formula).toBe("X W1ᵀ + b1");
    expect(byName.Z2!.gradientFormula).toBe("(A - Y) / m   [sigmoid + bce]");
    expectValues("Z1", byName.Z1!.value.manual, [0.65, 0.55], 1e-15);
    expectValues("dZ2", byName.Z2!.grad!.manual, [0.65225817 - 1], 1e-8);
    expectValues("dW2", byName.W2!.grad!.autograd, [-0.1987935602, -0.1740518142], 1e-10);
    for (const c of comparisons) {
      expect(c.valueDiff, `${c.name} value`).toBeLessThanOrEqual(1e-15);
      if (c.grad !== null) expect(c.gradDiff, `${c.gradientName}`).toBeLessThanOrEqual(1e-15);
    }
  });

  it("where the formulas skip a gradient (dA2: sigmoid + bce goes straight to dZ2), says so and still shows autograd's", () => {
    const a2 = step.comparisons!.find((c) => c.name === "A2")!;
    expect([a2.grad, a2.gradientFormula, a2.gradDiff]).toEqual([null, null, null]);
    expect(step.nodes[a2.node]!.grad).not.toBeNull();
  });

  it("keeps the graph of the loss for pictures of it", () => {
    expect(step.root.item()).toBe(step.loss);
    expect(step.root.inputs.length).toBeGreaterThan(0);
  });
});

describe("inspectStep on other nets", () => {
  it("batches of several samples, every loss and output pair: autograd and the formulas agree relative to each quantity's scale", () => {
    for (const [loss, output] of LOSS_OUTPUT_PAIRS) {
      const mlp = new MLP({ sizes: [3, 4, 3], activation: "tanh", outputActivation: output, seed: 5, ...f64 });
      const x = tensor(randomInputs(4, 3, 6), { shape: [4, 3], ...f64 });
      const y = tensor(randomTargets(loss, 4, 3, 7), { shape: [4, 3], ...f64 });
      for (const c of inspectStep(mlp, x, y, loss).comparisons!) {
        const scale = Math.max(1e-300, ...Array.from(c.value.manual, Math.abs));
        expect(c.valueDiff / scale, `${output} + ${loss}: ${c.name}`).toBeLessThan(1e-12);
        if (c.grad === null) continue;
        const gradScale = Math.max(1e-300, ...Array.from(c.grad.manual, Math.abs));
        expect(c.gradDiff! / gradScale, `${output} + ${loss}: ${c.gradientName}`).toBeLessThan(1e-12);
      }
    }
  });

  it("an identity output's A is its Z: one node with both names", () => {
    const mlp = mlpOfManualLayers([manualLayer([[0.1, 0.2], [0.3, 0.4]], [0, 0], "relu"), manualLayer([[0.5, 0.6]], [0], "identity")]);
    const step = inspectStep(mlp, tensor([[1, 2]], f64), tensor([[1]], f64), "halfSquaredError");
    const z2 = step.nodes.find((n) => n.names.includes("Z2"))!;
    expect(z2.names).toEqual(["Z2", "A2"]);
    // 001's numbers: dZ2 = ŷ - y = -0.09, dW1 = [[-0.045, -0.090], [-0.054, -0.108]].
    expectValues("dZ2", z2.grad!, [-0.09], 1e-15);
    expectValues("dW1", step.comparisons!.find((c) => c.name === "W1")!.grad!.manual, [-0.045, -0.09, -0.054, -0.108], 1e-15);
  });

  it("class labels for crossEntropy: no target node, the formulas take them as one-hot rows", () => {
    const mlp = new MLP({ sizes: [2, 3, 3], activation: "relu", seed: 2, ...f64 });
    const step = inspectStep(mlp, tensor([[0.5, -1], [2, 0.25]], f64), [2, 0], "crossEntropy");
    expect(step.nodes.some((n) => n.kind === "target")).toBe(false);
    for (const c of step.comparisons!) if (c.grad !== null) expect(c.gradDiff, c.gradientName!).toBeLessThan(1e-15);
  });

  it("batch norm, dropout or residual layers: the graph in evaluation mode (one sample works), no comparisons, and why", () => {
    const mlp = new MLP({ sizes: [2, 4, 4, 1], activation: "tanh", batchNorm: true, residual: true, dropout: 0.3, seed: 1, ...f64 });
    const step = inspectStep(mlp, tensor([[0.5, -1]], f64), tensor([[1]], f64), "bceWithLogits");
    expect(step.comparisons).toBeNull();
    expect(step.manualUnavailable).toMatch(/^the manual formulas cover chains of Linear and activation layers only/);
    expect(step.nodes.map((n) => n.names).flat()).toEqual(expect.arrayContaining(["W1", "b1", "W3", "loss"]));
    expect(step.nodes.filter((n) => n.kind === "parameter").every((n) => n.grad!.some((g) => g !== 0))).toBe(true);
    expect(mlp.training).toBe(true);
  });
});
