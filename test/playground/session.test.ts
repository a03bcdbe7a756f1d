// The playground's worker-side run, in Node: what the page shows is the
// library's numbers for the configured data, network and training.
import { describe, expect, it } from "vitest";
import { HEAD_LOSSES, HEAD_OUTPUTS, HeadError, TrainingError, xor } from "../../src/index.js";
import { LOSS_NAMES, OUTPUT_NAMES, type PlaygroundConfig, PRESETS, defaultConfig } from "../../playground/config.js";
import { PlaygroundError } from "../../playground/errors.js";
import { BOUNDARY_STEPS, Session, UNIT_STEPS } from "../../playground/session.js";

const preset = (id: string): PlaygroundConfig => structuredClone(PRESETS.find((p) => p.id === id)!.config);

function withChanges(change: (c: PlaygroundConfig) => void): PlaygroundConfig {
  const config = defaultConfig();
  change(config);
  return config;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe("the default run: 000 section 3 on moons", () => {
  it("lays out 240 training and 60 test points and the MLP [2, 8, 1] tanh / sigmoid", () => {
    const { layout } = new Session(defaultConfig());
    expect([layout.train.labels.length, layout.test!.labels.length]).toEqual([240, 60]);
    expect(layout.sizes).toEqual([2, 8, 1]);
    expect(layout.activations).toEqual(["tanh", "sigmoid"]);
    expect([layout.classes, layout.reading, layout.isPlain]).toEqual([2, "probability", true]);
    expect([layout.boundary.xs.length, layout.units.xs.length]).toEqual([BOUNDARY_STEPS, UNIT_STEPS]);
  });

  it("reaches test accuracy 0.95 and more by its 2000 epochs, and stops there", () => {
    const session = new Session(defaultConfig());
    const epochs = session.train(5000);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(epochs[1999]!.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(session.finished).toBe("limit");
    expect(session.train(1)).toEqual([]);
  });

  it("one epoch (one full-batch step) changes the loss, the weights and the picture", () => {
    const session = new Session(defaultConfig());
    const before = session.frame();
    const [first] = session.train(1);
    const [second] = session.train(1);
    const after = session.frame();
    expect(second!.loss).not.toBe(first!.loss);
    expect(after.weights[0]!.weight).not.toEqual(before.weights[0]!.weight);
    expect(after.boundary).not.toEqual(before.boundary);
    expect([first!.gradNorms.length, first!.updateRatios.length]).toEqual([2, 2]);
    expect(first!.gradNorms.every((g) => g > 0) && first!.updateRatios.every((r) => r > 0)).toBe(true);
  });

  it("stops a slice early when asked after an epoch", () => {
    const session = new Session(defaultConfig());
    let calls = 0;
    expect(session.train(100, () => ++calls < 7)).toHaveLength(7);
    expect(session.epoch).toBe(7);
  });
});

describe("a frame", () => {
  const session = new Session(defaultConfig());
  session.train(50);
  const frame = session.frame();
  const { layout } = session;
  const [hidden, output] = frame.weights;

  it("each hidden unit's picture is tanh(w · p + b) of the frame's own weights over the units' grid", () => {
    const units = frame.units[0]!;
    expect(units).toHaveLength(8);
    for (const [i, j] of [[0, 0], [5, 17], [23, 23]] as const) {
      const p = [layout.units.xs[i]!, layout.units.ys[j]!];
      units.forEach((values, u) => {
        const z = hidden!.weight[2 * u]! * p[0]! + hidden!.weight[2 * u + 1]! * p[1]! + hidden!.bias![u]!;
        expect(values[j * UNIT_STEPS + i]).toBeCloseTo(Math.tanh(z), 5);
      });
    }
  });

  it("the boundary is p(class 1), the sigmoid of the output layer, at every node of its grid", () => {
    expect(frame.boundary).toHaveLength(BOUNDARY_STEPS * BOUNDARY_STEPS);
    for (const [i, j] of [[0, 0], [31, 40], [63, 10]] as const) {
      const p = [layout.boundary.xs[i]!, layout.boundary.ys[j]!];
      const a = Array.from({ length: 8 }, (_, u) => Math.tanh(hidden!.weight[2 * u]! * p[0]! + hidden!.weight[2 * u + 1]! * p[1]! + hidden!.bias![u]!));
      const z = a.reduce((s, v, u) => s + v * output!.weight[u]!, output!.bias![0]!);
      expect(frame.boundary[j * BOUNDARY_STEPS + i]).toBeCloseTo(sigmoid(z), 5);
    }
  });
});

describe("a frame of weights that are not finite (what a step that blew them up leaves)", () => {
  it("shows the raw outputs, which the page draws as no boundary, instead of refusing to draw", () => {
    const session = new Session(defaultConfig());
    session.model.linears[0]!.weight.data[0] = NaN;
    const frame = session.frame();
    expect(frame.boundary.some(Number.isNaN)).toBe(true);
    expect(frame.units[0]![0]!.some(Number.isNaN)).toBe(true);
  });
});

describe("presets load the documents' setups", () => {
  it("000: moons 300 with noise 0.2, 80/20, [2, 8, 1] tanh, sigmoid + BCE, SGD at 0.5 for 2000 epochs", () => {
    const { layout, config } = new Session(preset("000"));
    expect(config.data).toMatchObject({ dataset: "moons", samples: 300, noise: 0.2, testFraction: 0.2 });
    expect([layout.sizes, layout.activations]).toEqual([[2, 8, 1], ["tanh", "sigmoid"]]);
    expect(config.training).toMatchObject({ optimizer: "sgd", lr: 0.5, batchSize: 0, stopAt: 2000 });
  });

  it("002: the four XOR rows, [2, 2, 1] sigmoid, every weight and bias in [0, 1); after 100 epochs every output is near 0.5", () => {
    const session = new Session(preset("002-fails"));
    expect(Array.from(session.layout.train.xy)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(session.layout.train.labels)).toEqual([0, 1, 1, 0]);
    expect(session.layout.activations).toEqual(["sigmoid", "sigmoid"]);
    expect(session.model.parameters().flatMap((p) => Array.from(p.data)).every((v) => v >= 0 && v < 1)).toBe(true);
    session.train(1000);
    expect(session.epoch).toBe(100);
    const outputs = Array.from(session.model.forward(xor().x).data);
    for (const o of outputs) expect(Math.abs(o - 0.5), `outputs ${outputs.join(", ")}`).toBeLessThan(0.06);
  });

  it("002: the same net trained longer leaves the plateau near epoch 530 and learns XOR", () => {
    const session = new Session(preset("002-learns"));
    const epochs = session.train(2000);
    const learned = epochs.find((e) => e.accuracy === 1 && e.loss < 0.1)!;
    expect(learned.epoch).toBeGreaterThan(450);
    expect(learned.epoch).toBeLessThan(600);
    expect(session.model.forward(xor().x).data.map((v) => (v > 0.5 ? 1 : 0))).toEqual(Float32Array.of(0, 1, 1, 0));
  });

  it("002: of seeds 0 to 9, eight learn by epoch 1000 and two stay stuck through epoch 3000, as its note says", () => {
    const learned = Array.from({ length: 10 }, (_, seed) => {
      const config = preset("002-learns");
      config.data.seed = seed;
      config.training.stopAt = 3000;
      const epochs = new Session(config).train(3000);
      return epochs.find((e) => e.accuracy === 1 && e.loss < 0.1)?.epoch ?? null;
    });
    expect(learned.filter((epoch) => epoch !== null && epoch <= 1000)).toHaveLength(8);
    expect(learned.filter((epoch) => epoch === null)).toHaveLength(2);
  });

  it("003: the four AND rows, [2, 4, 1] ReLU with N(0, 0.5²) weights and zero biases, learns AND", () => {
    const session = new Session(preset("003"));
    expect(Array.from(session.layout.train.labels)).toEqual([0, 0, 0, 1]);
    expect(session.model.linears.every((l) => l.bias!.data.every((b) => b === 0))).toBe(true);
    const epochs = session.train(5000);
    expect(epochs.at(-1)!.accuracy).toBe(1);
  });

  it("001: ten sigmoid layers start with layer 1's gradient five orders below layer 11's; ReLU + He, BatchNorm and residual keep it within one", () => {
    const spread = (id: string) => {
      const session = new Session(preset(id));
      expect(session.layout.sizes).toEqual([2, ...new Array(10).fill(16), 1]);
      const [first] = session.train(1);
      return first!.gradNorms[0]! / first!.gradNorms[10]!;
    };
    expect(spread("001-sigmoid")).toBeLessThan(1e-5);
    for (const id of ["001-relu-he", "001-batchnorm", "001-residual"]) {
      expect(spread(id), id).toBeGreaterThan(1e-2);
    }
    expect(new Session(preset("001-batchnorm")).layout.isPlain).toBe(false);
  });
});

describe("inspecting a step of the live model", () => {
  const session = new Session(defaultConfig());
  session.train(300);

  it("shows the whole graph and the documents' quantities, autograd and the manual formulas agreeing to 1e-10", () => {
    const weights = Array.from(session.model.linears[0]!.weight.data);
    const inspection = session.inspect("test", 3);
    expect(inspection.x).toEqual(Array.from(session.layout.test!.xy.subarray(6, 8)));
    expect(inspection.comparisons!.map((c) => c.name)).toEqual(["W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2", "loss"]);
    for (const c of inspection.comparisons!) {
      expect(c.valueDiff, c.name).toBeLessThan(1e-10);
      if (c.grad !== null) expect(c.gradDiff, c.gradientName!).toBeLessThan(1e-10);
    }
    // The manual formulas ran on the live weights (in float64).
    expect(Array.from(inspection.comparisons![0]!.value.manual)).toEqual(weights);
    expect(inspection.graphSvg).toContain('data-node="0"');
    expect(inspection.graphSvg).toContain("Z1");
    // The live model is untouched: same weights, no gradients left on it.
    expect(Array.from(session.model.linears[0]!.weight.data)).toEqual(weights);
  });

  it("a network with batch norm and residual layers: its graph without the formulas, and why", () => {
    const config = withChanges((c) => { c.network.hidden = [4, 4]; c.network.batchNorm = true; c.network.residual = true; });
    const deep = new Session(config);
    deep.train(5);
    const inspection = deep.inspect("train", 0);
    expect(inspection.comparisons).toBeNull();
    expect(inspection.manualUnavailable).toMatch(/batch norm, dropout or residual/);
    expect(inspection.nodes.length).toBeGreaterThan(10);
  });

  it("the gradient check passes on every parameter, and the manual formulas agree with autograd", () => {
    const check = session.gradientCheck("train", 10);
    expect(check.passed).toBe(true);
    expect(check.rows.map((r) => r.name)).toEqual(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]);
    for (const row of check.rows) {
      expect(row.relativeError, row.name).toBeLessThan(1e-6);
      expect(row.manualRelativeError!, row.name).toBeLessThan(1e-12);
    }
  });

  it("a sample that does not exist is refused with the set's size", () => {
    expect(() => session.inspect("test", 60)).toThrow("playground: inspect: test sample 60 does not exist (test has 60 samples)");
    const table = new Session(preset("003"));
    expect(table.inspect("test", 3).label).toBe(1);
  });
});

describe("settings", () => {
  it("the output and loss menus list ClassifierHead's outputs and losses", () => {
    expect(OUTPUT_NAMES).toEqual(HEAD_OUTPUTS);
    expect(LOSS_NAMES).toEqual(HEAD_LOSSES);
  });

  it("an output and loss that cannot go together for the data are refused with what to use", () => {
    const config = withChanges((c) => { c.data.dataset = "spirals"; });
    expect(() => new Session(config)).toThrow(HeadError);
    expect(() => new Session(config)).toThrow("bce is for two classes (one output); for 3 classes use loss crossEntropy with output identity");
    config.network.output = "identity";
    config.network.loss = "crossEntropy";
    expect(new Session(config).layout.sizes).toEqual([2, 8, 3]);
  });

  it("refuses settings out of range, naming the setting", () => {
    const cases: [(c: PlaygroundConfig) => void, string][] = [
      [(c) => { c.network.hidden = [8, 0]; }, "network.hidden: each width must be a whole number from 1 to 64, got 0"],
      [(c) => { c.training.lr = 0; }, "training.lr: must be a positive number, got 0"],
      [(c) => { c.data.testFraction = 1; }, "data.testFraction: must be at least 0 (no test set) and below 1, got 1"],
      [(c) => { c.data.dataset = "custom"; c.data.points = [{ x: 0, y: 0, label: 1 }]; }, "data.points: click in points of at least two classes (there is 1 point of class 1 only)"],
      [(c) => { c.data.dataset = "custom"; c.data.points = [{ x: 0, y: 0, label: 0 }, { x: 1, y: 0, label: 2 }]; }, "data.points: classes must be numbered 0 to 2 without a gap; there are points of class 0, 2"],
    ];
    for (const [change, message] of cases) {
      const error = (() => { try { new Session(withChanges(change)); } catch (e) { return e; } return null; })();
      expect(error).toBeInstanceOf(PlaygroundError);
      expect((error as Error).message).toBe(`playground: ${message}`);
    }
  });

  it("custom points are the data as clicked, on a canvas of at least [-2.5, 2.5]", () => {
    const points = [{ x: -1, y: 1, label: 0 }, { x: 1, y: -1, label: 1 }, { x: 0.5, y: 0.5, label: 0 }, { x: -0.5, y: -1.5, label: 1 }];
    const { layout } = new Session(withChanges((c) => { c.data.dataset = "custom"; c.data.points = points; c.data.testFraction = 0; }));
    expect(Array.from(layout.train.xy)).toEqual(points.flatMap((p) => [p.x, p.y]));
    expect(layout.test).toBeNull();
    expect([layout.boundary.xs[0], layout.boundary.xs.at(-1), layout.boundary.ys[0]]).toEqual([-2.5, 2.5, -2.5]);
  });

  it("a learning rate that blows the weights up stops training with the library's reason", () => {
    const session = new Session(withChanges((c) => { c.network.activation = "relu"; c.network.output = "identity"; c.network.loss = "mse"; c.training.lr = 1e6; }));
    session.train(50);
    expect(session.finished).toBe("diverged");
    expect(session.diverged).toBeInstanceOf(TrainingError);
    expect(session.diverged!.message).toMatch(/^fit: loss is Infinity at epoch \d+, step 1 of 1; training stopped before updating from it/);
    expect(session.train(1)).toEqual([]);
  });

  it("sum reduction gives 4 times the mean loss on the four rows; clipping bounds the step; a new learning rate applies at the next step", () => {
    const mean = new Session(withChanges((c) => { Object.assign(c, preset("003")); c.network.reduction = "mean"; }));
    const sum = new Session(preset("003"));
    expect(sum.train(1)[0]!.loss).toBeCloseTo(4 * mean.train(1)[0]!.loss, 6);

    const clipped = new Session(withChanges((c) => { c.training.clipNorm = 1e-3; }));
    const before = Array.from(clipped.model.parameters().flatMap((p) => Array.from(p.data)));
    clipped.train(1);
    const after = clipped.model.parameters().flatMap((p) => Array.from(p.data));
    const step = Math.sqrt(after.reduce((s, v, i) => s + (v - before[i]!) ** 2, 0));
    expect(step).toBeLessThanOrEqual(0.5 * 1e-3 * (1 + 1e-4));

    const a = new Session(defaultConfig()), b = new Session(defaultConfig());
    b.setLearningRate(1);
    const w0 = Array.from(a.model.linears[1]!.bias!.data);
    a.train(1);
    b.train(1);
    const moved = (s: Session) => s.model.linears[1]!.bias!.data[0]! - w0[0]!;
    expect(moved(b) / moved(a)).toBeCloseTo(2, 4);
  });

  it("blobs' noise is each blob's standard deviation", () => {
    const tight = new Session(withChanges((c) => { c.data.dataset = "blobs"; c.data.noise = 0.05; c.data.standardize = false; c.network.output = "identity"; c.network.loss = "crossEntropy"; }));
    const xy = tight.layout.train.xy;
    const centres = [[-2, -2], [2, -1], [0, 2.5]];
    tight.layout.train.labels.forEach((label, i) => {
      expect(Math.hypot(xy[2 * i]! - centres[label]![0]!, xy[2 * i + 1]! - centres[label]![1]!)).toBeLessThan(0.3);
    });
  });
});
