// Canvas pixels: the decision boundary's bands in the colours the SVG picture
// uses for the same grid, and value maps in the diverging colour map.
import { describe, expect, it } from "vitest";
import { diverging } from "../../src/report/color.js";
import { type OutputGrid, boundaryPixels, boundarySegments, decisionBoundary, toSvg, valuePixels } from "../../src/report/index.js";
import { byClass, byTag, parseXml } from "./svg-dom.js";

const axis = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const hex = (pixels: Uint8ClampedArray, at: number) => "#" + Array.from(pixels.subarray(at * 4, at * 4 + 3), (c) => c.toString(16).padStart(2, "0")).join("");

/** Colour of every cell of decisionBoundary's raster, row 0 at the top, read from its runs "M{col} {row}h{n}v1h-{n}z". */
function rasterCells(grid: OutputGrid): string[] {
  const nx = grid.xs.length;
  const cells = new Array<string>(nx * grid.ys.length);
  const doc = parseXml(toSvg(decisionBoundary({ title: "b", grid, points: { x: [], y: [], label: [] } })));
  for (const path of byTag(byClass(doc, "raster")[0]!, "path")) {
    for (const [, col, row, n] of path.attrs.d!.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
      for (let k = 0; k < Number(n); k++) cells[Number(row) * nx + Number(col) + k] = path.attrs.fill!;
    }
  }
  return cells;
}

describe("boundaryPixels", () => {
  const xs = axis(-2, 2, 9), ys = axis(-1, 1, 5);
  it("one probability per node: every pixel is the colour of the SVG picture's cell", () => {
    const grid: OutputGrid = { xs, ys, classes: 1, values: ys.flatMap((y) => xs.map((x) => 1 / (1 + Math.exp(-3 * x - y)))), reading: "probability" };
    const pixels = boundaryPixels(grid);
    expect(pixels.length).toBe(9 * 5 * 4);
    expect(Array.from({ length: 45 }, (_, i) => hex(pixels, i))).toEqual(rasterCells(grid));
    expect(Array.from({ length: 45 }, (_, i) => pixels[i * 4 + 3])).toEqual(new Array(45).fill(255));
  });

  it("several classes, probabilities and values: the same colours as the SVG cells", () => {
    for (const reading of ["probability", "value"] as const) {
      const values = ys.flatMap((y) => xs.flatMap((x) => {
        const e = [Math.exp(x), Math.exp(y), 1];
        const sum = e[0]! + e[1]! + e[2]!;
        return e.map((v) => v / sum);
      }));
      const grid: OutputGrid = { xs, ys, classes: 3, values, reading };
      const pixels = boundaryPixels(grid);
      expect(Array.from({ length: 45 }, (_, i) => hex(pixels, i)), reading).toEqual(rasterCells(grid));
    }
  });
});

describe("boundarySegments", () => {
  it("are the lines decisionBoundary draws: p = 0.5 at x = 0 for p = sigmoid(4x), in node coordinates", () => {
    const xs = axis(-2, 2, 21), ys = axis(-1, 1, 11);
    const grid: OutputGrid = { xs, ys, classes: 1, values: ys.flatMap(() => xs.map((x) => 1 / (1 + Math.exp(-4 * x)))), reading: "probability" };
    const segments = boundarySegments(grid);
    expect(segments).toHaveLength(10);
    // Node i = 10 is x = 0.
    for (const segment of segments) for (const [i] of segment) expect(i).toBeCloseTo(10, 10);
    const drawn = byClass(parseXml(toSvg(decisionBoundary({ title: "b", grid, points: { x: [], y: [], label: [] } }))), "boundary")[0]!.attrs.d!;
    expect(drawn.match(/M/g)).toHaveLength(segments.length);
  });
});

describe("valuePixels", () => {
  it("low blue, the midpoint near white, high red, clamped beyond; row 0 is the largest y", () => {
    // 3 x 2 grid: node (i, j) at j * 3 + i; j = 1 is the top row.
    const values = [-1, 0, 1, -5, 5, 0.5];
    const pixels = valuePixels(values, 3, 2, [-1, 1]);
    expect(Array.from({ length: 6 }, (_, i) => hex(pixels, i))).toEqual(["#2166ac", "#b2182b", "#f4a582", "#2166ac", "#f7f7f7", "#b2182b"]);
  });

  it("every value has the colour diverging() gives the SVG pictures, between the stops too", () => {
    const values = Array.from({ length: 241 }, (_, i) => -1.2 + i * 0.01);
    const pixels = valuePixels(values, values.length, 1, [-1, 1]);
    expect(values.map((_, i) => hex(pixels, i))).toEqual(values.map((v) => diverging((v + 1) / 2)));
  });

  it("NaN and infinities are black, not a colour of the map", () => {
    const pixels = valuePixels([NaN, Infinity, 0, 1], 4, 1, [0, 1]);
    expect(Array.from({ length: 4 }, (_, i) => hex(pixels, i))).toEqual(["#000000", "#000000", "#2166ac", "#b2182b"]);
  });
});
