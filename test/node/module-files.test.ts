// saveModule and loadModule: a module's state dict in a JSON file, written
// atomically, checked before anything is loaded.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DagradError } from "../../src/autograd/index.js";
import { Linear, MLP, type Module, SaveError, StateDictError, stateDictFromJson, stateDictToJson } from "../../src/nn/index.js";
import { loadModule, saveModule } from "../../src/node/index.js";

const dir = mkdtempSync(join(tmpdir(), "dagrad-module-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function snapshot(m: Module): number[][] {
  return m.parameters().map((p) => Array.from(p.data));
}

describe("saveModule and loadModule", () => {
  it("write the text of stateDictToJson and read it back into a new module, bit for bit", () => {
    const path = join(dir, "mlp.json");
    const a = new MLP({ sizes: [3, 5, 2], seed: 5, batchNorm: true });
    a.linears[0]!.weight.data[0] = -0;
    saveModule(a, path);
    expect(readFileSync(path, "utf8")).toBe(stateDictToJson(a.stateDict()));
    const b = new MLP({ sizes: [3, 5, 2], seed: 6, batchNorm: true });
    expect(loadModule(b, path)).toBe(b);
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(Object.is(b.linears[0]!.weight.data[0], -0)).toBe(true);
  });

  it("refuse a file with NaN or infinite weights unless allowNonFinite, naming the path, the key and where", () => {
    const path = join(dir, "diverged.json");
    const a = new MLP({ sizes: [2, 3, 1], seed: 1 });
    a.linears[1]!.weight.data[2] = NaN;
    saveModule(a, path);
    const b = new MLP({ sizes: [2, 3, 1], seed: 2 });
    const original = snapshot(b);
    expect(() => loadModule(b, path)).toThrow(StateDictError);
    expect(() => loadModule(b, path)).toThrow(new RegExp(`^loadModule: ${path.replace(/[.\\/]/g, "\\$&")}: "layers\\.2\\.weight" holds NaN at \\[0,2\\]; nothing was loaded\\. The saved model had diverged: train it again, or pass \\{ allowNonFinite: true \\} to load it as it is$`));
    expect(snapshot(b)).toEqual(original);
    expect(loadModule(b, path, { allowNonFinite: true }).linears[1]!.weight.data[2]).toBeNaN();
  });

  it("writes atomically: a missing folder is a SaveError naming the path and what to do", () => {
    const path = join(dir, "no-such-folder", "model.json");
    const save = () => saveModule(new Linear(2, 1, { seed: 1 }), path);
    expect(save).toThrow(SaveError);
    expect(save).toThrow(DagradError);
    expect(save).toThrow(new RegExp(`^saveModule: cannot write .*model\\.json: the folder .*no-such-folder does not exist; create it first \\(ENOENT\\)$`));
    try { save(); } catch (e) { expect([(e as SaveError).path, (e as SaveError).code]).toEqual([path, "ENOENT"]); }
  });

  it("a save onto a folder says the path is a folder and asks for a file name (no old file to speak of)", () => {
    const folder = mkdtempSync(join(dir, "taken-"));
    mkdirSync(join(folder, "model.json"));
    const save = () => saveModule(new Linear(2, 1, { seed: 1 }), join(folder, "model.json"));
    expect(save).toThrow(SaveError);
    expect(save).toThrow(new RegExp(`^saveModule: cannot write .*model\\.json: it is a folder, not a file \\(EISDIR\\); give a file name$`));
    expect(readdirSync(folder)).toEqual(["model.json"]);
  });

  it("a SaveError for a read-only file system says to save elsewhere", () => {
    const error = new SaveError("saveModule", "/mnt/ro/model.json", "EROFS", "cannot write /mnt/ro/model.json: the file system is read-only (EROFS)");
    expect(error.message).toBe("saveModule: cannot write /mnt/ro/model.json: the file system is read-only (EROFS); save elsewhere. A file already at /mnt/ro/model.json is unchanged");
  });

  it("a save that hits the file-size limit leaves the model saved before whole, and no temporary file", () => {
    const folder = mkdtempSync(join(dir, "limit-"));
    const path = join(folder, "model.json");
    saveModule(new Linear(2, 1, { seed: 1 }), path);
    const before = readFileSync(path, "utf8");
    const src = resolve("src");
    // A model whose file is ~90 KB; ulimit -f 20 allows 20 KB (Node ignores SIGXFSZ, so the write fails with EFBIG).
    const script = `import { Linear } from ${JSON.stringify(join(src, "nn", "index.ts"))};
      import { saveModule } from ${JSON.stringify(join(src, "node", "index.ts"))};
      try { saveModule(new Linear(100, 40, { seed: 2 }), ${JSON.stringify(path)}); console.log("written"); }
      catch (e) { console.log(e.name + " " + e.code + " " + e.message); }`;
    const out = execFileSync("bash", ["-c", `ulimit -f 20; exec node --import tsx --input-type=module -e '${script.replace(/'/g, "'\\''")}'`], { encoding: "utf8" });
    expect(out).toMatch(/^SaveError EFBIG saveModule: cannot write .*model\.json: the file is larger than this process may write \(file-size limit\) \(EFBIG\); raise the file-size limit \(ulimit -f\) or save elsewhere\. A file already at .*model\.json is unchanged/);
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(readdirSync(folder)).toEqual(["model.json"]);
    expect(loadModule(new Linear(2, 1, { seed: 3 }), path).weight.data[0]).toBe(new Linear(2, 1, { seed: 1 }).weight.data[0]);
  });

  it("throw on a corrupt file, a missing key, a wrong shape or a missing file, naming the path, and load nothing", () => {
    const model = new MLP({ sizes: [2, 3, 1], seed: 7 });
    const original = snapshot(model);
    const saved = JSON.parse(stateDictToJson(new MLP({ sizes: [2, 3, 1], seed: 8 }).stateDict()));
    const cases: [string, string, RegExp][] = [
      ["corrupt.json", '{"format": "dagrad.stateDict", "tens', /^loadModule: .*corrupt\.json is not valid JSON/],
      ["missing.json", JSON.stringify({ ...saved, tensors: { ...saved.tensors, "layers.2.bias": undefined } }), /^loadModule: .*missing\.json: loadStateDict: nothing was loaded into MLP: missing key "layers\.2\.bias"/],
      ["shape.json", JSON.stringify({ ...saved, tensors: { ...saved.tensors, "layers.0.weight": { ...saved.tensors["layers.0.weight"], shape: [2, 3] } } }), /"layers\.0\.weight" has shape \[2,3\], expected \[3,2\]/],
    ];
    for (const [file, text, message] of cases) {
      const path = join(dir, file);
      writeFileSync(path, text);
      expect(() => loadModule(model, path), file).toThrow(StateDictError);
      expect(() => loadModule(model, path), file).toThrow(message);
      expect(snapshot(model), file).toEqual(original);
    }
    expect(() => loadModule(model, join(dir, "absent.json"))).toThrow(/^loadModule: cannot read .*absent\.json: ENOENT/);
    // The file's text is what stateDictFromJson reads too.
    expect(() => stateDictFromJson(readFileSync(join(dir, "corrupt.json"), "utf8"))).toThrow(/not valid JSON/);
  });
});
