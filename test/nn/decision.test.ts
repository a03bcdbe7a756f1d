// The one rule for reading a classifier's outputs (src/nn/decision.ts): every
// (classes, output, loss) cell of the table, and for every valid cell that a
// network trains with it and that accuracy, classes and probabilities agree.
import { describe, expect, it } from "vitest";
import { DagradError, ShapeError, type Tensor, tensor } from "../../src/autograd/index.js";
import {
  ClassifierHead, HEAD_LOSSES, HEAD_OUTPUTS, HeadError, type HeadLayout, type HeadLoss, type HeadOutput, MLP, SGD, evaluate, fit, headLayout, predict,
} from "../../src/nn/index.js";

type Cell = HeadLayout | "refused";
const one = (reading: HeadLayout["reading"]): HeadLayout => ({ outputs: 1, targets: "binary", reading });
const perClass = (classes: number, targets: HeadLayout["targets"], reading: HeadLayout["reading"]): HeadLayout => ({ outputs: classes, targets, reading });

/** The table docs/cli.md shows, cell by cell. */
const TABLE: Record<2 | 3, Record<HeadOutput, Record<HeadLoss, Cell>>> = {
  2: {
    sigmoid: { bce: one("probability"), bceWithLogits: "refused", crossEntropy: "refused", mse: one("value"), halfSquaredError: one("value") },
    softmax: { bce: "refused", bceWithLogits: "refused", crossEntropy: "refused", mse: "refused", halfSquaredError: "refused" },
    identity: { bce: "refused", bceWithLogits: one("logit"), crossEntropy: perClass(2, "indices", "logit"), mse: one("value"), halfSquaredError: one("value") },
  },
  3: {
    sigmoid: { bce: "refused", bceWithLogits: "refused", crossEntropy: "refused", mse: perClass(3, "oneHot", "value"), halfSquaredError: perClass(3, "oneHot", "value") },
    softmax: { bce: "refused", bceWithLogits: "refused", crossEntropy: "refused", mse: perClass(3, "oneHot", "probability"), halfSquaredError: perClass(3, "oneHot", "probability") },
    identity: { bce: "refused", bceWithLogits: "refused", crossEntropy: perClass(3, "indices", "logit"), mse: perClass(3, "oneHot", "value"), halfSquaredError: perClass(3, "oneHot", "value") },
  },
};

const CELLS = ([2, 3] as const).flatMap((classes) => HEAD_OUTPUTS.flatMap((output) => HEAD_LOSSES.map((loss) => ({ classes, output, loss, expected: TABLE[classes][output][loss] }))));
const VALID = CELLS.filter((c) => c.expected !== "refused");

/** Six points per class around distinct centres (class c at (c, -c)), float64. */
function toyData(classes: number): { x: Tensor; labels: Tensor } {
  const x: number[][] = [], labels: number[] = [];
  for (let c = 0; c < classes; c++) for (let k = 0; k < 6; k++) { x.push([c + 0.1 * Math.sin(7 * k + c), -c + 0.1 * Math.cos(5 * k)]); labels.push(c); }
  return { x: tensor(x, { dtype: "float64" }), labels: tensor(labels, { dtype: "float64" }) };
}

