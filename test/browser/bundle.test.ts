// dagrad bundles for browsers: no node: module is reachable from the public
// entry, and "dagrad/node" has a browser variant with the same names whose
// functions say what to use instead.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PlatformError } from "../../src/autograd/index.js";
import { Linear } from "../../src/nn/index.js";
import * as browserVariant from "../../src/node/browser.js";
import * as nodeEntry from "../../src/node/index.js";
import { bundleForBrowser } from "./bundle.js";

const SRC = join(import.meta.dirname, "..", "..", "src");

describe("bundling for browsers (esbuild, platform=browser)", () => {
  it("bundles the public entry with no node: module reachable", async () => {
    const bundle = await bundleForBrowser(join(SRC, "index.ts"));
    expect(bundle.errors).toEqual([]);
    expect(bundle.nodeImports).toEqual([]);
    // Not even a name to load at run time: Node's worker_threads come with the Node entries only.
    expect(bundle.code).not.toMatch(/["'`]node:[a-z_]/);
    // The WebAssembly kernels are inlined: nothing is fetched at run time.
    expect(bundle.code).toContain("KERNELS_WASM_BASE64");
  });

  it("would catch a node: import: the Node entry does not bundle for browsers", async () => {
    const bundle = await bundleForBrowser(join(SRC, "node", "index.ts"));
    expect(bundle.errors).toContainEqual(expect.stringMatching(/Could not resolve "node:fs"/));
  });

  it("bundles dagrad/node's browser variant, which holds none of the library", async () => {
    const bundle = await bundleForBrowser(join(SRC, "node", "browser.ts"));
    expect(bundle.errors).toEqual([]);
    expect(bundle.code.length).toBeLessThan(5000);
  });
});

describe("dagrad/node outside Node", () => {
  it("exports the same names as the Node entry", () => {
    expect(Object.keys(browserVariant).sort()).toEqual(Object.keys(nodeEntry).sort());
    expect(browserVariant.MNIST_PIXELS).toBe(nodeEntry.MNIST_PIXELS);
  });

  it("every function throws a PlatformError that says what to use instead", () => {
    const model = new Linear(2, 1);
    const calls: [string, () => unknown, string][] = [
      ["saveModule", () => browserVariant.saveModule(model, "model.json"), "saveModule: writes a file, which needs Node (this is dagrad/node outside Node); here, keep the text of stateDictToJson(model.stateDict()) (in localStorage, or as a download) and load it with model.loadStateDict(stateDictFromJson(text))"],
      ["loadModule", () => browserVariant.loadModule(model, "model.json"), "model.loadStateDict(stateDictFromJson(text))"],
      ["loadCsvFile", () => browserVariant.loadCsvFile("data.csv"), "pass the file's text to loadCsv"],
      ["loadIdxFile", () => browserVariant.loadIdxFile("images.gz", "labels.gz"), "pass the files' bytes to loadIdx"],
      ["mnist", () => browserVariant.mnist(), "fetch the MNIST IDX files and pass their bytes to loadIdx"],
      ["mnistDigits", () => browserVariant.mnistDigits(), "fetch the MNIST IDX files"],
    ];
    expect(calls.map(([name]) => name).sort()).toEqual(Object.keys(nodeEntry).filter((k) => k !== "MNIST_PIXELS").sort());
    for (const [name, call, advice] of calls) {
      expect(call, name).toThrow(PlatformError);
      expect(call, name).toThrow(new RegExp(`^${name}: .*needs Node`));
      expect(call, name).toThrow(advice);
    }
  });
});
