// Prints the op table of docs/autograd.md from OP_TABLE, so the documented
// gradient formulas are the ones the code carries. `npm run docs:ops` rewrites
// the table between the markers; a test fails when the two drift apart.
import { readFileSync, writeFileSync } from "node:fs";
import { OP_TABLE } from "../src/index.js";

export const DOCUMENT = "docs/autograd.md";
export const BEGIN = "<!-- op-table:begin -->";
export const END = "<!-- op-table:end -->";

export function opTableMarkdown(): string {
  const rows = Object.entries(OP_TABLE).map(([name, gradient]) => `| \`${name}\` | ${gradient.replace(/\|/g, "\\|")} |`);
  return ["| op | gradient (g: upstream gradient, y: output) |", "| --- | --- |", ...rows].join("\n");
}

if (process.argv[1]?.endsWith("op-table.ts")) {
  const readme = readFileSync(DOCUMENT, "utf8");
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`${DOCUMENT} lacks the ${BEGIN} / ${END} markers`);
  writeFileSync(DOCUMENT, `${readme.slice(0, start + BEGIN.length)}\n${opTableMarkdown()}\n${readme.slice(end)}`);
}