describe("headLayout: the (classes, output, loss) table", () => {
  it.each(CELLS)("$classes classes, $output output, $loss loss", ({ classes, output, loss, expected }) => {
    const layout = headLayout(output, loss, classes);
    if (expected === "refused") {
      expect(layout).toHaveProperty("refused");
      expect(() => new ClassifierHead({ output, loss, classes })).toThrow(HeadError);
    } else {
      expect(layout).toEqual(expected);
    }
  });

  it("refusals name the combination and what to use instead", () => {
    const error = (() => { try { new ClassifierHead({ output: "sigmoid", loss: "bceWithLogits", classes: 2 }); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(HeadError);
    expect(error).toBeInstanceOf(DagradError);
    expect(error).toMatchObject({ output: "sigmoid", loss: "bceWithLogits", classes: 2 });
    expect((error as Error).message).toBe("ClassifierHead: output sigmoid with loss bceWithLogits on 2 classes: bceWithLogits takes raw scores and applies the sigmoid itself, so a sigmoid output would squash twice; use output identity (or output sigmoid with loss bce)");
    expect(() => new ClassifierHead({ output: "softmax", loss: "mse", classes: 2 })).toThrow(/a softmax of one value is always 1; use output sigmoid or identity/);
    expect(() => new ClassifierHead({ output: "softmax", loss: "bce", classes: 2 })).toThrow(/bce takes one probability per sample from a sigmoid/);
    expect(() => new ClassifierHead({ output: "identity", loss: "bce", classes: 2 })).toThrow(/bce takes probabilities in \[0, 1\]; use output sigmoid, or loss bceWithLogits/);
    expect(() => new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 3 })).toThrow(/bce is for two classes \(one output\); for 3 classes use loss crossEntropy with output identity/);
    expect(() => new ClassifierHead({ output: "identity", loss: "crossEntropy", classes: 1 })).toThrow(/a classifier needs at least two classes/);
    expect(() => new ClassifierHead({ output: "relu" as HeadOutput, loss: "bce", classes: 2 })).toThrow(/unknown output; use one of sigmoid, softmax, identity/);
  });
});

describe("every valid cell trains, and its accuracy, classes and probabilities agree", () => {
  it.each(VALID)("$classes classes, $output output, $loss loss", ({ classes, output, loss }) => {
    const head = new ClassifierHead({ output, loss, classes });
    const { x, labels } = toyData(classes);
    const y = head.encode(labels);
    const model = new MLP({ sizes: [2, 8, head.outputs], activation: "tanh", outputActivation: output, init: "xavier", dtype: "float64", seed: 3 });
    const history = fit(model, { x, y }, { loss, optimizer: new SGD(model.parameters(), { lr: 0.2 }), epochs: 400, metrics: [head.accuracy] });
    const scores = predict(model, x);
    const predicted = head.classify(scores);
    const agree = predicted.filter((c, i) => c === labels.data[i]).length / labels.size;
    // The training metric, evaluate and classify are the same rule.
    expect(history.epochs.at(-1)!.metrics.accuracy).toBeGreaterThan(0.9);
    expect(evaluate(model, { x, y }, { loss, metrics: [head.accuracy] }).metrics.accuracy).toBe(agree);
    expect(agree).toBeGreaterThan(0.9);
    const probabilities = head.probabilities(scores);
    if (head.reading === "value") {
      expect(probabilities).toBeNull();
      return;
    }
    expect(probabilities).not.toBeNull();
    for (const p of probabilities!) expect(p >= 0 && p <= 1).toBe(true);
    if (head.outputs > 1) {
      for (let r = 0; r < labels.size; r++) {
        const row = probabilities!.subarray(r * head.outputs, (r + 1) * head.outputs);
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
        expect(row.indexOf(Math.max(...row))).toBe(predicted[r]);
      }
    } else {
      probabilities!.forEach((p, r) => expect(p > 0.5 ? 1 : 0).toBe(predicted[r]));
    }
  });
});

describe("ClassifierHead reads outputs by one rule", () => {
  it("an identity output trained with a squared error is a value thresholded at 0.5, never squashed into a probability", () => {
    // XOR fitted by 001's network: outputs near 0, 1, 1, 0. A sigmoid of them would be 0.5, 0.73, 0.73, 0.5.
    const head = new ClassifierHead({ output: "identity", loss: "mse", classes: 2 });
    const scores = tensor([[-0.0001], [0.9998], [1.0002], [0.0003]]);
    expect(Array.from(head.classify(scores))).toEqual([0, 1, 1, 0]);
    expect(head.probabilities(scores)).toBeNull();
    expect(head.accuracy.compute(scores, tensor([[0], [1], [1], [0]]))).toBe(1);
  });

  it("a logit is class 1 above 0 and its probability is the sigmoid; a probability is class 1 above 0.5", () => {
    const logit = new ClassifierHead({ output: "identity", loss: "bceWithLogits", classes: 2 });
    const z = tensor([[-2], [0], [1e-9], [800]], { dtype: "float64" });
    expect(Array.from(logit.classify(z))).toEqual([0, 0, 1, 1]);
    expect(Array.from(logit.probabilities(z)!)).toEqual([1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-1e-9)), 1]);
    const probability = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });
    const p = tensor([[0.2], [0.5], [0.5000001]]);
    expect(Array.from(probability.classify(p))).toEqual([0, 0, 1]);
    expect(Array.from(probability.probabilities(p)!)).toEqual(Array.from(p.data));
  });

  it("several outputs go to the largest, the first of equals; logits become a softmax that survives large scores", () => {
    const head = new ClassifierHead({ output: "identity", loss: "crossEntropy", classes: 3 });
    const scores = tensor([[1, 3, 2], [5, 5, 0], [1000, 0, -1000]], { dtype: "float64" });
    expect(Array.from(head.classify(scores))).toEqual([1, 0, 0]);
    const p = head.probabilities(scores)!;
    expect(p[6]).toBe(1);
    expect(p[3]).toBe(p[4]);
    expect(p[3]).toBeCloseTo(Math.exp(5) / (2 * Math.exp(5) + 1), 15);
  });

  it("encodes class indices as the loss's targets and decodes them back", () => {
    const labels = tensor([2, 0, 1]);
    expect(new ClassifierHead({ output: "identity", loss: "mse", classes: 3 }).encode(labels).toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(new ClassifierHead({ output: "identity", loss: "crossEntropy", classes: 3 }).encode(labels).toArray()).toEqual([2, 0, 1]);
    const binary = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });
    expect(binary.encode(tensor([1, 0])).toArray()).toEqual([[1], [0]]);
    expect(Array.from(binary.decode(tensor([[1], [0]])))).toEqual([1, 0]);
    expect(() => binary.encode(tensor([0, 2]))).toThrow(/label 2 of sample 1 is not a class index in \[0, 1\]/);
    expect(() => binary.encode(tensor([[0, 1]]))).toThrow(ShapeError);
  });

  it("refuses outputs that are not finite or have the wrong width, instead of counting them as class 0", () => {
    const head = new ClassifierHead({ output: "sigmoid", loss: "bce", classes: 2 });
    expect(() => head.classify(tensor([[0.2], [Number.NaN]]))).toThrow(/output NaN for sample 1 is not a finite number: the model's weights or its input are not finite/);
    // The metric has no value for them (fit stops on the loss), rather than a count of class 0s.
    expect(head.accuracy.compute(tensor([[0.9], [Number.NaN]]), tensor([[1], [0]]))).toBeNaN();
    expect(() => new ClassifierHead({ output: "identity", loss: "crossEntropy", classes: 3 }).probabilities(tensor([[1, Number.POSITIVE_INFINITY, 0]]))).toThrow(/output Infinity for sample 0/);
    expect(() => head.classify(tensor([[0.2, 0.8]]))).toThrow(/outputs must be \[n, 1\] for sigmoid with bce on 2 classes, got \[1,2\]/);
  });
});

