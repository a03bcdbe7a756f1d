// `npx dagrad` after `npm ci`: the bin points at the compiled entry, whose
// source starts with the node shebang (tsc keeps it), and `npm start` runs train.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string>; scripts: Record<string, string>; files: string[] };

describe("package wiring", () => {
  it("maps the dagrad bin to dist/cli/main.js, built from src/cli/main.ts with a shebang", () => {
    expect(pkg.bin).toEqual({ dagrad: "./dist/cli/main.js" });
    expect(readFileSync(join(root, "src", "cli", "main.ts"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(pkg.files).toContain("dist");
  });

  it("npm start trains with the defaults", () => {
    expect(pkg.scripts.start).toBe("node dist/cli/main.js train");
  });
});
