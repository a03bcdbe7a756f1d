// Several figures in a grid under one title (decision boundaries for each
// hidden size, activations side by side, loss surfaces by network and depth).
import { type Figure, element, place, text } from "./svg.js";

/** Panels in rows of `columns` under one title; `side` (a shared colour bar, say) stands at the right of the first row. */
export function smallMultiples(title: string, panels: readonly Figure[], columns = 3, options: { side?: Figure } = {}): Figure {
  const cellW = Math.max(...panels.map((p) => p.width));
  const cellH = Math.max(...panels.map((p) => p.height));
  const top = title ? 36 : 0;
  const cols = Math.min(columns, panels.length);
  const side = options.side;
  const width = cols * cellW + (side?.width ?? 0);
  const height = Math.max(top + Math.ceil(panels.length / cols) * cellH, top + (side?.height ?? 0));
  const parts = title ? [text(width / 2, 24, title, { size: 16, anchor: "middle", weight: "bold", className: "title" })] : [];
  panels.forEach((panel, i) => parts.push(place(panel, (i % cols) * cellW, top + Math.floor(i / cols) * cellH)));
  if (side) parts.push(place(side, cols * cellW, top));
  return { width, height, body: parts.join("") };
}

/** A panel with a title and one line where a picture cannot be drawn (a run whose weights blew up). */
export function noticePanel(title: string, message: string, size: { width: number; height: number }): Figure {
  const { width, height } = size;
  return {
    width, height,
    body: text(width / 2, 22, title, { size: 13, anchor: "middle", weight: "bold", className: "title" })
      + element("rect", { x: 20, y: 36, width: width - 40, height: height - 56, fill: "#f4f4f4", stroke: "#ccc" })
      + text(width / 2, 36 + (height - 56) / 2, message, { size: 12, anchor: "middle", baseline: "middle", className: "notice" }),
  };
}
