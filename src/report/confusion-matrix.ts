// Confusion matrix: rows are true classes, columns predicted ones; each cell
// shows its count, shaded by its share of the row.
import { tint } from "./color.js";
import { type Figure, element, text } from "./svg.js";

export interface ConfusionMatrixOptions {
  title: string;
  /** counts[trueClass][predictedClass] */
  counts: readonly (readonly number[])[];
  labels?: readonly string[];
  cell?: number;
}

/** counts[t][p] from true and predicted class indices. */
export function confusionCounts(truth: readonly number[], predicted: readonly number[], classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, i) => { counts[t]![predicted[i]!]! += 1; });
  return counts;
}

export function confusionMatrix(options: ConfusionMatrixOptions): Figure {
  const k = options.counts.length;
  const cell = options.cell ?? 36;
  const labels = options.labels ?? Array.from({ length: k }, (_, i) => String(i));
  const left = 70, top = 64;
  const width = left + k * cell + 20, height = top + k * cell + 44;
  const parts = [text(width / 2, 22, options.title, { size: 14, anchor: "middle", weight: "bold", className: "title" })];
  options.counts.forEach((row, t) => {
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((count, p) => {
      const share = total === 0 ? 0 : count / total;
      const x = left + p * cell, y = top + t * cell;
      parts.push(element("rect", { x, y, width: cell, height: cell, fill: tint(t === p ? "#2166ac" : "#b2182b", Math.sqrt(share)), stroke: "#fff", class: "cell" }));
      parts.push(text(x + cell / 2, y + cell / 2, String(count), { size: 11, anchor: "middle", baseline: "middle", fill: share > 0.5 ? "#fff" : "#222", className: "count" }));
    });
  });
  labels.forEach((label, i) => {
    parts.push(text(left + i * cell + cell / 2, top - 6, label, { size: 11, anchor: "middle", className: "tick-label x" }));
    parts.push(text(left - 8, top + i * cell + cell / 2, label, { size: 11, anchor: "end", baseline: "middle", className: "tick-label y" }));
  });
  parts.push(text(left + (k * cell) / 2, 42, "Predicted", { size: 12, anchor: "middle", className: "axis-label x" }));
  parts.push(text(24, top + (k * cell) / 2, "True", { size: 12, anchor: "middle", rotate: -90, className: "axis-label y" }));
  return { width, height, body: parts.join("") };
}
