// Line charts: loss and accuracy curves, gradient norms per layer, activation
// functions. Several series share the axes and get a legend, placed in a
// corner the lines leave free (or beside the plot); earlier series are drawn
// wider, so a later line on top of one leaves it showing at both sides; a
// series whose values all fall outside a fixed y range is marked at the edge.
import { type PlotArea, axes, plotArea } from "./axes.js";
import { seriesColor } from "./color.js";
import { type Scale, formatNumber, linearScale, logDomain, logScale, niceDomain } from "./scale.js";
import { type Figure, element, px, text, textWidth } from "./svg.js";

export interface Series {
  name: string;
  y: readonly number[];
  /** x values; 1, 2, 3, ... (epochs) when left out. */
  x?: readonly number[];
  color?: string;
  dashed?: boolean;
  /** A dot at every point (for a few values); "only": dots and no line (values whose order means nothing, such as one per seed). */
  markers?: boolean | "only";
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  logY?: boolean;
  /** Fix the y range; parts of lines outside it are cut at the frame. */
  yDomain?: readonly [number, number];
  /** Dashed horizontal reference lines (e.g. y = 0 and y = 1 for sigmoid). */
  referenceLines?: readonly number[];
  width?: number;
  height?: number;
}

type Point = [number, number];

function xsOf(series: Series): readonly number[] {
  return series.x ?? series.y.map((_, i) => i + 1);
}

