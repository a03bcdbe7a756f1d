// docs/autograd.md's op table is generated from OP_TABLE; this fails when they drift.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { BEGIN, DOCUMENT, END, opTableMarkdown } from "../../scripts/op-table.js";

it("docs/autograd.md lists every op with the gradient formula the code carries (run `npm run docs:ops` to refresh)", () => {
  const readme = readFileSync(new URL(`../../${DOCUMENT}`, import.meta.url), "utf8");
  const table = readme.slice(readme.indexOf(BEGIN) + BEGIN.length, readme.indexOf(END)).trim();
  expect(table).toBe(opTableMarkdown());
});
