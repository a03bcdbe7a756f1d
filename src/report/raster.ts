// Pixel pictures in SVG without thousands of <rect>s: one <path> per colour,
// each horizontal run of equal cells one sub-path, in cell units. Callers scale
// the group to the pixel box they want.
import { element, px } from "./svg.js";

/** Cells of a `cols` x `rows` grid, row 0 at the top, drawn in a box at (left, top) of size width x height. */
export function raster(cols: number, rows: number, colorAt: (col: number, row: number) => string, box: { left: number; top: number; width: number; height: number }): string {
  const runsByColor = new Map<string, string[]>();
  for (let row = 0; row < rows; row++) {
    let start = 0;
    for (let col = 1; col <= cols; col++) {
      const color = colorAt(start, row);
      if (col < cols && colorAt(col, row) === color) continue;
      const runs = runsByColor.get(color) ?? [];
      runs.push(`M${start} ${row}h${col - start}v1h${start - col}z`);
      runsByColor.set(color, runs);
      start = col;
    }
  }
  const paths = [...runsByColor].map(([color, runs]) => element("path", { d: runs.join(""), fill: color }));
  const transform = `translate(${px(box.left)} ${px(box.top)}) scale(${box.width / cols} ${box.height / rows})`;
  return element("g", { transform, "shape-rendering": "crispEdges", class: "raster" }, paths.join(""));
}