describe("ClassifierHead for regression: identity output, a squared error, real targets", () => {
  it("is the one valid layout, and every other pair is refused with what to use", () => {
    for (const loss of ["mse", "halfSquaredError"] as const) expect(headLayout("identity", loss, 0, "regression")).toEqual({ outputs: 1, targets: "values", reading: "value" });
    expect(headLayout("identity", "bce", 0, "regression")).toEqual({ refused: "bce compares classes; regression predicts real numbers: use loss mse or halfSquaredError" });
    expect(headLayout("sigmoid", "mse", 0, "regression")).toEqual({ refused: "a sigmoid squashes every output into (0, 1), so most real targets cannot be reached; use output identity" });
    expect(() => new ClassifierHead({ output: "softmax", loss: "mse", classes: 0, task: "regression" })).toThrow(/^ClassifierHead: output softmax with loss mse for regression: a softmax makes the outputs sum to 1/);
    expect(() => new ClassifierHead({ output: "identity", loss: "mse", classes: 2, task: "regression" })).toThrow(/regression has no classes: pass classes 0, got 2/);
  });

  it("encodes real targets as a column, refuses ones that are not finite, and has no classes to give", () => {
    const head = new ClassifierHead({ output: "identity", loss: "mse", classes: 0, task: "regression" });
    const targets = head.encode(tensor([0.5, -1.25, 3], { dtype: "float64" }));
    expect(targets.shape).toEqual([3, 1]);
    expect(targets.toArray()).toEqual([[0.5], [-1.25], [3]]);
    expect(() => head.encode(tensor([1, NaN]))).toThrow(/target NaN of sample 1 is not a finite number/);
    expect(() => head.classify(tensor([[1]]))).toThrow(/a regression head predicts values, not classes/);
    expect(head.probabilities(tensor([[1]]))).toBeNull();
    expect(head.metrics.map((m) => m.name)).toEqual(["r2", "mse"]);
  });

  it("trains a net to R² near 1 on a line, and fit reports R² and MSE", () => {
    const head = new ClassifierHead({ output: "identity", loss: "mse", classes: 0, task: "regression" });
    const x = tensor(Array.from({ length: 20 }, (_, i) => [i / 10 - 1]), { dtype: "float64" });
    const y = head.encode(tensor(Array.from({ length: 20 }, (_, i) => 3 * (i / 10 - 1) + 0.5), { dtype: "float64" }));
    const model = new MLP({ sizes: [1, 4, 1], activation: "tanh", dtype: "float64", seed: 1 });
    const history = fit(model, { x, y }, { loss: head.loss, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 500, metrics: [...head.metrics] });
    const last = history.epochs.at(-1)!;
    expect(last.metrics.r2).toBeGreaterThan(0.99);
    expect(last.metrics.mse).toBeCloseTo(last.loss, 12);
    expect(evaluate(model, { x, y }, { metrics: ["r2"] }).metrics.r2).toBeGreaterThan(0.99);
  });
});
