// The colour bar beside every picture that colours values (loss surfaces,
// decision boundaries, weight images): equal bands from the lowest value at
// the bottom to the highest at the top, a frame, labelled values on the right
// and a title turned up beside them.
import { element, text } from "./svg.js";

export interface ColorBarOptions {
  /** The bands' colours, lowest value first. */
  colors: readonly string[];
  /** Labelled values: where each stands along the bar (0 bottom, 1 top) and its text. */
  labels: readonly (readonly [at: number, label: string])[];
  title: string;
  left: number;
  top: number;
  width: number;
  height: number;
  /** A short tick at each label, for a scale's ticks (bars labelled only at their ends and middle need none). */
  ticks?: boolean;
  /** How far right of the bar the title stands: past the widest label. */
  titleGap: number;
}

export function drawColorBar(options: ColorBarOptions): string {
  const { colors, left, top, width, height } = options;
  const band = height / colors.length;
  const right = left + width;
  // Each band overlaps the next by half a pixel, so no seam shows between them.
  const parts = colors.map((fill, k) => element("rect", { x: left, y: top + height - (k + 1) * band, width, height: band + 0.5, fill }));
  parts.push(element("rect", { x: left, y: top, width, height, fill: "none", stroke: "#444" }));
  for (const [at, label] of options.labels) {
    const y = top + height - at * height;
    if (options.ticks === true) parts.push(element("line", { x1: right, y1: y, x2: right + 4, y2: y, stroke: "#444" }));
    parts.push(text(right + (options.ticks === true ? 7 : 4), y, label, { size: 10, baseline: "middle", className: "colorbar-label" }));
  }
  parts.push(text(right + options.titleGap, top + height / 2, options.title, { size: 11, anchor: "middle", rotate: -90, className: "colorbar-title" }));
  return parts.join("");
}
