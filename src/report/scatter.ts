// Labelled points on a plane (000 section 3's "Training Data" and "Test
// Data" panels): one colour per class, a legend naming them.
import { axes, plotArea } from "./axes.js";
import { classColor } from "./color.js";
import type { LabelledPoints } from "./decision-boundary.js";
import { extent, linearScale, niceDomain } from "./scale.js";
import { type Figure, element, text } from "./svg.js";

export interface ScatterOptions {
  title: string;
  points: LabelledPoints;
  /** Axis ranges; default: nice ranges around the points (pass the same to panels that must compare). */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Nice axis ranges covering every point of every set, so panels share their scales. */
export function sharedDomains(sets: readonly LabelledPoints[]): { xDomain: [number, number]; yDomain: [number, number] } {
  const xs = sets.flatMap((s) => s.x), ys = sets.flatMap((s) => s.y);
  return { xDomain: niceDomain(...extent(xs)), yDomain: niceDomain(...extent(ys)) };
}

export function scatterPlot(options: ScatterOptions): Figure {
  const { points } = options;
  const width = options.width ?? 420, height = options.height ?? 380;
  const classes = Math.max(2, ...points.label.map((l) => l + 1));
  const area = plotArea(width, height, 84);
  const domains = options.xDomain && options.yDomain ? { xDomain: options.xDomain, yDomain: options.yDomain } : sharedDomains([points]);
  const x = linearScale(domains.xDomain, [area.left, area.left + area.width]);
  const y = linearScale(domains.yDomain, [area.top + area.height, area.top]);
  const parts = [axes(area, x, y, { title: options.title, xLabel: options.xLabel ?? "Feature 1", yLabel: options.yLabel ?? "Feature 2" })];
  points.x.forEach((px0, n) => {
    const label = points.label[n]!;
    parts.push(element("circle", { cx: x.map(px0), cy: y.map(points.y[n]!), r: 4, fill: classColor(label), "fill-opacity": 0.7, stroke: "#222", "stroke-width": 0.6, class: `point class-${label}` }));
  });
  const left = area.left + area.width + 12;
  for (let c = 0; c < classes; c++) {
    const cy = area.top + 8 + c * 16;
    parts.push(element("circle", { cx: left + 5, cy, r: 4.5, fill: classColor(c), stroke: "#222", "stroke-width": 0.6 }));
    parts.push(text(left + 14, cy, `Class ${c}`, { size: 11, baseline: "middle", className: "legend-label" }));
  }
  return { width, height, body: parts.join("") };
}
