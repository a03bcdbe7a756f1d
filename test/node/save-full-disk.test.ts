// A full disk cannot be made without root, so this file's node:fs fails the
// next write with ENOSPC when asked, as a full disk does part way through.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { Linear, SaveError } from "../../src/nn/index.js";
import { saveModule } from "../../src/node/index.js";

const disk = vi.hoisted(() => ({ full: false }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    if (disk.full) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    return (fs.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const dir = mkdtempSync(join(tmpdir(), "dagrad-full-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("saveModule on a full disk", () => {
  it("throws a SaveError naming the path and what to do, and leaves the file saved before", () => {
    const path = join(dir, "model.json");
    saveModule(new Linear(3, 2, { seed: 1 }), path);
    const before = readFileSync(path, "utf8");
    disk.full = true;
    const save = () => saveModule(new Linear(3, 2, { seed: 2 }), path);
    try {
      expect(save).toThrow(SaveError);
      expect(save).toThrow(/^saveModule: cannot write .*model\.json: the disk is full \(ENOSPC\); free some space or save elsewhere\. A file already at .*model\.json is unchanged$/);
    } finally {
      disk.full = false;
    }
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(readdirSync(dir)).toEqual(["model.json"]);
  });
});
