// Decision boundary pictures: points, bands and the p = 0.5 line where it belongs.
import { describe, expect, it } from "vitest";
import { decisionBoundary, toSvg, zeroContour } from "../../src/report/index.js";
import { byClass, byTag, parseXml, pathPoints } from "./svg-dom.js";

const axis = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe("zeroContour", () => {
  it("traces the unit circle of r^2 - 1 within the grid's interpolation error", () => {
    const xs = axis(-2, 2, 41);
    const segments = zeroContour(41, 41, (i, j) => xs[i]! ** 2 + xs[j]! ** 2 - 1);
    expect(segments.length).toBeGreaterThan(40);
    for (const segment of segments) {
      for (const [i, j] of segment) {
        const x = -2 + i * 0.1, y = -2 + j * 0.1;
        expect(Math.abs(Math.hypot(x, y) - 1)).toBeLessThan(0.01);
      }
    }
  });
});

describe("decisionBoundary", () => {
  const xs = axis(-2, 2, 21), ys = axis(-1, 1, 11);
  // p(class 1) = sigmoid(4x): the boundary is the vertical line x = 0.
  const probabilities = ys.flatMap(() => xs.map((x) => 1 / (1 + Math.exp(-4 * x))));
  const points = { x: [-1, -0.5, 0.5, 1.5], y: [0, 0.5, -0.5, 0], label: [0, 0, 1, 1] };
  const doc = parseXml(toSvg(decisionBoundary({ title: "Decision boundary", grid: { xs, ys, classes: 1, values: probabilities, reading: "probability" }, points })));

  it("draws every point once, coloured by its class", () => {
    const circles = byClass(doc, "point");
    expect(circles).toHaveLength(4);
    expect(byClass(doc, "class-0").map((c) => c.attrs.fill)).toEqual(["#2166ac", "#2166ac"]);
    expect(byClass(doc, "class-1").map((c) => c.attrs.fill)).toEqual(["#b2182b", "#b2182b"]);
  });

  it("draws the p = 0.5 line at x = 0, from the bottom of the grid to the top", () => {
    const boundary = pathPoints(byClass(doc, "boundary")[0]!.attrs.d!);
    const circles = byClass(doc, "point");
    // Pixel x of data x = 0 lies between the points at x = -0.5 and x = 0.5, a quarter of the way from each.
    const left = Number(circles[1]!.attrs.cx), right = Number(circles[2]!.attrs.cx);
    expect(boundary.length).toBeGreaterThanOrEqual(20);
    for (const [x] of boundary) expect(Math.abs(x - (left + right) / 2)).toBeLessThan(0.02);
    const heights = boundary.map(([, y]) => y);
    expect(Math.max(...heights) - Math.min(...heights)).toBeGreaterThan(200);
  });

  it("fills the grid with colour bands, blue on the class-0 side and red on the class-1 side", () => {
    const raster = byClass(doc, "raster")[0]!;
    const fills = byTag(raster, "path").map((p) => p.attrs.fill!);
    expect(fills.length).toBeGreaterThan(5);
    const cells = byTag(raster, "path").reduce((n, p) => n + [...p.attrs.d!.matchAll(/h(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0), 0);
    expect(cells).toBe(21 * 11);
    const bluish = (hex: string) => parseInt(hex.slice(5, 7), 16) > parseInt(hex.slice(1, 3), 16);
    const firstRun = byTag(raster, "path").find((p) => p.attrs.d!.startsWith("M0 0h"))!;
    expect(bluish(firstRun.attrs.fill!)).toBe(true);
  });

  it("has a colour bar and a class legend", () => {
    expect(byClass(doc, "colorbar-label").map((t) => t.text)).toEqual(["0", "0.5", "1"]);
    expect(byClass(doc, "legend-label").map((t) => t.text)).toEqual(["Class 0", "Class 1"]);
  });

  it("draws one boundary per pair of neighbouring classes for three classes", () => {
    // Class 0 wins left of x = -0.7, class 2 right of x = 0.7, class 1 between: two vertical lines.
    const three = ys.flatMap(() => xs.flatMap((x) => {
      const scores = [-3 * (x + 0.7), 0, 3 * (x - 0.7)].map(Math.exp);
      const total = scores.reduce((s, v) => s + v, 0);
      return scores.map((s) => s / total);
    }));
    const svg = parseXml(toSvg(decisionBoundary({ title: "3", grid: { xs, ys, classes: 3, values: three, reading: "probability" }, points: { x: [], y: [], label: [] } })));
    const boundaryXs = pathPoints(byClass(svg, "boundary")[0]!.attrs.d!).map(([x]) => x);
    const middle = (Math.min(...boundaryXs) + Math.max(...boundaryXs)) / 2;
    const left = boundaryXs.filter((x) => x < middle), right = boundaryXs.filter((x) => x > middle);
    expect(left.length).toBeGreaterThan(10);
    expect(right.length).toBeGreaterThan(10);
    expect(Math.max(...left) - Math.min(...left)).toBeLessThan(0.5);
    expect(Math.max(...right) - Math.min(...right)).toBeLessThan(0.5);
    expect(Math.min(...right) - Math.max(...left)).toBeGreaterThan(100);
  });
});
