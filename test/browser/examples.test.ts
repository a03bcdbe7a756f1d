// The browser examples of README.md and docs/browser.md: each page shown is
// the file in examples/browser, and what it prints in headless Chromium is
// what the docs show under it (<!-- browser output: FILE -->). dagrad.js is
// the bundle of the public entry, as the README's esbuild command makes it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, chromiumMissing, launch } from "../report/chromium.js";
import { bundleForBrowser } from "./bundle.js";
import { type Site, serve } from "./server.js";

if (!chromiumAvailable) console.warn(chromiumMissing);

const ROOT = join(import.meta.dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples", "browser");
const FILES = ["index.html", "worker.html", "train-worker.js"];
const DOCS = ["README.md", "docs/browser.md"];

interface Shown {
  doc: string;
  kind: "example" | "browser output";
  file: string;
  lines: string[];
}

/** The blocks of `doc` after a `<!-- example: FILE -->` or `<!-- browser output: FILE -->` line. */
function shown(doc: string): Shown[] {
  const lines = readFileSync(join(ROOT, doc), "utf8").split("\n");
  const out: Shown[] = [];
  lines.forEach((line, i) => {
    const marker = /^<!-- (example|browser output): (examples\/browser\/\S+) -->$/.exec(line);
    if (marker === null || !lines[i + 1]?.startsWith("```")) return;
    const end = lines.indexOf("```", i + 2);
    out.push({ doc, kind: marker[1] as Shown["kind"], file: marker[2]!, lines: lines.slice(i + 2, end) });
  });
  return out;
}

const blocks = DOCS.flatMap(shown);

describe("the browser examples in the docs", () => {
  it("show every example file, and the output of each page", () => {
    expect(blocks.filter((b) => b.kind === "example").map((b) => b.file).sort()).toEqual(FILES.map((f) => `examples/browser/${f}`).sort());
    expect(blocks.filter((b) => b.kind === "browser output").map((b) => b.file).sort()).toEqual(["examples/browser/index.html", "examples/browser/worker.html"]);
  });

  for (const block of blocks.filter((b) => b.kind === "example")) {
    it(`${block.doc} shows ${block.file} as it is`, () => {
      expect(block.lines.join("\n")).toBe(readFileSync(join(ROOT, block.file), "utf8").replace(/\n+$/, ""));
    });
  }
});

describe.skipIf(!chromiumAvailable)("the browser examples in headless Chromium", () => {
  let browser: Browser;
  let site: Site;

  beforeAll(async () => {
    const dagrad = await bundleForBrowser(join(ROOT, "src", "index.ts"));
    expect(dagrad.errors).toEqual([]);
    const files: Record<string, string> = { "/dagrad.js": dagrad.code };
    for (const file of FILES) files[`/${file}`] = readFileSync(join(EXAMPLES, file), "utf8");
    // Cross-origin isolated, as docs/browser.md says to serve the worker page, so large products use two threads.
    [browser, site] = await Promise.all([launch(), serve(files, { crossOriginIsolated: true })]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const block of blocks.filter((b) => b.kind === "browser output")) {
    it(`${block.file} prints what ${block.doc} shows`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${site.origin}/${block.file.replace("examples/browser/", "")}`);
      // Until the page logs "done", or fails.
      await Promise.race([
        page.waitForFunction('/\\bdone\\n?$/.test(document.getElementById("log").textContent)', undefined, { timeout: 60_000 }),
        new Promise((_, reject) => page.on("pageerror", reject)),
      ]);
      const printed = (await page.textContent("#log"))!.replace(/\n$/, "").split("\n");
      await page.close();
      expect(errors).toEqual([]);
      expect(printed).toEqual(block.lines);
    });
  }
});
