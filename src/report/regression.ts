// Pictures of a regression: the fitted curve over the data (one input), and
// predicted against true values (any number of inputs), training and test
// points in their parts' colours.
import { axes, plotArea } from "./axes.js";
import { PART_COLORS } from "./color.js";
import { extent, linearScale, niceDomain } from "./scale.js";
import { type Figure, element, px, text } from "./svg.js";

export interface PartPoints {
  name: "train" | "test";
  x: readonly number[];
  y: readonly number[];
}

function legend(entries: readonly { name: string; color: string; line?: boolean }[], left: number, top: number): string {
  return entries.map((e, i) => {
    const y = top + i * 16;
    const mark = e.line
      ? element("line", { x1: left, y1: y, x2: left + 16, y2: y, stroke: e.color, "stroke-width": 2.5 })
      : element("circle", { cx: left + 8, cy: y, r: 4, fill: e.color, stroke: "#222", "stroke-width": 0.6 });
    return mark + text(left + 22, y, e.name, { size: 11, baseline: "middle", className: "legend-label" });
  }).join("");
}

function points(parts: readonly PartPoints[], x: (v: number) => number, y: (v: number) => number): string {
  return parts.flatMap((p) => p.x.map((v, i) => element("circle", { cx: x(v), cy: y(p.y[i]!), r: 3.5, fill: PART_COLORS[p.name], "fill-opacity": 0.75, stroke: "#222", "stroke-width": 0.5, class: `point ${p.name}` }))).join("");
}

const niceExtent = (values: readonly number[]): [number, number] => niceDomain(...extent(values));

export interface FitPlotOptions {
  title: string;
  parts: readonly PartPoints[];
  /** The model's output along the input axis. */
  curve: { x: readonly number[]; y: readonly number[] };
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** The data as points and the model's output as a line through them (one input feature). */
export function fitPlot(options: FitPlotOptions): Figure {
  const width = options.width ?? 560, height = options.height ?? 360;
  const area = plotArea(width, height, 90);
  const xs = [...options.parts.flatMap((p) => p.x), ...options.curve.x];
  const ys = [...options.parts.flatMap((p) => p.y), ...options.curve.y].filter(Number.isFinite);
  const x = linearScale(niceExtent(xs), [area.left, area.left + area.width]);
  const y = linearScale(niceExtent(ys), [area.top + area.height, area.top]);
  const line = options.curve.x.map((v, i) => `${i === 0 ? "M" : "L"}${px(x.map(v))} ${px(y.map(options.curve.y[i]!))}`).join("");
  return {
    width, height,
    body: axes(area, x, y, { title: options.title, xLabel: options.xLabel ?? "Feature 1", yLabel: options.yLabel ?? "Target" })
      + points(options.parts, x.map, y.map)
      + element("path", { d: line, fill: "none", stroke: "#222", "stroke-width": 2.2, class: "series model", "data-name": "model" })
      + legend([...options.parts.map((p) => ({ name: p.name, color: PART_COLORS[p.name] })), { name: "model", color: "#222", line: true }], area.left + area.width + 12, area.top + 8),
  };
}

export interface ParityPlotOptions {
  title: string;
  /** x: the true targets, y: the model's predictions. */
  parts: readonly PartPoints[];
  width?: number;
  height?: number;
}

/** Predicted against true values on equal axes: a perfect model puts every point on the dashed diagonal. */
export function parityPlot(options: ParityPlotOptions): Figure {
  const width = options.width ?? 460, height = options.height ?? 400;
  const area = plotArea(width, height, 90);
  const all = options.parts.flatMap((p) => [...p.x, ...p.y]).filter(Number.isFinite);
  const domain = niceExtent(all);
  const x = linearScale(domain, [area.left, area.left + area.width]);
  const y = linearScale(domain, [area.top + area.height, area.top]);
  return {
    width, height,
    body: axes(area, x, y, { title: options.title, xLabel: "True value", yLabel: "Predicted value" })
      + element("line", { x1: x.map(domain[0]), y1: y.map(domain[0]), x2: x.map(domain[1]), y2: y.map(domain[1]), stroke: "#777", "stroke-dasharray": "5 4", class: "reference" })
      + points(options.parts, x.map, y.map)
      + legend(options.parts.map((p) => ({ name: p.name, color: PART_COLORS[p.name] })), area.left + area.width + 12, area.top + 8),
  };
}
