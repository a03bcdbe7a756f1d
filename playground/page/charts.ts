// The run's history as the worker reports it, and its four charts drawn by
// src/report's lineChart: loss and accuracy (train and test), each layer's
// gradient norm (000 section 5) and update-to-weight ratio over the epochs.
import { type Series, lineChart } from "../../src/report/line-chart.js";
import { toSvg } from "../../src/report/svg.js";
import type { EpochSummary } from "../session.js";

/** Points per line: more than a chart this wide can show. */
const MAX_POINTS = 400;

export class History {
  epochs: EpochSummary[] = [];

  add(epochs: readonly EpochSummary[]): void {
    for (const e of epochs) this.epochs.push(e);
  }

  clear(): void {
    this.epochs = [];
  }

  /** Every k-th epoch (and the last), so a long run draws as fast as a short one. */
  private shown(): EpochSummary[] {
    const n = this.epochs.length;
    if (n <= MAX_POINTS) return this.epochs;
    const step = n / MAX_POINTS;
    const picked = Array.from({ length: MAX_POINTS }, (_, i) => this.epochs[Math.floor(i * step)]!);
    picked.push(this.epochs[n - 1]!);
    return picked;
  }

  /** The four charts' SVG markup, by the id of their container. */
  charts(layers: number): Record<string, string> {
    const shown = this.shown();
    const x = shown.map((e) => e.epoch);
    const hasTest = shown.some((e) => e.testLoss !== null);
    const pair = (train: (e: EpochSummary) => number, test: (e: EpochSummary) => number | null): Series[] => [
      { name: "train", x, y: shown.map(train) },
      ...(hasTest ? [{ name: "test", x, y: shown.map((e) => test(e) ?? NaN), dashed: true }] : []),
    ];
    const perLayer = (pick: (e: EpochSummary) => number[]): Series[] =>
      Array.from({ length: layers }, (_, l) => ({ name: `layer ${l + 1}`, x, y: shown.map((e) => pick(e)[l]!) }));
    const size = { width: 270, height: 210 };
    // The per-layer charts grow with the legend: one line of it per layer.
    const layered = { width: 300, height: Math.max(size.height, 70 + 17 * layers) };
    const chart = (options: Parameters<typeof lineChart>[0]) => toSvg(lineChart(options));
    return {
      "chart-loss": chart({ ...size, title: "Loss", xLabel: "Epoch", yLabel: "Loss", series: pair((e) => e.loss, (e) => e.testLoss) }),
      "chart-accuracy": chart({ ...size, title: "Accuracy", xLabel: "Epoch", yLabel: "Accuracy", series: pair((e) => e.accuracy, (e) => e.testAccuracy) }),
      "chart-gradients": chart({ ...layered, title: "Gradient norm ||dW|| per layer", xLabel: "Epoch", yLabel: "||dW||", logY: true, series: perLayer((e) => e.gradNorms) }),
      "chart-ratios": chart({ ...layered, title: "Update / weight ||ΔW|| / ||W||", xLabel: "Epoch", yLabel: "ratio", logY: true, series: perLayer((e) => e.updateRatios) }),
    };
  }
}
