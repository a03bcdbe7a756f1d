// Line charts: loss and accuracy curves, gradient norms per layer, activation
// functions. Several series share the axes and get a legend.
import { axes, plotArea } from "./axes.js";
import { seriesColor } from "./color.js";
import { type Scale, linearScale, logDomain, logScale, niceDomain } from "./scale.js";
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

/** A legend box with its top-left corner at (left, top). */
function legend(series: readonly Series[], left: number, top: number): string {
  const width = legendWidth(series);
  const parts = [element("rect", { x: left, y: top, width, height: series.length * 17 + 8, fill: "#fff", "fill-opacity": 0.85, stroke: "#bbb", class: "legend" })];
  series.forEach((s, i) => {
    const y = top + 12 + i * 17;
    const color = s.color ?? seriesColor(i);
    parts.push(element("line", { x1: left + 6, y1: y, x2: left + 26, y2: y, stroke: color, "stroke-width": 2.5, "stroke-dasharray": s.dashed ? "5 3" : undefined }));
    parts.push(text(left + 31, y, s.name, { size: 11, baseline: "middle", className: "legend-label" }));
  });
  return parts.join("");
}

function pathData(pieces: Point[][], x: Scale, y: Scale): string {
  return pieces.map((piece) => piece.map(([a, b], i) => `${i === 0 ? "M" : "L"}${px(x.map(a))} ${px(y.map(b))}`).join("")).join("");
}

export function lineChart(options: LineChartOptions): Figure {
  // Two series fit in a corner of the plot; more would hide the lines, so they go beside it.
  const legendBeside = options.series.length > 2;
  const besideWidth = legendBeside ? legendWidth(options.series) + 20 : 0;
  const width = options.width ?? 560 + besideWidth, height = options.height ?? 340;
  const area = plotArea(width, height, 16 + besideWidth);
  const logY = options.logY ?? false;
  const runsBySeries = options.series.map((s) => drawableRuns(s, logY));
  const [y0, y1] = yDomainOf(options, runsBySeries.flat());
  const x = linearScale(xDomainOf(options.series), [area.left, area.left + area.width]);
  const yRange: [number, number] = [area.top + area.height, area.top];
  const y = logY ? logScale([y0, y1], yRange) : linearScale([y0, y1], yRange);

  const parts = [axes(area, x, y, { title: options.title, xLabel: options.xLabel, yLabel: options.yLabel })];
  for (const value of options.referenceLines ?? []) {
    if (value < y0 || value > y1) continue;
    parts.push(element("line", { x1: area.left, y1: y.map(value), x2: area.left + area.width, y2: y.map(value), stroke: "#777", "stroke-dasharray": "4 4", class: "reference" }));
  }
  options.series.forEach((s, i) => {
    const pieces = runsBySeries[i]!.flatMap((run) => clipRun(run, y0, y1));
    const single = pieces.filter((p) => p.length === 1);
    const color = s.color ?? seriesColor(i);
    parts.push(element("path", {
      d: s.markers === "only" ? "" : pathData(pieces.filter((p) => p.length > 1), x, y), fill: "none", stroke: color, "stroke-width": 2,
      "stroke-linejoin": "round", "stroke-dasharray": s.dashed ? "6 4" : undefined, class: "series", "data-name": s.name,
    }));
    // A lone point (one finite value between gaps) would be invisible as a path.
    const dots = s.markers ? pieces.flat() : (single as [Point][]).map(([p]) => p);
    for (const [a, b] of dots) parts.push(element("circle", { cx: x.map(a), cy: y.map(b), r: s.markers ? 3.5 : 2, fill: color, class: s.markers ? "marker" : undefined }));
  });
  if (legendBeside) parts.push(legend(options.series, area.left + area.width + 12, area.top));
  else if (options.series.length > 1) parts.push(legend(options.series, area.left + area.width - legendWidth(options.series) - 8, area.top + 8));
  return { width, height, body: parts.join("") };
}
