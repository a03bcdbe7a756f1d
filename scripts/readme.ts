// `npm run docs:readme`: rewrite the README's printed examples (CLI transcripts
// and library examples, see readme-examples.ts) and docs/gallery from what the
// code prints and draws now. Review the diff before committing it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, Runner, drawGallery, elideLike, exampleCode, examplesOf, readReadme } from "./readme-examples.js";

let readme = readReadme();

// Code blocks first: they are the example files, verbatim.
let lines = readme.split("\n");
for (const { file, start, length } of exampleCode(readme).reverse()) {
  const code = readFileSync(join(ROOT, file), "utf8").replace(/\n+$/, "").split("\n");
  lines.splice(start, length, ...code);
}
readme = lines.join("\n");

const runner = new Runner();
const examples = examplesOf(readme);
const outputs = examples.map((example) => {
  process.stderr.write(`running ${example.source}\n`);
  return elideLike(example.expected, runner.run(example));
});
lines = readme.split("\n");
for (let i = examples.length - 1; i >= 0; i--) lines.splice(examples[i]!.start, examples[i]!.length, ...outputs[i]!);
writeFileSync(join(ROOT, "README.md"), lines.join("\n"));

drawGallery(runner, join(ROOT, "docs", "gallery"), new Set(examples.filter((e) => e.kind === "cli").map((e) => e.source)));
process.stderr.write(`README.md and docs/gallery rewritten (scratch folder ${runner.cwd})\n`);
