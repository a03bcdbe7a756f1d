// `npm run docs:examples`: rewrite the printed examples of README.md and
// docs/*.md (CLI transcripts and library examples, see examples.ts)
// and docs/gallery from what the code prints and draws now. Review the diff
// before committing it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GALLERY_DOCUMENT, ROOT, Runner, documents, drawGallery, elideLike, exampleCode, examplesOf, matches, readDocument } from "./examples.js";

for (const document of documents()) {
  let text = readDocument(document);
  // Code blocks first: they are the example files, verbatim.
  let lines = text.split("\n");
  for (const { file, start, length } of exampleCode(text).reverse()) {
    const code = readFileSync(join(ROOT, file), "utf8").replace(/\n+$/, "").split("\n");
    lines.splice(start, length, ...code);
  }
  text = lines.join("\n");

  const runner = new Runner();
  const examples = examplesOf(text);
  const outputs = examples.map((example) => {
    process.stderr.write(`${document}: ${example.source}\n`);
    const actual = runner.run(example);
    // An output that still matches stays as it is, so the diff shows only what changed (not every timing).
    return matches(example.expected, actual) ? example.expected : elideLike(example.expected, actual);
  });
  lines = text.split("\n");
  for (let i = examples.length - 1; i >= 0; i--) lines.splice(examples[i]!.start, examples[i]!.length, ...outputs[i]!);
  writeFileSync(join(ROOT, document), lines.join("\n"));

  if (document === GALLERY_DOCUMENT) {
    drawGallery(runner, join(ROOT, "docs", "gallery"), new Set(examples.filter((e) => e.kind === "cli").map((e) => e.source)));
  }
  runner.dispose();
}
process.stderr.write("README.md, docs/*.md and docs/gallery rewritten\n");
