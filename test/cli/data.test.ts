// What the command does with the data and the numbers it is given: a CSV's
// classes judged once over the whole file and split stratified, files and
// values that cannot mean anything refused with what to do, options a dataset
// would ignore refused rather than ignored.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Values, UsageError, numberOption, parseCommand } from "../../src/cli/args.js";
import { checkModelSize, dataSpec, networkChoice } from "../../src/cli/options.js";
import { ConfigFieldError, parseRunConfig } from "../../src/cli/run-config.js";
import { type DataSpec, prepareData, runHead } from "../../src/cli/setup.js";
import { runCli, tempDir } from "./run-cli.js";

const dir = tempDir();
let files = 0;
function csvFile(text: string): string {
  const path = join(dir, `data-${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

function spec(data: string, extra: Partial<DataSpec> = {}): DataSpec {
  return { data, samples: 300, noise: 0.2, testSize: 0.2, seed: 42, standardize: true, scaleOn: "train", csvHeader: false, task: "classification", ...extra };
}

/** A config.json that parseRunConfig accepts, for one field at a time to be spoilt. */
function validConfig(): Record<string, Record<string, unknown>> {
  return {
    data: { data: "moons", samples: 300, noise: 0.2, testSize: 0.2, seed: 42, standardize: true, csvHeader: false },
    model: { sizes: [2, 8, 1], activation: "tanh", output: "sigmoid", init: "xavier", seed: 42 },
    training: { optimizer: "sgd", lr: 0.5, momentum: 0, epochs: 10, batchSize: 0, loss: "bce" },
    task: "binary" as never,
    classes: 2 as never,
    scaling: null as never,
  };
}

/** 60 rows: classes 0 and 1 alternating, with a single row of class 2 among them. */
function unevenCsv(): string {
  const rows = Array.from({ length: 59 }, (_, i) => `${(i % 2) * 2 + Math.sin(i)},${-(i % 2) + Math.cos(i)},${i % 2}`);
  rows.splice(17, 0, "5,5,2");
  return csvFile(rows.join("\n") + "\n");
}

describe("a CSV's classes come from the whole file, and the split is stratified", () => {
  it("one row of class 2 in 60: three classes in both parts' typing, the row trained on and not tested", () => {
    const data = prepareData(spec(`csv:${unevenCsv()}`));
    expect([data.classes, data.task]).toEqual([3, "multiclass"]);
    expect([data.labelsTrain.shape, data.labelsTest.shape]).toEqual([[48], [12]]);
    expect(Array.from(data.labelsTrain.data).filter((c) => c === 2)).toHaveLength(1);
    expect(data.untested).toEqual([2]);
    // Stratified: 59 rows of classes 0/1 give the test part 6 of each.
    expect(Array.from(data.labelsTest.data).sort()).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });

  it("train on it: three outputs, and a note that class 2 is not in the test part", async () => {
    const result = await runCli(["train", "--data", `csv:${unevenCsv()}`, "--epochs", "50", "--log-every", "100", "--out", join(dir, "uneven")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Training MLP [2, 8, 3] (tanh hidden, identity output, crossEntropy loss)");
    expect(result.stdout).toContain("Note: class 2 has too few rows to hold one out: it is trained on but not in the test part, so the test accuracy does not cover it.");
  });

  it.each([
    ["1,2,0\n3,4,0\n5,6,0\n", "every row is class 0; a classifier needs at least two classes"],
    ["1,2,1\n3,4,1\n", "every row is class 1; a classifier needs at least two classes"],
    ["1,2,0\n", "has 1 data row; training and testing need at least 2"],
    ["1,2,1\n3,4,2\n5,6,3\n7,8,1\n", "labels run to 3 but class 0 has no rows; number the classes 0..k-1 with no gaps"],
    ["1,2,0\n3,4,9\n5,6,1\n", "labels run to 9 but class 2, 3, 4, 5, 6 and 2 more has no rows; number the classes 0..k-1 with no gaps"],
    // Listing every missing class ran out of memory (a billion of them).
    ["1,2,0\n3,4,1000000000\n", "labels run to 1000000000 but class 1, 2, 3, 4, 5 and 999999994 more has no rows; number the classes 0..k-1 with no gaps"],
    ["1,2,0.5\n3,4,1\n5,6,0\n", "the label of data row 1 is 0.5, not a class index; labels of classes must be 0, 1, 2, ... (one per class), and for real-valued targets add --task regression"],
    ["1,2,-1\n3,4,1\n5,6,0\n", "the label of data row 1 is -1, not a class index"],
  ])("refuses %j", (text, message) => {
    const path = csvFile(text);
    expect(() => prepareData(spec(`csv:${path}`))).toThrow(UsageError);
    expect(() => prepareData(spec(`csv:${path}`))).toThrow(`${path}${message.startsWith("has") ? " " : ": "}${message}`);
  });

  it("a number too large on line 1 is not taken for a header", () => {
    const path = csvFile("1e39,2,0\n3,4,1\n5,6,0\n");
    expect(() => prepareData(spec(`csv:${path}`))).toThrow(`loadCsv: ${path}: line 1, column 1: 1e39 is too large for float32`);
    expect(() => prepareData(spec(`csv:${path}`))).not.toThrow(/--csv-header/);
  });

  it("a header line read as data suggests --csv-header", () => {
    const path = csvFile("x,y,label\n1,2,0\n3,4,1\n5,6,0\n");
    expect(() => prepareData(spec(`csv:${path}`))).toThrow(`loadCsv: ${path}: line 1, column 1: "x" is not a number; if line 1 holds column names, add --csv-header`);
    expect(prepareData(spec(`csv:${path}`, { csvHeader: true })).classes).toBe(2);
  });

  it("refused files exit with 2 and one line, before anything is written", async () => {
    const result = await runCli(["train", "--data", `csv:${csvFile("1,2,0\n")}`, "--out", join(dir, "never")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^dagrad: .*data-\d+\.csv has 1 data row; training and testing need at least 2\n$/);
  });
});

describe("a run folder is read with the data and head it was trained with", () => {
  it("evaluate refuses a CSV that changed since training instead of scoring the new rows", async () => {
    const path = csvFile(Array.from({ length: 20 }, (_, i) => `${i % 2 + Math.sin(i)},${Math.cos(i)},${i % 2}`).join("\n") + "\n");
    const out = join(dir, "csv-run");
    expect((await runCli(["train", "--data", `csv:${path}`, "--epochs", "20", "--out", out])).code).toBe(0);
    expect((await runCli(["evaluate", "--run", out])).code).toBe(0);
    writeFileSync(path, readFileSync(path, "utf8").replace(/^[^,]+/, "7.5"));
    const result = await runCli(["evaluate", "--run", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`dagrad: ${out}: csv:${path} no longer gives the data this run was trained on (its features, classes or the training part's mean and std differ): the file changed since; train again\n`);
  });

  it("a saved model whose width does not fit its head, or a pair the rule refuses, is named", () => {
    const run = (output: string, loss: string, outputs: number) => ({ model: { sizes: [2, 8, outputs], activation: "tanh" as const, output: output as "identity", init: "xavier" as const, seed: 1 }, training: { loss }, classes: 2 });
    expect(runHead("runs/a", run("identity", "crossEntropy", 2)).outputs).toBe(2);
    expect(() => runHead("runs/a", run("identity", "crossEntropy", 1))).toThrow("runs/a: its model has 1 outputs, but identity with crossEntropy on 2 classes needs 2; train it again");
    expect(() => runHead("runs/a", run("softmax", "bce", 1))).toThrow(/^runs\/a was trained with softmax output and bce loss on 2 classes, which dagrad no longer reads \(bce takes one probability/);
  });
});

