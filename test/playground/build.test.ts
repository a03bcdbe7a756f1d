// The committed static build (docs/playground) is what the sources build, it
// refers to nothing outside its folder, and `npm run playground` serves it at
// the address it prints.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OUT, ROOT, buildPlayground } from "../../playground/build.js";

describe("the playground's static build", () => {
  it("docs/playground holds exactly what the sources build (npm run playground:build rewrites it)", async () => {
    const built = await buildPlayground();
    expect(readdirSync(OUT).sort()).toEqual(Object.keys(built).sort());
    const stale = Object.entries(built).filter(([name, text]) => readFileSync(join(OUT, name), "utf8") !== text).map(([name]) => name);
    expect(stale, "run npm run playground:build and commit docs/playground").toEqual([]);
  });

  it("the page loads only its own two files: no module script, no address of another origin", () => {
    const html = readFileSync(join(OUT, "index.html"), "utf8");
    const references = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(references).toEqual(["data:,", "playground.css", "playground.js"]);
    expect(html).not.toContain('type="module"');
    expect(readFileSync(join(OUT, "playground.js"), "utf8")).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});

describe("npm run playground", () => {
  let server: ChildProcess | null = null;
  afterAll(() => { server?.kill(); });

  it("serves the page on 127.0.0.1 at the address it prints, cross-origin isolated", async () => {
    server = spawn(process.execPath, ["--import", "tsx", join(ROOT, "playground", "serve.ts"), "--port", "0", "--no-build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      server!.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      server!.on("exit", (code) => reject(new Error(`the server exited with ${code}`)));
    });
    const match = /^dagrad playground: (http:\/\/127\.0\.0\.1:\d+\/) {2}\(Ctrl-C stops the server; the same page is in docs\/playground\/ for any static host\)$/.exec(line);
    expect(match, line).not.toBeNull();
    const page = await fetch(match![1]!);
    expect(page.status).toBe(200);
    expect(page.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(await page.text()).toBe(readFileSync(join(OUT, "index.html"), "utf8"));
    const script = await fetch(`${match![1]}playground.js`);
    expect([script.status, script.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect((await fetch(`${match![1]}../package.json`)).status).toBe(404);
  });
});
