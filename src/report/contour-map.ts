// A field over a plane as filled colour bands with contour lines (a loss
// surface around trained weights), and the colour bar that reads its colours.
// Panels of one comparison share a colour scale, so one bar serves them all.
import { axes, plotArea } from "./axes.js";
import { drawColorBar } from "./color-bar.js";
import { zeroContour } from "./contour.js";
import { raster } from "./raster.js";
import { type Scale, linearScale, logScale } from "./scale.js";
import { type Figure, element, px } from "./svg.js";

/** Values to colours: a domain, linear or log, and a map from [0, 1] to a colour. */
export interface ColorScale {
  domain: readonly [number, number];
  log: boolean;
  color: (t: number) => string;
  /** Distinct bands (default 16): like contourf's levels. */
  bands?: number;
}

/** Where v falls in the scale's domain, 0 to 1 (clamped; NaN and infinities to the top). */
function position(scale: ColorScale, v: number): number {
  if (!Number.isFinite(v)) return 1;
  const [lo, hi] = scale.domain;
  const t = scale.log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
  return Math.min(1, Math.max(0, t));
}

function bandColor(scale: ColorScale, v: number): string {
  const bands = scale.bands ?? 16;
  const band = Math.min(bands - 1, Math.floor(position(scale, v) * bands));
  return scale.color((band + 0.5) / bands);
}

/** The values at the boundaries between bands, where the contour lines go. */
export function bandEdges(scale: ColorScale): number[] {
  const bands = scale.bands ?? 16;
  const [lo, hi] = scale.domain;
  return Array.from({ length: bands - 1 }, (_, k) => {
    const t = (k + 1) / bands;
    return scale.log ? 10 ** (Math.log10(lo) + t * (Math.log10(hi) - Math.log10(lo))) : lo + t * (hi - lo);
  });
}

export interface ContourMapOptions {
  title: string;
  /** Node coordinates along each axis, increasing and evenly spaced. */
  xs: readonly number[];
  ys: readonly number[];
  /** Value at node (i, j) at index j * xs.length + i. */
  values: ArrayLike<number>;
  scale: ColorScale;
  xLabel?: string;
  yLabel?: string;
  /** A point to mark (the trained weights at the origin). */
  marker?: readonly [number, number];
  width?: number;
  height?: number;
}

export function contourMap(options: ContourMapOptions): Figure {
  const { xs, ys, values, scale } = options;
  const width = options.width ?? 300, height = options.height ?? 290;
  const area = plotArea(width, height, 14);
  const nx = xs.length, ny = ys.length;
  const dx = (xs[nx - 1]! - xs[0]!) / Math.max(1, nx - 1);
  const dy = (ys[ny - 1]! - ys[0]!) / Math.max(1, ny - 1);
  const x = linearScale([xs[0]! - dx / 2, xs[nx - 1]! + dx / 2], [area.left, area.left + area.width]);
  const y = linearScale([ys[0]! - dy / 2, ys[ny - 1]! + dy / 2], [area.top + area.height, area.top]);
  const at = (i: number, j: number) => values[j * nx + i]!;
  const parts = [raster(nx, ny, (col, row) => bandColor(scale, at(col, ny - 1 - row)), area)];
  const toPixel = ([i, j]: [number, number]) => `${px(x.map(xs[0]! + i * dx))} ${px(y.map(ys[0]! + j * dy))}`;
  // Lines where the field crosses a band edge; a value that is not finite counts as above every edge.
  const lines = bandEdges(scale).flatMap((level) => zeroContour(nx, ny, (i, j) => (Number.isFinite(at(i, j)) ? at(i, j) - level : 1)));
  parts.push(element("path", { d: lines.map(([a, b]) => `M${toPixel(a)}L${toPixel(b)}`).join(""), fill: "none", stroke: "#fff", "stroke-opacity": 0.55, "stroke-width": 0.8, class: "contour" }));
  parts.push(axes(area, x, y, { title: options.title, xLabel: options.xLabel ?? "α", yLabel: options.yLabel ?? "β", grid: false }));
  if (options.marker) {
    const [mx, my] = options.marker;
    parts.push(element("circle", { cx: x.map(mx), cy: y.map(my), r: 3.5, fill: "#fff", stroke: "#000", "stroke-width": 1.2, class: "marker" }));
  }
  return { width, height, body: parts.join("") };
}

/** A vertical colour bar for a scale, with its title and the scale's ticks labelled. */
export function colorBar(scale: ColorScale, title: string, options: { height?: number } = {}): Figure {
  const height = options.height ?? 290;
  const top = 34, bottom = 46, left = 14, width = 16;
  const bands = scale.bands ?? 16;
  const along: Scale = scale.log ? logScale(scale.domain, [0, 1]) : linearScale(scale.domain, [0, 1]);
  const body = drawColorBar({
    colors: Array.from({ length: bands }, (_, k) => scale.color((k + 0.5) / bands)),
    labels: along.ticks().map((v) => [along.map(v), along.format(v)] as const),
    title, left, top, width, height: height - top - bottom, ticks: true, titleGap: 52,
  });
  return { width: left + width + 64, height, body };
}