describe("built-in datasets keep their classes however few samples are drawn", () => {
  it("spirals with 4 samples is still a three-class task", () => {
    expect(prepareData(spec("spirals", { samples: 4 })).classes).toBe(3);
  });

  it("mnist keeps at least one training digit whatever --test-size asks", () => {
    const data = prepareData(spec("mnist", { samples: 2, testSize: 0.9, standardize: false }));
    expect([data.xTrain.shape[0], data.xTest.shape[0]]).toEqual([1, 1]);
  });
});

describe("options a dataset would ignore are refused", () => {
  it.each([
    [{ data: "xor", samples: "10" }, "--samples does not apply to xor (its 4 rows are the training and the test data); leave it out"],
    [{ data: "and", "test-size": "0.5" }, "--test-size does not apply to and (its 4 rows are the training and the test data); leave it out"],
    [{ data: "blobs", noise: "1" }, "--noise does not apply to blobs; leave it out"],
    [{ data: "mnist", noise: "0.1" }, "--noise does not apply to mnist; leave it out"],
    [{ data: "csv:x.csv", samples: "10" }, "--samples does not apply to csv data; leave it out"],
    [{ data: "moons", "csv-header": true }, "--csv-header does not apply to moons; leave it out"],
  ] as [Values, string][])("%o", (values, message) => {
    expect(() => dataSpec(values)).toThrow(message);
  });

  it("the options a dataset reads are taken", () => {
    expect(dataSpec({ data: "moons", samples: "50", noise: "0.1", "test-size": "0.3" })).toMatchObject({ samples: 50, noise: 0.1, testSize: 0.3 });
    expect(dataSpec({ data: "csv:x.csv", "test-size": "0.3", "csv-header": true })).toMatchObject({ testSize: 0.3, csvHeader: true });
  });
});

