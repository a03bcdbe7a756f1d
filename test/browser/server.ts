// A small HTTP server on 127.0.0.1 for the pages the browser tests open
// (Chromium will not import ES modules from file://). A cross-origin
// isolated site sends COOP and COEP with every response, which is what
// gives its pages and workers SharedArrayBuffer.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface Site {
  /** http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };

/** Serve `files` (path -> contents, e.g. "/index.html"); 404 for anything else. */
export async function serve(files: Record<string, string>, options: { crossOriginIsolated: boolean }): Promise<Site> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const body = files[path];
    const headers: Record<string, string> = options.crossOriginIsolated
      ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" }
      : {};
    if (body === undefined) {
      response.writeHead(404, headers).end();
      return;
    }
    response.writeHead(200, { ...headers, "Content-Type": TYPES[path.split(".").pop()!] ?? "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
