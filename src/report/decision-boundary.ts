// Decision boundary: the model's class probabilities (or, for a model whose
// outputs are not probabilities, its output values) over a 2-D input range as
// filled colour bands, the 0.5 line (or the lines where the predicted class
// changes), and the labelled points on top.
import { axes, plotArea } from "./axes.js";
import { drawColorBar } from "./color-bar.js";
import { classColor, diverging, tint } from "./color.js";
import { type Segment, zeroContour } from "./contour.js";
import { raster } from "./raster.js";
import { linearScale } from "./scale.js";
import { type Figure, element, px, text } from "./svg.js";

export interface OutputGrid {
  /** Node coordinates along each axis, increasing and evenly spaced. */
  xs: readonly number[];
  ys: readonly number[];
  /** 1 for a one-output model (values hold p(class 1), or the output thresholded at 0.5), else the number of classes. */
  classes: number;
  /** Value for node (i, j), class c at index (j * xs.length + i) * classes + c. */
  values: ArrayLike<number>;
  /**
   * "probability": values are probabilities, and the legend says so. "value":
   * outputs that are not probabilities (e.g. an identity output trained with a
   * squared error); one output is coloured clamped to [0, 1], several by their
   * largest only, and the legend says "output value".
   */
  reading: "probability" | "value";
}

export interface LabelledPoints {
  x: readonly number[];
  y: readonly number[];
  label: readonly number[];
}

export interface DecisionBoundaryOptions {
  title: string;
  grid: OutputGrid;
  points: LabelledPoints;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Colour bar and class legend at the right (off in small multiples). */
  legend?: boolean;
}

/** Probability bands, like contourf's 20 levels. */
const LEVELS = 20;

/** Each band's colour, made once: a live page asks for thousands of nodes' colours many times a second. */
const bands = new Map<string, string>();

function band(key: string, color: () => string): string {
  let hex = bands.get(key);
  if (hex === undefined) {
    hex = color();
    bands.set(key, hex);
  }
  return hex;
}

/** The colour of node (i, j): its probability band, or its class tinted by confidence (by nothing where the outputs are values). */
export function bandColor(grid: OutputGrid, i: number, j: number): string {
  const k = grid.classes, v = grid.values;
  const at = (j * grid.xs.length + i) * k;
  if (k === 1) {
    const level = Math.min(LEVELS - 1, Math.floor(Math.min(1, Math.max(0, v[at]!)) * LEVELS));
    return band(`p${level}`, () => tint(diverging((level + 0.5) / LEVELS), 0.6));
  }
  let best = 0;
  for (let c = 1; c < k; c++) if (v[at + c]! > v[at + best]!) best = c;
  // Shade by confidence only where the values are probabilities.
  if (grid.reading === "value") return band(`v${best}`, () => tint(classColor(best), 0.28));
  const confidence = (v[at + best]! - 1 / k) / (1 - 1 / k);
  const level = Math.min(4, Math.floor(confidence * 5));
  return band(`c${best} ${level}`, () => tint(classColor(best), 0.12 + 0.08 * level));
}

/** v - 0.5 for one output; for class c, v_c minus the largest other value. */
function marginFields(grid: OutputGrid): ((i: number, j: number) => number)[] {
  const k = grid.classes, nx = grid.xs.length, p = grid.values;
  if (k === 1) return [(i, j) => p[j * nx + i]! - 0.5];
  return Array.from({ length: k }, (_, c) => (i: number, j: number) => {
    const at = (j * nx + i) * k;
    let other = -Infinity;
    for (let d = 0; d < k; d++) if (d !== c) other = Math.max(other, p[at + d]!);
    return p[at + c]! - other;
  });
}

/** Where the predicted class changes (one output: the 0.5 line), as segments in node coordinates (i, j), for pictures drawn elsewhere (a canvas). */
export function boundarySegments(grid: OutputGrid): Segment[] {
  return marginFields(grid).flatMap((field) => zeroContour(grid.xs.length, grid.ys.length, field));
}

function classLegend(classes: number, left: number, top: number): string {
  return Array.from({ length: classes }, (_, c) => {
    const y = top + c * 16;
    return element("circle", { cx: left + 5, cy: y, r: 4.5, fill: classColor(c), stroke: "#222", "stroke-width": 0.8 })
      + text(left + 14, y, `Class ${c}`, { size: 11, baseline: "middle", className: "legend-label" });
  }).join("");
}

export function decisionBoundary(options: DecisionBoundaryOptions): Figure {
  const { grid, points } = options;
  const showLegend = options.legend ?? true;
  const width = options.width ?? 520, height = options.height ?? 440;
  const area = plotArea(width, height, showLegend ? 96 : 14);
  const nx = grid.xs.length, ny = grid.ys.length;
  // Each node is the centre of a cell; the picture spans the cells' outer edges.
  const dx = (grid.xs[nx - 1]! - grid.xs[0]!) / Math.max(1, nx - 1);
  const dy = (grid.ys[ny - 1]! - grid.ys[0]!) / Math.max(1, ny - 1);
  const x = linearScale([grid.xs[0]! - dx / 2, grid.xs[nx - 1]! + dx / 2], [area.left, area.left + area.width]);
  const y = linearScale([grid.ys[0]! - dy / 2, grid.ys[ny - 1]! + dy / 2], [area.top + area.height, area.top]);

  const parts = [raster(nx, ny, (col, row) => bandColor(grid, col, ny - 1 - row), area)];
  const toPixel = ([i, j]: [number, number]) => `${px(x.map(grid.xs[0]! + i * dx))} ${px(y.map(grid.ys[0]! + j * dy))}`;
  const segments = boundarySegments(grid);
  parts.push(element("path", { d: segments.map(([a, b]) => `M${toPixel(a)}L${toPixel(b)}`).join(""), fill: "none", stroke: "#222", "stroke-width": 1.6, class: "boundary" }));
  parts.push(axes(area, x, y, { title: options.title, xLabel: options.xLabel ?? "Feature 1", yLabel: options.yLabel ?? "Feature 2", grid: false }));
  points.x.forEach((px0, n) => {
    parts.push(element("circle", { cx: x.map(px0), cy: y.map(points.y[n]!), r: 4.5, fill: classColor(points.label[n]!), stroke: "#222", "stroke-width": 0.8, class: `point class-${points.label[n]}` }));
  });
  if (showLegend) {
    const legendLeft = area.left + area.width + 14;
    const classes = grid.classes === 1 ? 2 : grid.classes;
    if (grid.classes === 1) {
      const probability = grid.reading === "probability";
      parts.push(drawColorBar({
        colors: Array.from({ length: LEVELS }, (_, level) => tint(diverging((level + 0.5) / LEVELS), 0.6)),
        labels: [[0, probability ? "0" : "≤ 0"], [0.5, "0.5"], [1, probability ? "1" : "≥ 1"]],
        title: probability ? "P(class 1)" : "Output value",
        left: legendLeft, top: area.top, width: 14, height: area.height * 0.55, titleGap: 30,
      }));
    }
    parts.push(classLegend(classes, legendLeft, area.top + (grid.classes === 1 ? area.height * 0.55 + 22 : 6)));
  }
  return { width, height, body: parts.join("") };
}