describe("numbers that are not finite, not whole or out of range are refused with the range", () => {
  it.each(["NaN", "Infinity", "-Infinity", "1e400", "", "0", "-1"])("--lr %j", (raw) => {
    expect(() => numberOption({ lr: raw }, "lr", { min: 0, minOpen: true })).toThrow(`--lr must be a finite number > 0, got "${raw}"`);
  });

  // A run's config.json holds what the flags set; editing it by hand must meet the same range, told in the same words.
  it.each([
    ["test-size", () => dataSpec({ "test-size": "0" }), "data", "testSize", 0, "a finite number in (0, 0.9]"],
    ["data-seed", () => dataSpec({ "data-seed": "1.5" }), "data", "seed", 1.5, "an integer >= 0"],
    ["dropout", () => networkChoice({ dropout: "1" }), "model", "dropout", 1, "a finite number in [0, 1)"],
    ["residual-scale", () => networkChoice({ "residual-scale": "0" }), "model", "residual", 0, "a finite number > 0"],
  ] as [string, () => unknown, string, string, number, string][])("--%s and its config.json field refuse the same value in the same words", (flag, parse, section, field, value, expected) => {
    expect(parse).toThrow(`--${flag} must be ${expected}, got "${value}"`);
    const config = validConfig();
    config[section]![field] = value;
    expect(() => parseRunConfig(config)).toThrow(new ConfigFieldError(`${section}.${field}`, expected, value).message);
  });

  it("a negative or non-finite value after an option reaches the range check, not parseArgs", () => {
    const spec = { name: "train", summary: "", usage: "", options: [{ name: "lr", type: "string" as const, help: "" }] };
    for (const raw of ["-Infinity", "-NaN", "-5", "-.5"]) expect(parseCommand(spec, ["--lr", raw]).values.lr).toBe(raw);
  });

  it.each([
    [["train", "--momentum", "1"], '--momentum must be a finite number in [0, 1), got "1"'],
    [["train", "--samples", "1e20"], '--samples must be an integer >= 2 and at most 9007199254740991, got "1e20"'],
    [["train", "--samples", "2000000"], "--samples must be at most 1000000, got 2000000"],
    [["train", "--seed", "1e300"], '--seed must be an integer >= 0 and at most 9007199254740991, got "1e300"'],
    [["train", "--noise", "1e308"], '--noise must be a finite number in [0, 10], got "1e308"'],
    [["train", "--lr", "-Infinity"], '--lr must be a finite number > 0, got "-Infinity"'],
    [["train", "--layers", "1000000000"], "MLP [2, 1000000000, 1] has 4,000,000,001 parameters; dagrad builds at most 50,000,000 (200 MB of float32): use smaller --layers"],
    [["experiment", "lr", "--rates", "0.1,Infinity"], '--rates must be a comma-separated list of numbers > 0, got "0.1,Infinity"'],
  ])("dagrad %j", async (args, message) => {
    const result = await runCli([...args, "--out", join(dir, "never")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`dagrad: ${message}\n`);
  });

  it("more than 1000 hidden layers are refused before the MLP is built (100000 overflowed the stack in its constructor)", () => {
    const layers = (n: number) => new Array<string>(n).fill("2").join(",");
    expect(networkChoice({ layers: layers(1000) }).hidden).toHaveLength(1000);
    expect(() => networkChoice({ layers: layers(1001) })).toThrow(UsageError);
    expect(() => networkChoice({ layers: layers(1001) })).toThrow("--layers lists 1001 hidden layers; dagrad builds at most 1000");
  });

  it("a network too large to build is refused before it is allocated", () => {
    expect(() => checkModelSize([784, 10000, 10000, 10])).toThrow("MLP [784, 10000, 10000, 10] has 107,960,010 parameters");
    expect(() => checkModelSize([784, 64, 10])).not.toThrow();
  });
});

describe("predict refuses points it cannot read exactly", () => {
  it("a --csv that is a folder or missing: the file and Node's reason, not its bare code", async () => {
    const out = join(dir, "moons-run");
    expect((await runCli(["train", "--epochs", "5", "--out", out])).code).toBe(0);
    const folder = await runCli(["predict", "--run", out, "--csv", dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(`dagrad: cannot read ${dir}: EISDIR: illegal operation on a directory, read\n`);
    const missing = await runCli(["predict", "--run", out, "--csv", join(dir, "none.csv")]);
    expect(missing.stderr).toBe(`dagrad: cannot read ${join(dir, "none.csv")}: ENOENT: no such file or directory, open '${join(dir, "none.csv")}'\n`);
  });

  it("an empty cell, and a value beyond float32", async () => {
    const out = join(dir, "xor-run");
    expect((await runCli(["train", "--data", "xor", "--layers", "4", "--epochs", "10", "--out", out])).code).toBe(0);
    const empty = await runCli(["predict", "--run", out, "--input", "1,"]);
    expect(empty.stderr).toBe('dagrad: --input: point 1 "1," must be 2 comma-separated numbers\n');
    const huge = await runCli(["predict", "--run", out, "--input", "0,0;1e39,0"]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toBe("dagrad: --input: point 2 [1e+39, 0] is too large for the model's float32 inputs once scaled (at most about 3.4e38)\n");
  });
});
