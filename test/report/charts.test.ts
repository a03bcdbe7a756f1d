// What the chart functions draw, read back from the SVG they return.
import { describe, expect, it } from "vitest";
import { lineChart, niceTicks, toSvg } from "../../src/report/index.js";
import { byClass, byTag, parseXml, pathPoints } from "./svg-dom.js";

const svgOf = (figure: Parameters<typeof toSvg>[0]) => parseXml(toSvg(figure));

describe("niceTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).toEqual([20, 40, 60, 80]);
    expect(niceTicks(-0.013, 0.012)).toEqual([-0.01, -0.005, 0, 0.005, 0.01]);
  });
});

describe("lineChart", () => {
  const loss = [0.7, 0.5, 0.4, 0.35, 0.3];
  const doc = svgOf(lineChart({ title: "Training loss", xLabel: "Epoch", yLabel: "Loss", series: [{ name: "train", y: loss }, { name: "test", y: loss.map((v) => v + 0.05) }] }));

  it("draws one path per series, one vertex per value", () => {
    const paths = byClass(doc, "series");
    expect(paths.map((p) => p.attrs["data-name"])).toEqual(["train", "test"]);
    for (const p of paths) expect(pathPoints(p.attrs.d!)).toHaveLength(loss.length);
  });

  it("has a title, axis labels, tick labels and a legend naming each series", () => {
    expect(byClass(doc, "title")[0]!.text).toBe("Training loss");
    expect(byClass(doc, "axis-label").map((t) => t.text)).toEqual(["Epoch", "Loss"]);
    expect(byClass(doc, "tick-label").length).toBeGreaterThanOrEqual(6);
    expect(byClass(doc, "legend-label").map((t) => t.text)).toEqual(["train", "test"]);
  });

  it("puts larger values higher (smaller y pixel) and later epochs further right", () => {
    const points = pathPoints(byClass(doc, "series")[0]!.attrs.d!);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]![0]).toBeGreaterThan(points[i - 1]![0]);
      expect(points[i]![1]).toBeGreaterThan(points[i - 1]![1]); // loss falls, so the line goes down the screen
    }
  });

  it("breaks the line at NaN instead of drawing through it", () => {
    const broken = svgOf(lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "s", y: [1, 2, NaN, 3, 4] }] }));
    const d = byClass(broken, "series")[0]!.attrs.d!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(pathPoints(d)).toHaveLength(4);
  });

  it("cuts lines at a fixed y range, so a diverging run stays inside the frame", () => {
    const chart = lineChart({ title: "t", xLabel: "x", yLabel: "y", yDomain: [0, 1], series: [{ name: "s", y: [0.5, 0.8, 50, 0.6] }] });
    const frame = byTag(parseXml(toSvg(chart)), "rect").find((r) => r.attrs.fill === "none")!;
    const top = Number(frame.attrs.y), bottom = top + Number(frame.attrs.height);
    const points = pathPoints(byClass(parseXml(toSvg(chart)), "series")[0]!.attrs.d!);
    expect(points.length).toBeGreaterThanOrEqual(4);
    for (const [, y] of points) {
      expect(y).toBeGreaterThanOrEqual(top - 1e-9);
      expect(y).toBeLessThanOrEqual(bottom + 1e-9);
    }
  });

  it("labels a log axis by decades and skips values it cannot place", () => {
    const chart = svgOf(lineChart({ title: "t", xLabel: "x", yLabel: "y", logY: true, series: [{ name: "s", y: [1e-5, 1e-3, 0, 1e-1] }] }));
    const labels = byClass(chart, "tick-label").filter((t) => t.attrs.class!.includes("y")).map((t) => t.text);
    expect(labels).toEqual(["1e-5", "1e-4", "1e-3", "1e-2", "1e-1"]);
    expect(pathPoints(byClass(chart, "series")[0]!.attrs.d!)).toHaveLength(2); // 1e-5, 1e-3; then 0 breaks the line
    expect(byTag(chart, "circle")).toHaveLength(1); // 1e-1 alone after the gap
  });
});

describe("lineChart: where the legend goes, and lines that would hide each other", () => {
  const legendBox = (doc: ReturnType<typeof svgOf>) => {
    const r = byClass(doc, "legend")[0]!.attrs;
    return { left: Number(r.x), top: Number(r.y), right: Number(r.x) + Number(r.width), bottom: Number(r.y) + Number(r.height) };
  };
  const vertices = (doc: ReturnType<typeof svgOf>) => byClass(doc, "series").flatMap((p) => pathPoints(p.attrs.d!));

  it("puts a two-series legend in a corner no line crosses: top left when the lines rise to the top right", () => {
    const rising = Array.from({ length: 50 }, (_, i) => i);
    const doc = svgOf(lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "train", y: rising }, { name: "test", y: rising.map((v) => v + 2) }] }));
    const box = legendBox(doc);
    const frame = byTag(doc, "rect").find((r) => r.attrs.fill === "none")!;
    expect(box.left).toBeLessThan(Number(frame.attrs.x) + 20); // the left corner
    for (const [x, y] of vertices(doc)) expect(x >= box.left && x <= box.right && y >= box.top && y <= box.bottom).toBe(false);
  });

  it("puts it beside the plot when lines cross every corner", () => {
    const zigzag = Array.from({ length: 41 }, (_, i) => (i % 2 === 0 ? 0 : 10));
    const doc = svgOf(lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", y: zigzag }, { name: "b", y: zigzag.map((v) => 10 - v) }] }));
    const frame = byTag(doc, "rect").find((r) => r.attrs.fill === "none")!;
    expect(legendBox(doc).left).toBeGreaterThan(Number(frame.attrs.x) + Number(frame.attrs.width));
  });

  it("dashes a line that follows an earlier one, and draws earlier lines wider", () => {
    const same = [5, 4, 3, 2, 1];
    const doc = svgOf(lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", y: same }, { name: "b", y: [9, 9, 9, 9, 9] }, { name: "c", y: same }] }));
    const [a, b, c] = byClass(doc, "series");
    expect(a!.attrs["stroke-dasharray"]).toBeUndefined();
    expect(b!.attrs["stroke-dasharray"]).toBeUndefined();
    expect(c!.attrs["stroke-dasharray"]).toBe("7 5");
    expect(Number(a!.attrs["stroke-width"])).toBeGreaterThan(Number(c!.attrs["stroke-width"]));
  });

  it("marks a series whose values all lie above a fixed range at the top edge, and says so in the legend", () => {
    const doc = svgOf(lineChart({ title: "t", xLabel: "x", yLabel: "y", yDomain: [0, 1], series: [{ name: "ok", y: [0.5, 0.4, 0.3] }, { name: "blown", y: [200, 500] }, { name: "other", y: [0.2, 0.2, 0.1] }] }));
    expect(byClass(doc, "off-chart")).toHaveLength(1);
    expect(byClass(doc, "legend-label").map((t) => t.text)).toContain("blown: above 1, off the chart ▲");
  });
});
