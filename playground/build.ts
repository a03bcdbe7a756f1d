// Builds the playground into a static folder: index.html, playground.css and
// playground.js, one classic script with the worker's bundle inside it as text
// (started from a Blob URL), so the folder works from any static host and from
// file://, which loads neither ES modules nor worker files. esbuild bundles
// both for browsers; the library's WebAssembly kernels are inlined by it.
// `npm run playground:build` writes docs/playground/ (committed);
// test/playground/build.test.ts checks that it is what these sources build.
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { writeFileAtomic } from "../src/node/files.js";

export const ROOT = resolve(import.meta.dirname, "..");
export const OUT = join(ROOT, "docs", "playground");
const HERE = join(ROOT, "playground");

async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await build({
    entryPoints: [join(HERE, entry)], absWorkingDir: ROOT, bundle: true, platform: "browser", format: "iife", target: "es2022",
    minify: true, legalComments: "none", write: false, logLevel: "silent", define,
  });
  return result.outputFiles[0]!.text;
}

/** The folder's files by name. */
export async function buildPlayground(): Promise<Record<string, string>> {
  const worker = await bundle("worker.ts");
  const page = await bundle(join("page", "main.ts"), { WORKER_SOURCE: JSON.stringify(worker) });
  return {
    "index.html": readFileSync(join(HERE, "index.html"), "utf8"),
    "playground.css": readFileSync(join(HERE, "style.css"), "utf8"),
    "playground.js": page,
  };
}

export async function writePlayground(folder = OUT): Promise<Record<string, string>> {
  const files = await buildPlayground();
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileAtomic(join(folder, name), text);
  return files;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  const files = await writePlayground();
  const sizes = Object.entries(files).map(([name, text]) => `${name} ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB`);
  console.log(`playground built: ${sizes.join(", ")} in docs/playground`);
}
