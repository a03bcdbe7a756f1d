// How a set of numbers is spread: counts in equal bins (a layer's weights).
import { axes, plotArea } from "./axes.js";
import { seriesColor } from "./color.js";
import { extent, linearScale, niceDomain } from "./scale.js";
import { type Figure, element } from "./svg.js";

export interface HistogramOptions {
  title: string;
  values: ArrayLike<number>;
  /** Equal-width bins over the values' range (default 30). */
  bins?: number;
  xLabel?: string;
  color?: string;
  width?: number;
  height?: number;
}

/** Counts per bin over [min, max] of the finite values (the last bin includes max). */
export function binCounts(values: ArrayLike<number>, bins: number): { edges: number[]; counts: number[] } {
  const finite = Array.from(values).filter(Number.isFinite);
  let [lo, hi] = extent(finite);
  if (finite.length === 0) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts };
}

export function histogram(options: HistogramOptions): Figure {
  const width = options.width ?? 300, height = options.height ?? 230;
  const area = plotArea(width, height);
  const { edges, counts } = binCounts(options.values, options.bins ?? 30);
  const x = linearScale(niceDomain(edges[0]!, edges[edges.length - 1]!), [area.left, area.left + area.width]);
  const y = linearScale([0, Math.max(1, ...counts) * 1.05], [area.top + area.height, area.top]);
  const bars = counts.map((c, i) => element("rect", {
    x: x.map(edges[i]!), y: y.map(c), width: Math.max(0.5, x.map(edges[i + 1]!) - x.map(edges[i]!) - 0.5), height: y.map(0) - y.map(c),
    fill: options.color ?? seriesColor(0), class: "bar",
  }));
  return { width, height, body: axes(area, x, y, { title: options.title, xLabel: options.xLabel ?? "Value", yLabel: "Count" }) + bars.join("") };
}
