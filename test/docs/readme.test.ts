// The README's printed examples and docs/gallery must be what today's code
// prints and draws (`npm run docs:readme` rewrites them).
import { readFileSync, readdirSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GALLERY, ROOT, Runner, drawGallery, exampleCode, examplesOf, matches, readReadme } from "../../scripts/readme-examples.js";

const readme = readReadme();
const examples = examplesOf(readme);
const runner = new Runner();
const run = new Set<string>();

describe("README.md", () => {
  it("shows no path of the machine its outputs were made on", () => {
    const paths = readme.split("\n").filter((l) => /(^|[\s(:'"])(\/tmp\/|\/work\/|\/home\/|\/root\/|\/Users\/|[A-Z]:\\)/.test(l));
    expect(paths).toEqual([]);
  });

  it("has printed examples to check", () => {
    expect(examples.filter((e) => e.kind === "cli").length).toBeGreaterThan(10);
  });

  for (const { file, code } of exampleCode(readme)) {
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
});

describe("docs/gallery", () => {
  it("holds exactly the pictures today's commands draw", () => {
    const folder = mkdtempSync(join(tmpdir(), "dagrad-gallery-"));
    drawGallery(runner, folder, run);
    const names = GALLERY.flatMap((g) => Object.keys(g.files)).sort();
    expect(readdirSync(join(ROOT, "docs", "gallery")).sort()).toEqual(names);
    const stale = names.filter((name) => readFileSync(join(folder, name), "utf8") !== readFileSync(join(ROOT, "docs", "gallery", name), "utf8"));
    expect(stale).toEqual([]);
  });
});
