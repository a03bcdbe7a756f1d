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
