// The printed examples of README.md and docs/*.md, and the pictures of
// docs/gallery, must be what today's code prints and draws
// (`npm run docs:examples` rewrites them).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GALLERY, GALLERY_DOCUMENT, ROOT, Runner, documents, drawGallery, exampleCode, examplesOf, matches, readDocument } from "../../scripts/examples.js";

const MACHINE_PATH = /(^|[\s(:'"=])(\/tmp\/|\/work\/|\/home\/|\/root\/|\/Users\/|[A-Z]:\\)/;

describe.each(documents())("%s", (document) => {
  const text = readDocument(document);
  const examples = examplesOf(text);
  const runner = new Runner();
  const run = new Set<string>();
  afterAll(() => runner.dispose());

  it("shows no path of the machine its outputs were made on", () => {
    expect(text.split("\n").filter((l) => MACHINE_PATH.test(l))).toEqual([]);
  });

  for (const { file, code } of exampleCode(text)) {
    it(`shows ${file} as it is`, () => {
      expect(code.join("\n")).toBe(readFileSync(join(ROOT, file), "utf8").replace(/\n+$/, ""));
    });
  }

  for (const example of examples) {
    it(`prints what \`${example.source}\` prints`, () => {
      const actual = runner.run(example);
      if (example.kind === "cli") run.add(example.source);
      // toEqual on the lines shows the difference when they do not match.
      if (!matches(example.expected, actual)) expect(actual).toEqual(example.expected);
    });
  }

  if (document === GALLERY_DOCUMENT) {
    it("has docs/gallery hold exactly the pictures today's commands draw", () => {
      const folder = mkdtempSync(join(tmpdir(), "dagrad-gallery-"));
      try {
        drawGallery(runner, folder, run);
        const names = GALLERY.flatMap((g) => Object.keys(g.files)).sort();
        expect(readdirSync(join(ROOT, "docs", "gallery")).sort()).toEqual(names);
        const stale = names.filter((name) => readFileSync(join(folder, name), "utf8") !== readFileSync(join(ROOT, "docs", "gallery", name), "utf8"));
        expect(stale).toEqual([]);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});

it("checks printed examples in the documents", () => {
  const counts = documents().map((d) => examplesOf(readDocument(d)).length);
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
});
