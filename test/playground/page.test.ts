// The playground page in headless Chromium, built from the sources and served
// as `npm run playground` serves it (cross-origin isolated): what a learner
// does, checked on what the page shows. Screenshots of each state are kept in
// test-artifacts/playground/ (gitignored).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlayground, OUT, ROOT } from "../../playground/build.js";
import { defaultConfig } from "../../playground/config.js";
import { Session } from "../../playground/session.js";
import { DECODE_PNG, chromiumAvailable, chromiumMissing, launch, screenshotInk } from "../report/chromium.js";
import { type Site, serve } from "../browser/server.js";

if (!chromiumAvailable) console.warn(chromiumMissing);

const ARTIFACTS = join(ROOT, "test-artifacts", "playground");

describe.skipIf(!chromiumAvailable)("the playground page in headless Chromium", () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    const files = await buildPlayground();
    [browser, site] = await Promise.all([launch(), serve(Object.fromEntries(Object.entries(files).map(([name, text]) => [`/${name}`, text])), { crossOriginIsolated: true })]);
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  /** The page, ready (its first network drawn), with every request and console error it makes recorded. */
  async function open(url = `${site.origin}/index.html`, deviceScaleFactor = 1): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`); });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(`document.getElementById("epoch").textContent === "0" && document.getElementById("status").textContent === ""`);
    await page.waitForTimeout(100);
    return { page, requests, errors };
  }

  async function keep(page: Page, name: string): Promise<void> {
    // From the top: a full-page screenshot draws the sticky toolbar where the page is scrolled to.
    await page.evaluate("window.scrollTo(0, 0)");
    writeFileSync(join(ARTIFACTS, `${name}.png`), await page.screenshot({ fullPage: true }));
  }

  const number = async (page: Page, id: string) => Number(await page.textContent(`#${id}`));

  it("loads with no request outside its own origin and no console error, and draws the network and the data", async () => {
    const { page, requests, errors } = await open();
    const { png, ink } = await screenshotInk(page);
    writeFileSync(join(ARTIFACTS, "loaded.png"), png);
    expect(ink.colours).toBeGreaterThan(50);
    await page.click("#step");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "1"`);
    await page.close();
    const outside = requests.filter((url) => !url.startsWith(`${site.origin}/`) && !url.startsWith(`blob:${site.origin}/`));
    expect(outside).toEqual([]);
    expect(requests.some((url) => url.startsWith("blob:"))).toBe(true); // the worker
    expect(errors).toEqual([]);
  });

  it("choosing moons and pressing play reaches test accuracy 0.95 and more; the page keeps drawing while the worker trains", async () => {
    const { page, errors } = await open();
    await page.selectOption("#dataset", "moons");
    // Training until paused, so all of the 2 s counted below are spent training.
    await page.fill("#stop-at", "0");
    await page.dispatchEvent("#stop-at", "change");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "0" && document.getElementById("status").textContent === ""`);
    // The longest wait between two animation frames while the worker trains: a
    // page that trained on its own thread would freeze for the whole run. A
    // bar on the frame rate would measure this shared machine's load instead.
    const longestGap = page.evaluate(`new Promise((resolve) => {
      let last = performance.now(), longest = 0;
      const start = last;
      const count = (now) => {
        longest = Math.max(longest, now - last);
        last = now;
        if (now - start < 2000) requestAnimationFrame(count); else resolve(longest);
      };
      requestAnimationFrame(count);
    })`) as Promise<number>;
    await page.click("#play");
    expect(await longestGap, "longest time without an animation frame in the first 2 s of training (ms)").toBeLessThan(1000);
    await page.waitForFunction(`Number(document.getElementById("test-accuracy").textContent) >= 0.95`, undefined, { timeout: 30_000 });
    await keep(page, "moons-trained");
    expect(await number(page, "test-accuracy")).toBeGreaterThanOrEqual(0.95);
    expect(await page.$$eval("#charts svg", (svgs) => svgs.length)).toBe(4);
    await page.close();
    expect(errors).toEqual([]);
  });

  it("one step trains one epoch and changes the loss", async () => {
    const { page } = await open();
    expect(await page.textContent("#train-loss")).toBe("-");
    await page.click("#step");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "1"`);
    const first = await number(page, "train-loss");
    await page.click("#step");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "2"`);
    const second = await number(page, "train-loss");
    await keep(page, "one-step");
    await page.close();
    expect(Number.isFinite(first) && Number.isFinite(second)).toBe(true);
    expect(second).not.toBe(first);
  });

  it("inspect a step: the graph, and autograd's and the manual formulas' gradients agreeing to 1e-10; the gradient check passes", async () => {
    const { page, errors } = await open();
    for (let i = 1; i <= 3; i++) {
      await page.click("#step");
      await page.waitForFunction(`document.getElementById("epoch").textContent === "${i}"`);
    }
    // A click on a training point inspects it: where the page must draw it, worked out here from the same run in Node.
    const { layout } = new Session(defaultConfig());
    const [left, right] = [layout.boundary.xs[0]!, layout.boundary.xs.at(-1)!];
    const [bottom, top] = [layout.boundary.ys[0]!, layout.boundary.ys.at(-1)!];
    const half = (right - left) / (layout.boundary.xs.length - 1) / 2;
    const pixel = (x: number, y: number): [number, number] => [((x - left + half) / (right - left + 2 * half)) * 400, ((top + half - y) / (top - bottom + 2 * half)) * 400];
    const all = [...Array.from({ length: 240 }, (_, i) => pixel(layout.train.xy[2 * i]!, layout.train.xy[2 * i + 1]!)), ...Array.from({ length: 60 }, (_, i) => pixel(layout.test!.xy[2 * i]!, layout.test!.xy[2 * i + 1]!))];
    const alone = all.findIndex(([x, y], i) => i < 240 && all.every(([u, v], j) => j === i || Math.hypot(u - x, v - y) > 10));
    const [x, y] = all[alone]!;
    await page.click("#boundary", { position: { x, y } });
    await page.waitForFunction(`document.getElementById("inspect-summary").textContent.startsWith("train sample ${alone} at epoch 3")`);
    expect(await page.inputValue("#inspect-index")).toBe(String(alone));
    await page.selectOption("#inspect-set", "train");
    await page.fill("#inspect-index", "7");
    await page.click("#inspect-run");
    await page.waitForFunction(`document.getElementById("inspect-summary").textContent.startsWith("train sample 7 at epoch 3")`);
    const summary = await page.textContent("#inspect-summary");
    expect(summary).toMatch(/^train sample 7 at epoch 3: /);
    const pairs = await page.$$eval("#steps tr.step", (rows) => rows.map((r) => [
      r.querySelector("th")!.textContent,
      r.querySelector("td.grad-autograd")?.getAttribute("data-values") ?? null,
      r.querySelector("td.grad-manual")?.getAttribute("data-values") ?? null,
    ]));
    expect(pairs.map(([name]) => name)).toEqual(["W1", "b1", "Z1", "A1", "W2", "b2", "Z2", "A2", "loss"]);
    const compared = pairs.filter(([, a, m]) => a !== null && m !== null);
    expect(compared.map(([name]) => name)).toEqual(["W1", "b1", "Z1", "A1", "W2", "b2", "Z2"]);
    for (const [name, a, m] of compared) {
      const autograd = JSON.parse(a!) as number[], manual = JSON.parse(m!) as number[];
      expect(autograd.length, name!).toBe(manual.length);
      expect(autograd.some((v) => v !== 0), `${name} has a gradient`).toBe(true);
      autograd.forEach((v, i) => expect(Math.abs(v - manual[i]!), `${name}[${i}]`).toBeLessThan(1e-10));
    }
    // The graph: one group per node, and a click on one marks its row.
    const nodes = await page.$$eval("#nodes tr", (rows) => rows.length - 1);
    expect(await page.$$eval("#graph g[data-node]", (groups) => groups.length)).toBe(nodes);
    await page.click("#graph g[data-node='4']");
    expect(await page.$$eval("#nodes tr.highlight", (rows) => rows.map((r) => r.querySelector("td")!.textContent))).toEqual(["4"]);
    await page.click("#gradcheck-run");
    await page.waitForSelector("#gradcheck td.pass, #gradcheck td.fail");
    expect(await page.$$eval("#gradcheck td:last-child", (cells) => cells.map((c) => c.textContent))).toEqual(["pass", "pass", "pass", "pass"]);
    await keep(page, "inspect");
    await page.close();
    expect(errors).toEqual([]);
  });

  it("a preset loads its setup: 002's XOR net stays near 0.5 for its 100 epochs; 001's deep sigmoid net", async () => {
    const { page, errors } = await open();
    await page.selectOption("#preset", "002-fails");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "0" && document.getElementById("status").textContent === ""`);
    const form = async () => page.evaluate(`["dataset", "hidden", "activation", "output", "loss", "reduction", "init", "lr", "stop-at", "standardize"]
      .map((id) => { const e = document.getElementById(id); return e.type === "checkbox" ? e.checked : e.value; })`);
    expect(await form()).toEqual(["xorTable", "2", "sigmoid", "sigmoid", "halfSquaredError", "sum", "uniform01", "1", "100", false]);
    expect(await page.textContent("#preset-note")).toMatch(/^The course notes' MLP/);
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("status").textContent.startsWith("Stopped at epoch 100")`);
    expect(await number(page, "train-accuracy")).toBeLessThan(1);
    await keep(page, "preset-002-fails");
    await page.selectOption("#preset", "001-sigmoid");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "0" && document.getElementById("status").textContent === ""`);
    expect(await page.inputValue("#hidden")).toBe("16,16,16,16,16,16,16,16,16,16");
    await page.click("#step");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "1"`);
    await keep(page, "preset-001-sigmoid");
    await page.close();
    expect(errors).toEqual([]);
  });

  it("points clicked in become the data; a setting out of range is named and marked", async () => {
    const { page, errors } = await open();
    await page.selectOption("#dataset", "custom");
    await page.waitForFunction(`document.getElementById("status").textContent.includes("at least two classes")`);
    // Settings the clicked points ignore are greyed out; the preset no longer describes the run.
    expect(await page.isDisabled("#samples")).toBe(true);
    expect([await page.inputValue("#preset"), await page.textContent("#preset-note")]).toEqual(["", ""]);
    const box = (await page.$("#boundary"))!;
    const clicks: [number, number, string][] = [[100, 100, "0"], [130, 90, "0"], [300, 300, "1"], [280, 320, "1"], [90, 140, "0"], [310, 270, "1"]];
    for (const [x, y, label] of clicks) {
      await page.selectOption("#custom-class", label);
      await box.click({ position: { x, y } });
    }
    await page.fill("#test-fraction", "0");
    await page.dispatchEvent("#test-fraction", "change");
    await page.waitForFunction(`document.getElementById("status").textContent === "" && document.getElementById("epoch").textContent === "0"`);
    await page.fill("#stop-at", "300");
    await page.dispatchEvent("#stop-at", "change");
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("status").textContent.startsWith("Stopped at epoch 300")`);
    expect(await number(page, "train-accuracy")).toBe(1);
    await keep(page, "custom-points");
    await page.fill("#hidden", "8,100");
    await page.dispatchEvent("#hidden", "change");
    await page.waitForFunction(`document.getElementById("status").className === "error"`);
    expect(await page.textContent("#status")).toBe("playground: network.hidden: each width must be a whole number from 1 to 64, got 100");
    expect(await page.getAttribute("#hidden", "class")).toBe("invalid");
    await page.close();
    expect(errors).toEqual([]);
  });

  it("draws the same pictures on a high-density screen (device pixel ratio 2) as at ratio 1", async () => {
    const shots: Record<string, string[]> = { boundary: [], network: [] };
    for (const ratio of [1, 2]) {
      const { page, errors } = await open(undefined, ratio);
      await page.click("#step");
      await page.waitForFunction(`document.getElementById("epoch").textContent === "1"`);
      await page.waitForTimeout(100);
      for (const id of ["boundary", "network"]) {
        const png = await page.locator(`#${id}`).screenshot({ scale: "css" });
        shots[id]!.push(png.toString("base64"));
        writeFileSync(join(ARTIFACTS, `ratio-${ratio}-${id}.png`), png);
      }
      await page.close();
      expect(errors).toEqual([]);
    }
    // Mean |difference| per colour channel (0 to 255), the PNGs decoded in a page.
    const probe = await browser.newPage();
    const difference = async ([a, b]: string[]) => (await probe.evaluate(`(async () => {
      const pixels = ${DECODE_PNG};
      const [p, q] = [await pixels(${JSON.stringify(a)}), await pixels(${JSON.stringify(b)})];
      if (p.length !== q.length) return Infinity;
      let sum = 0;
      for (let i = 0; i < p.length; i++) if (i % 4 !== 3) sum += Math.abs(p[i] - q[i]);
      return sum / (p.length * 3 / 4);
    })()`)) as number;
    const boundary = await difference(shots.boundary!), network = await difference(shots.network!);
    await probe.close();
    // Sharper edges and points at ratio 2 differ a little; the same picture drawn at another scale differs by tens.
    expect(boundary, "the decision boundary").toBeLessThan(4);
    expect(network, "the network").toBeLessThan(4);
  });

  it("the README's picture: 000's setup trained to its stop at epoch 2000 (copy test-artifacts/playground/readme.png to docs/playground.png)", async () => {
    // At 0.6 device pixels per CSS pixel: a small PNG, drawn as sharply as the page draws at that density.
    const { page, errors } = await open(undefined, 0.6);
    await page.click("#play");
    await page.waitForFunction(`document.getElementById("status").textContent.startsWith("Stopped at epoch 2000")`, undefined, { timeout: 30_000 });
    await page.waitForTimeout(300);
    const charts = (await page.locator("#chart-loss").boundingBox())!;
    const png = await page.screenshot({ clip: { x: 0, y: 0, width: 1400, height: Math.ceil(charts.y + charts.height + 8) } });
    writeFileSync(join(ARTIFACTS, "readme.png"), png);
    await page.close();
    expect(errors).toEqual([]);
    // The committed copy: a PNG of this layout's size (IHDR's width and height), small enough for a README.
    const committed = readFileSync(join(ROOT, "docs", "playground.png"));
    expect(committed.subarray(1, 4).toString()).toBe("PNG");
    expect([committed.readUInt32BE(16), committed.readUInt32BE(20)]).toEqual([png.readUInt32BE(16), png.readUInt32BE(20)]);
    expect(committed.length).toBeLessThan(150_000);
  });

  it("the committed build works from file://: a step trains in a worker started from the page's own text", async () => {
    const url = pathToFileURL(join(OUT, "index.html")).href;
    const { page, errors, requests } = await open(url);
    await page.click("#step");
    await page.waitForFunction(`document.getElementById("epoch").textContent === "1"`);
    expect(await number(page, "train-loss")).toBeGreaterThan(0);
    await page.close();
    expect(requests.filter((r) => !r.startsWith("file://") && !r.startsWith("blob:"))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
