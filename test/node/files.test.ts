import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileWriteError, writeFileAtomic } from "../../src/node/files.js";

const made: string[] = [];
const folder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "dagrad-files-"));
  made.push(dir);
  return dir;
};
afterAll(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

describe("writeFileAtomic", () => {
  it("replaces the file's content and leaves no temporary file behind", () => {
    const dir = folder();
    const path = join(dir, "model.json");
    writeFileSync(path, "old");
    writeFileAtomic(path, "new content");
    expect(readFileSync(path, "utf8")).toBe("new content");
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(["model.json"]);
  });

  it("names a missing folder and what to do", () => {
    const path = join(folder(), "missing", "model.json");
    expect(() => writeFileAtomic(path, "x")).toThrow(FileWriteError);
    expect(() => writeFileAtomic(path, "x")).toThrow(/folder .*missing does not exist; create it first/);
  });

  it("says in plain words when the path is a folder, or part of it is a file", () => {
    const dir = folder();
    mkdirSync(join(dir, "model.json"));
    writeFileSync(join(dir, "file"), "");
    expect(() => writeFileAtomic(join(dir, "model.json"), "x")).toThrow(`cannot write ${join(dir, "model.json")}: it is a folder, not a file (EISDIR)`);
    expect(() => writeFileAtomic(join(dir, "file", "model.json"), "x")).toThrow(`cannot write ${join(dir, "file", "model.json")}: part of the path is a file, not a folder (ENOTDIR)`);
    expect(readdirSync(dir).sort()).toEqual(["file", "model.json"]);
  });

  it("keeps the old file whole when the write hits the file-size limit", () => {
    const dir = folder();
    const path = join(dir, "model.json");
    writeFileSync(path, "the good model");
    const module = resolve("src/node/files.ts");
    const script = `import { writeFileAtomic } from ${JSON.stringify(module)};
      try { writeFileAtomic(${JSON.stringify(path)}, "x".repeat(200000)); console.log("written"); }
      catch (e) { console.log(e.message); }`;
    // ulimit -f counts 1024-byte blocks: 20 KB may be written, the 200 KB file may not.
    const out = execFileSync("bash", ["-c", `ulimit -f 20; exec node --import tsx --input-type=module -e '${script.replace(/'/g, "'\\''")}'`], { encoding: "utf8" });
    expect(out).toMatch(/cannot write .*model\.json: the file is larger than this process may write/);
    expect(readFileSync(path, "utf8")).toBe("the good model");
    expect(readdirSync(dir)).toEqual(["model.json"]);
  });
});
