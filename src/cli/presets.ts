// train --preset: a source document's exact training setup, and the lines it
// prints, so a class can see the document's run (and its numbers where it
// printed some) before dagrad's own defaults. Options given on the command
// line still win over a preset's.
import type { Tensor } from "../autograd/index.js";
import type { EpochRecord } from "../nn/index.js";
import { UsageError } from "./args.js";

export const PRESET_IDS = ["000", "002", "003"] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface Preset {
  /** One line: which document, which setup. */
  title: string;
  /** Command-line options the preset sets (values as typed; true for a flag). */
  options: Readonly<Record<string, string | true>>;
  /** The document's line for an epoch, or null for an epoch it prints nothing for. */
  line(record: EpochRecord, epochs: number, rows: number): string | null;
  /** The document's closing lines, from the trained model's outputs on rows in the data's own units. */
  closing(outputs: (rows: number[][]) => Tensor, test: { accuracy: number; labels: Tensor }): string[];
  /** What the document's setup does, and what to try next. */
  note: string;
}

/** numpy's print of a one-element float array: at most 8 decimals, trailing zeros dropped. */
const numpyScalarArray = (v: number) => `[${Number(v.toFixed(8))}]`;

/** numpy's print of a column vector [[a] [b] ...] with each cell formatted by `cell`, after the document's "...:\n" label. */
const numpyColumn = (values: ArrayLike<number>, cell: (v: number) => string) =>
  Array.from(values, (v, i) => `${i === 0 ? " [[" : " ["}${cell(v)}]${i === values.length - 1 ? "]" : ""}`);

export const PRESETS: Record<PresetId, Preset> = {
  "000": {
    title: "000 section 3: SimpleMLP(2, 8, 1) on make_moons(300, noise 0.2), StandardScaler on all rows, 80/20 split, tanh hidden, sigmoid output, BCE, W ~ N(0, 2/fan_in), b = 0, full-batch gradient descent at lr 0.5 for 2000 epochs",
    options: {
      data: "moons", samples: "300", noise: "0.2", seed: "42", "test-size": "0.2", "scale-on": "all",
      layers: "8", activation: "tanh", output: "sigmoid", loss: "bce", init: "he",
      optimizer: "sgd", lr: "0.5", epochs: "2000", "batch-size": "0",
    },
    // The notebook counts epochs from 0 and prints every 100th and the last; its loss and accuracy are the forward pass before that epoch's update, as dagrad's.
    line: (r, epochs) => ((r.epoch - 1) % 100 === 0 || r.epoch === epochs
      ? `Epoch ${String(r.epoch - 1).padStart(4)}: Loss = ${r.loss.toFixed(4)}, Accuracy = ${(r.metrics.accuracy ?? NaN).toFixed(4)}`
      : null),
    closing: (_, test) => ["", `Test Accuracy: ${test.accuracy.toFixed(4)}`],
    note: "the notebook's scaler sees the test rows too (--scale-on all); dagrad's default fits it on the training rows only. dagrad's defaults: dagrad train",
  },
  "002": {
    title: "002: MLP(2, 2, 1) on XOR, sigmoid hidden and output, weights and biases ~ U[0, 1), gradient of 1/2 (y - out)² summed over the 4 rows, lr 1, 100 epochs",
    options: {
      data: "xor", "no-scale": true, layers: "2", activation: "sigmoid", output: "sigmoid", loss: "halfSquaredError", reduction: "sum",
      init: "uniform:0,1", "bias-init": "uniform:0,1", optimizer: "sgd", lr: "1", epochs: "100", "batch-size": "0",
    },
    line: () => null,
    closing: (outputs) => {
      const y = outputs([[0, 0], [1, 0]]).data;
      return [
        `mlp.predict([0, 0]) = ${numpyScalarArray(y[0]!)}   (the document printed [0.49618505])`,
        `mlp.predict([1, 0]) = ${numpyScalarArray(y[1]!)}   (the document printed [0.50232594])`,
      ];
    },
    note: "after 100 epochs every output is still near 0.5, as in the document; with --epochs 10000 this seed learns XOR (some seeds stay stuck, try --seeds 0..9). dagrad's defaults: dagrad train --data xor --layers 4",
  },
  "003": {
    title: "003: MLP(2, 4, 1) on AND, ReLU hidden, sigmoid output, W ~ N(0, 0.5²), b = 0, BCE with its gradient summed over the 4 rows, lr 0.1, 5000 epochs",
    options: {
      data: "and", "no-scale": true, layers: "4", activation: "relu", output: "sigmoid", loss: "bce", reduction: "sum",
      init: "normal:0.5", optimizer: "sgd", lr: "0.1", epochs: "5000", "batch-size": "0",
    },
    // The notebook prints the mean BCE (its gradient is of the sum): the summed loss over the rows, divided by them.
    line: (r, _, rows) => (r.epoch === 1 || r.epoch % 500 === 0 ? `Epoch ${String(r.epoch).padStart(4)} | Loss: ${(r.loss / rows).toFixed(4)}` : null),
    closing: (outputs, test) => {
      // AND's four rows, which are both its training and its test data.
      const p = outputs([[0, 0], [0, 1], [1, 0], [1, 1]]).data;
      return [
        "Final y_hat probabilities:", ...numpyColumn(p, (v) => v.toFixed(4)), "",
        "Predicted labels:", ...numpyColumn(p, (v) => (v >= 0.5 ? "1" : "0")), "",
        "True labels:", ...numpyColumn(test.labels.data, (v) => String(v)),
      ];
    },
    note: "the notebook's lab exercises change --layers (2, 8), --lr (1.0), --activation tanh, or --data xor. dagrad's defaults: dagrad train --data and --layers 4",
  },
};

/** The preset for --preset's value, or a UsageError; 004 is one worked step, which explain prints. */
export function presetFor(id: string): Preset {
  if (id === "004") throw new UsageError("004 is one worked forward, backward and update step from its printed weights, not a training run: dagrad explain --example 004 prints it");
  if (!(PRESET_IDS as readonly string[]).includes(id)) throw new UsageError(`--preset must be one of ${PRESET_IDS.join(", ")} (004: dagrad explain --example 004), got "${id}"`);
  return PRESETS[id as PresetId];
}
