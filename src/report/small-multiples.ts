// Several figures in a grid under one title (decision boundaries for each
// hidden size, activations side by side).
import { type Figure, place, text } from "./svg.js";

export function smallMultiples(title: string, panels: readonly Figure[], columns = 3): Figure {
  const cellW = Math.max(...panels.map((p) => p.width));
  const cellH = Math.max(...panels.map((p) => p.height));
  const top = title ? 36 : 0;
  const cols = Math.min(columns, panels.length);
  const width = cols * cellW;
  const height = top + Math.ceil(panels.length / cols) * cellH;
  const parts = title ? [text(width / 2, 24, title, { size: 16, anchor: "middle", weight: "bold", className: "title" })] : [];
  panels.forEach((panel, i) => parts.push(place(panel, (i % cols) * cellW, top + Math.floor(i / cols) * cellH)));
  return { width, height, body: parts.join("") };
}
