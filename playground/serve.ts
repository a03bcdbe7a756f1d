// npm run playground: build the page into docs/playground and serve that folder
// on 127.0.0.1 (the address is printed). Cross-origin isolated (COOP and COEP
// headers), so the worker may use a second thread for large products.
// Options: --port N (default 8765; 0 picks a free one), --no-build (serve what is there).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { OUT, writePlayground } from "./build.js";

const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };

const { values } = parseArgs({ options: { port: { type: "string", default: "8765" }, "no-build": { type: "boolean", default: false } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`npm run playground: --port must be a whole number from 0 to 65535, got ${values.port}`);
  process.exit(2);
}
if (!values["no-build"]) await writePlayground();
// The folder's files, read once: the server answers for these names and nothing else.
const files = new Map(readdirSync(OUT).map((name) => [`/${name}`, readFileSync(join(OUT, name))]));

const server = createServer((request, response) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  const body = files.get(path === "/" ? "/index.html" : path);
  const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, headers).end();
  } else if (body === undefined) {
    response.writeHead(404, headers).end();
  } else {
    const type = TYPES[path === "/" ? "html" : path.split(".").pop()!] ?? "application/octet-stream";
    response.writeHead(200, { ...headers, "Content-Type": type }).end(request.method === "HEAD" ? undefined : body);
  }
});
server.on("error", (error: NodeJS.ErrnoException) => {
  console.error(error.code === "EADDRINUSE" ? `npm run playground: port ${port} is in use; pass another: npm run playground -- --port 8766` : `npm run playground: ${error.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`dagrad playground: http://127.0.0.1:${bound}/  (Ctrl-C stops the server; the same page is in docs/playground/ for any static host)`);
});
