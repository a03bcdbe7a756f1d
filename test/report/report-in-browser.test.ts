// report.html opened from disk in headless Chromium: every inlined SVG renders,
// nothing is fetched from a network, and the screenshot is not blank.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { decisionBoundary, lineChart, reportHtml, smallMultiples, toSvg } from "../../src/report/index.js";
import { chromiumAvailable, chromiumMissing, launch, screenshotInk } from "./chromium.js";

if (!chromiumAvailable) console.warn(chromiumMissing);

describe.skipIf(!chromiumAvailable)("report.html in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launch(); });
  afterAll(async () => { await browser?.close(); });

  function writeReport(): string {
    const xs = Array.from({ length: 30 }, (_, i) => -2 + (4 * i) / 29);
    const probabilities = xs.flatMap((y) => xs.map((x) => 1 / (1 + Math.exp(-3 * (y - Math.sin(2 * x))))));
    const figures = [
      { title: "Loss", svg: toSvg(lineChart({ title: "Loss", xLabel: "Epoch", yLabel: "BCE", series: [{ name: "train", y: [0.7, 0.4, 0.2, 0.1] }] })) },
      { title: "Boundary", svg: toSvg(decisionBoundary({ title: "Boundary", grid: { xs, ys: xs, classes: 1, values: probabilities, reading: "probability" }, points: { x: [0, 1], y: [1, -1], label: [1, 0] } })) },
    ];
    const dir = mkdtempSync(join(tmpdir(), "dagrad-report-"));
    const path = join(dir, "report.html");
    writeFileSync(path, reportHtml({ title: "Browser check", config: { lr: 0.5 }, metrics: { testAccuracy: 0.98 }, figures }));
    return path;
  }

  it("renders every figure from disk without a network request and is not blank", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const url = pathToFileURL(writeReport()).href;
    await page.goto(url);
    const sizes = await page.$$eval("figure svg", (svgs) => svgs.map((s) => { const r = s.getBoundingClientRect(); return [r.width, r.height]; }));
    expect(sizes).toHaveLength(2);
    for (const [w, h] of sizes) {
      expect(w).toBeGreaterThan(200);
      expect(h).toBeGreaterThan(200);
    }
    expect(requests.filter((r) => r !== url && !r.startsWith("data:"))).toEqual([]);
    const { ink } = await screenshotInk(page);
    // Text, axes, curves and the coloured bands: a real picture, not an empty page.
    expect(ink.inked / ink.total).toBeGreaterThan(0.05);
    expect(ink.colours).toBeGreaterThan(30);
    await page.close();
  });

  it("shows a figure of many panels at full width: its text is not shrunk to a grid cell's share", async () => {
    const panel = () => lineChart({ title: "panel", xLabel: "x", yLabel: "y", series: [{ name: "s", y: [1, 2, 3] }] });
    const wide = toSvg(smallMultiples("Four panels", [panel(), panel(), panel(), panel()], 2));
    const narrow = toSvg(panel());
    const dir = mkdtempSync(join(tmpdir(), "dagrad-report-"));
    const path = join(dir, "report.html");
    writeFileSync(path, reportHtml({ title: "Wide", config: {}, metrics: {}, figures: [{ title: "narrow", svg: narrow }, { title: "wide", svg: wide }, { title: "narrow", svg: narrow }] }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(path).href);
    // Rendered width over drawn width: 1 means 11 px text stays 11 px.
    const scales = await page.$$eval("figure svg", (svgs) => svgs.map((s) => s.getBoundingClientRect().width / Number(s.getAttribute("width"))));
    expect(scales[1]).toBeGreaterThan(0.95);
    await page.close();
  });

  it("would catch a blank page: an empty document has no ink", async () => {
    const page = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await page.setContent("<html><body></body></html>");
    const { ink } = await screenshotInk(page);
    expect(ink.inked).toBe(0);
    expect(ink.colours).toBe(1);
    await page.close();
  });
});