/** Runs of consecutive points that can be drawn: finite, and positive on a log axis. */
function drawableRuns(series: Series, logY: boolean): Point[][] {
  const xs = xsOf(series);
  const runs: Point[][] = [];
  let run: Point[] = [];
  series.y.forEach((y, i) => {
    const ok = Number.isFinite(y) && Number.isFinite(xs[i]) && (!logY || y > 0);
    if (ok) run.push([xs[i]!, y]);
    else if (run.length > 0) { runs.push(run); run = []; }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Cut a polyline to lo <= y <= hi, interpolating where it crosses a bound. */
function clipRun(run: Point[], lo: number, hi: number): Point[][] {
  const pieces: Point[][] = [];
  let piece: Point[] = [];
  const inside = (p: Point) => p[1] >= lo && p[1] <= hi;
  const crossing = (a: Point, b: Point, bound: number): Point => {
    const f = (bound - a[1]) / (b[1] - a[1]);
    return [a[0] + f * (b[0] - a[0]), bound];
  };
  for (let i = 0; i < run.length; i++) {
    const p = run[i]!;
    const prev = run[i - 1];
    if (inside(p)) {
      if (prev && !inside(prev)) piece.push(crossing(prev, p, prev[1] > hi ? hi : lo));
      piece.push(p);
    } else if (prev && inside(prev)) {
      piece.push(crossing(prev, p, p[1] > hi ? hi : lo));
      pieces.push(piece);
      piece = [];
    }
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}

function yDomainOf(options: LineChartOptions, runs: Point[][]): [number, number] {
  if (options.yDomain) return [options.yDomain[0], options.yDomain[1]];
  let min = Infinity, max = -Infinity;
  for (const run of runs) for (const [, y] of run) { min = Math.min(min, y); max = Math.max(max, y); }
  if (min === Infinity) return options.logY ? [0.1, 1] : [0, 1];
  return options.logY ? logDomain(min, max) : niceDomain(min, max);
}

function xDomainOf(series: readonly Series[]): [number, number] {
  let min = Infinity, max = -Infinity;
  for (const s of series) for (const x of xsOf(s)) if (Number.isFinite(x)) { min = Math.min(min, x); max = Math.max(max, x); }
  if (min === Infinity) return [0, 1];
  return min === max ? [min - 1, max + 1] : [min, max];
}

function legendWidth(series: readonly Series[]): number {
  return Math.max(...series.map((s) => textWidth(s.name, 11))) + 36;
}

function legendHeight(series: readonly Series[]): number {
  return series.length * 17 + 8;
}

/** Series i's line width: the first widest, each later one narrower, so lines drawn over each other all show. */
function strokeWidth(i: number, count: number): number {
  return count <= 1 ? 2 : 1.5 + (1.6 * (count - 1 - i)) / (count - 1);
}

/** Whether most of b's points lie within 2.5 px of a's line at the same x (pixel points, x increasing in a). */
function coincides(a: readonly Point[], b: readonly Point[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const at = new Map(a.map(([x, y]) => [Math.round(x * 2), y]));
  const close = b.filter(([x, y]) => {
    const other = at.get(Math.round(x * 2));
    return other !== undefined && Math.abs(other - y) < 2.5;
  }).length;
  return close > b.length / 2;
}

/** A legend box with its top-left corner at (left, top). */
function legend(series: readonly (Series & { overlaid?: boolean })[], left: number, top: number): string {
  const width = legendWidth(series);
  const parts = [element("rect", { x: left, y: top, width, height: legendHeight(series), fill: "#fff", "fill-opacity": 0.85, stroke: "#bbb", class: "legend" })];
  series.forEach((s, i) => {
    const y = top + 12 + i * 17;
    const color = s.color ?? seriesColor(i);
    parts.push(element("line", { x1: left + 6, y1: y, x2: left + 26, y2: y, stroke: color, "stroke-width": strokeWidth(i, series.length) + 0.5, "stroke-dasharray": s.dashed ? "5 3" : s.overlaid ? "6 3" : undefined }));
    parts.push(text(left + 31, y, s.name, { size: 11, baseline: "middle", className: "legend-label" }));
  });
  return parts.join("");
}

interface Box { left: number; top: number; width: number; height: number }

/** Pixel points along the drawn lines, every few pixels, to find where a legend would cover them. */
function inkPoints(pieces: readonly Point[][]): Point[] {
  const out: Point[] = [];
  for (const piece of pieces) {
    piece.forEach((p, i) => {
      out.push(p);
      const next = piece[i + 1];
      if (!next) return;
      const steps = Math.floor(Math.hypot(next[0] - p[0], next[1] - p[1]) / 4);
      for (let k = 1; k < steps; k++) out.push([p[0] + ((next[0] - p[0]) * k) / steps, p[1] + ((next[1] - p[1]) * k) / steps]);
    });
  }
  return out;
}

/** The first corner of the plot (top right, top left, bottom right, bottom left) where a box of this size covers no line, or null. */
function freeCorner(area: PlotArea, width: number, height: number, ink: readonly Point[]): Box | null {
  const [l, r, t, b] = [area.left + 8, area.left + area.width - width - 8, area.top + 8, area.top + area.height - height - 8];
  for (const [left, top] of [[r, t], [l, t], [r, b], [l, b]] as const) {
    const covers = ink.some(([x, y]) => x >= left - 3 && x <= left + width + 3 && y >= top - 3 && y <= top + height + 3);
    if (!covers) return { left, top, width, height };
  }
  return null;
}

function pathData(pieces: Point[][], x: Scale, y: Scale): string {
  return pieces.map((piece) => piece.map(([a, b], i) => `${i === 0 ? "M" : "L"}${px(x.map(a))} ${px(y.map(b))}`).join("")).join("");
}

/** Whether a series lies wholly above the y range (true), wholly below it (false), or has a point inside it (null). */
function offChart(runs: readonly Point[][], y0: number, y1: number): boolean | null {
  const points = runs.flat();
  if (points.length === 0 || points.some(([, v]) => v >= y0 && v <= y1)) return null;
  return points.every(([, v]) => v > y1) ? true : points.every(([, v]) => v < y0) ? false : null;
}

/** Triangles on the frame's top (or bottom) edge, pointing out, at each x of a series that lies wholly beyond it. */
function offChartMarks(points: readonly Point[], above: boolean, xMap: (v: number) => number, area: PlotArea, color: string): string {
  const edge = above ? area.top : area.top + area.height;
  const tip = above ? -1 : 1;
  const marks = points.slice(0, 12).map(([a]) => {
    const cx = xMap(a);
    return `M${px(cx - 5)} ${px(edge - 4 * tip)}L${px(cx + 5)} ${px(edge - 4 * tip)}L${px(cx)} ${px(edge + 5 * tip)}Z`;
  });
  return element("path", { d: marks.join(""), fill: color, stroke: "#222", "stroke-width": 0.6, class: "off-chart" });
}

export function lineChart(options: LineChartOptions): Figure {
  const count = options.series.length;
  const logY = options.logY ?? false;
  const runsBySeries = options.series.map((s) => drawableRuns(s, logY));
  const [y0, y1] = yDomainOf(options, runsBySeries.flat());
  // A series wholly outside a fixed range would be in the legend and nowhere else: the legend says where it went.
  const beyond = runsBySeries.map((runs) => offChart(runs, y0, y1));
  const named = options.series.map((s, i) => (beyond[i] === null ? s : { ...s, name: `${s.name}: ${beyond[i] ? `above ${formatNumber(y1)}` : `below ${formatNumber(y0)}`}, off the chart ${beyond[i] ? "▲" : "▼"}` }));
  const piecesBySeries = runsBySeries.map((runs) => runs.flatMap((run) => clipRun(run, y0, y1)));
  const height = options.height ?? 340;
  // The legend goes in a corner no line crosses; failing that (or for more than two series, a tall box) beside the plot.
  const scales = (right: number) => {
    const width = options.width ?? 560 + right;
    const area = plotArea(width, height, 16 + right);
    const x = linearScale(xDomainOf(options.series), [area.left, area.left + area.width]);
    const yRange: [number, number] = [area.top + area.height, area.top];
    return { width, area, x, y: logY ? logScale([y0, y1], yRange) : linearScale([y0, y1], yRange) };
  };
  let { width, area, x, y } = scales(0);
  const toPixels = (pieces: Point[][]) => pieces.map((piece) => piece.map(([a, b]): Point => [x.map(a), y.map(b)]));
  let corner: Box | null = null;
  if (count > 1 && count <= 2) corner = freeCorner(area, legendWidth(named), legendHeight(named), inkPoints(piecesBySeries.flatMap(toPixels)));
  const beside = count > 2 || (count > 1 && corner === null);
  if (beside) ({ width, area, x, y } = scales(legendWidth(named) + 20));

  // A line drawn over an earlier one it follows (the same values) would hide it: it is dashed, so the earlier shows in the gaps.
  const pixels = piecesBySeries.map((pieces) => toPixels(pieces).flat());
  const overlaid = options.series.map((_, j) => pixels.slice(0, j).some((earlier) => coincides(earlier, pixels[j]!)));
  const parts = [axes(area, x, y, { title: options.title, xLabel: options.xLabel, yLabel: options.yLabel })];
  for (const value of options.referenceLines ?? []) {
    if (value < y0 || value > y1) continue;
    parts.push(element("line", { x1: area.left, y1: y.map(value), x2: area.left + area.width, y2: y.map(value), stroke: "#777", "stroke-dasharray": "4 4", class: "reference" }));
  }
  options.series.forEach((s, i) => {
    const pieces = piecesBySeries[i]!;
    const single = pieces.filter((p) => p.length === 1);
    const color = s.color ?? seriesColor(i);
    parts.push(element("path", {
      d: s.markers === "only" ? "" : pathData(pieces.filter((p) => p.length > 1), x, y), fill: "none", stroke: color, "stroke-width": strokeWidth(i, count),
      "stroke-linejoin": "round", "stroke-dasharray": s.dashed ? "6 4" : overlaid[i] ? "7 5" : undefined, class: "series", "data-name": s.name,
    }));
    // A lone point (one finite value between gaps) would be invisible as a path.
    const dots = s.markers ? pieces.flat() : (single as [Point][]).map(([p]) => p);
    for (const [a, b] of dots) parts.push(element("circle", { cx: x.map(a), cy: y.map(b), r: s.markers ? 3.5 : 2, fill: color, class: s.markers ? "marker" : undefined }));
    if (beyond[i] !== null) parts.push(offChartMarks(runsBySeries[i]!.flat(), beyond[i]!, x.map, area, color));
  });
  const entries = named.map((s, i) => ({ ...s, overlaid: overlaid[i] }));
  if (beside) parts.push(legend(entries, area.left + area.width + 12, area.top));
  else if (corner !== null) parts.push(legend(entries, corner.left, corner.top));
  return { width, height, body: parts.join("") };
}
