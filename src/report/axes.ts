// A plot frame: title, ticks, tick labels, grid lines and axis labels around a
// rectangle, for any pair of scales.
import type { Scale } from "./scale.js";
import { element, text } from "./svg.js";

export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface AxesOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Light grid lines at the ticks (off for images and heat maps). */
  grid?: boolean;
}

/** Room around the plot for title, tick labels and axis labels. */
export function plotArea(width: number, height: number, right = 16): PlotArea {
  const left = 66, top = 34, bottom = 46;
  return { left, top, width: width - left - right, height: height - top - bottom };
}

export function axes(area: PlotArea, x: Scale, y: Scale, options: AxesOptions = {}): string {
  const { left, top, width, height } = area;
  const bottom = top + height;
  const parts: string[] = [];
  const grid = options.grid ?? true;

  for (const v of x.ticks()) {
    const at = x.map(v);
    if (grid) parts.push(element("line", { x1: at, y1: top, x2: at, y2: bottom, stroke: "#e3e3e3" }));
    parts.push(element("line", { x1: at, y1: bottom, x2: at, y2: bottom + 5, stroke: "#444" }));
    parts.push(text(at, bottom + 17, x.format(v), { size: 11, anchor: "middle", className: "tick-label x" }));
  }
  for (const v of y.ticks()) {
    const at = y.map(v);
    if (grid) parts.push(element("line", { x1: left, y1: at, x2: left + width, y2: at, stroke: "#e3e3e3" }));
    parts.push(element("line", { x1: left - 5, y1: at, x2: left, y2: at, stroke: "#444" }));
    parts.push(text(left - 8, at, y.format(v), { size: 11, anchor: "end", baseline: "middle", className: "tick-label y" }));
  }
  parts.push(element("rect", { x: left, y: top, width, height, fill: "none", stroke: "#444" }));
  if (options.title) parts.push(text(left + width / 2, top - 12, options.title, { size: 14, anchor: "middle", weight: "bold", className: "title" }));
  if (options.xLabel) parts.push(text(left + width / 2, bottom + 36, options.xLabel, { size: 12, anchor: "middle", className: "axis-label x" }));
  if (options.yLabel) {
    const cx = left - 50, cy = top + height / 2;
    parts.push(text(cx, cy, options.yLabel, { size: 12, anchor: "middle", rotate: -90, className: "axis-label y" }));
  }
  return parts.join("");
}
