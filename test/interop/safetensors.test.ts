// saveSafetensors / loadSafetensors: PyTorch's state_dict names and layout,
// the committed file PyTorch's weights were written to (fixtures/), and every
// way a file can be broken refused whole, the model untouched.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BatchNorm1d, Dropout, LeakyReLU, Linear, LogSoftmax, MLP, Sequential, SafetensorsError, StateDictError, Tanh, VERSION, loadSafetensors, loadTorchStateDict, saveSafetensors, torchStateDict, createRng, randn,
} from "../../src/index.js";
import { fixture, fixtureInput } from "./fixtures.js";
import { relativeError } from "./ort.js";

/** A safetensors file from a header object and data bytes, as another writer might make it. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerText = JSON.stringify(header)): Uint8Array {
  const text = new TextEncoder().encode(headerText);
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return bytes;
}

function headerOf(bytes: Uint8Array): Record<string, unknown> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
}

describe("saveSafetensors", () => {
  it("names an MLP's tensors as the nn.Sequential of its layers, BatchNorm1d's buffers running_mean and running_var, weights [out, in]", () => {
    const mlp = new MLP({ sizes: [3, 5, 2], batchNorm: true, seed: 1 });
    const header = headerOf(saveSafetensors(mlp));
    expect(header).toEqual({
      "0.weight": { dtype: "F32", shape: [5, 3], data_offsets: [0, 60] },
      "0.bias": { dtype: "F32", shape: [5], data_offsets: [60, 80] },
      "1.weight": { dtype: "F32", shape: [5], data_offsets: [80, 100] },
      "1.bias": { dtype: "F32", shape: [5], data_offsets: [100, 120] },
      "3.weight": { dtype: "F32", shape: [2, 5], data_offsets: [120, 160] },
      "3.bias": { dtype: "F32", shape: [2], data_offsets: [160, 168] },
      "1.running_mean": { dtype: "F32", shape: [5], data_offsets: [168, 188] },
      "1.running_var": { dtype: "F32", shape: [5], data_offsets: [188, 208] },
    });
  });

  it("writes the data 8-byte aligned, little-endian, bit for bit (float64 too), with the metadata given", () => {
    const layer = new Linear(2, 2, { dtype: "float64", seed: 3 });
    layer.weight.data.set([-0, 1e-310, Math.PI, -2.5]);
    const bytes = saveSafetensors(layer, { metadata: { producer: `dagrad ${VERSION}` } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    expect(headerOf(bytes).__metadata__).toEqual({ producer: `dagrad ${VERSION}` });
    expect(new DataView(bytes.buffer).getFloat64(8 + n + 16, true)).toBe(Math.PI);
    const back = loadSafetensors(bytes);
    expect(Array.from(back.tensors.weight!.data)).toEqual([-0, 1e-310, Math.PI, -2.5]);
    expect(back.tensors.weight!.dtype).toBe("float64");
    expect(back.metadata).toEqual({ producer: `dagrad ${VERSION}` });
  });

  it("round-trips a model through PyTorch's names: loadTorchStateDict puts every value back", () => {
    const trained = new MLP({ sizes: [4, 6, 6, 3], batchNorm: true, residual: true, seed: 5 });
    trained.forward(randn([8, 4], { rng: createRng(1) }));
    const fresh = new MLP({ sizes: [4, 6, 6, 3], batchNorm: true, residual: true, seed: 6 });
    loadTorchStateDict(fresh, loadSafetensors(saveSafetensors(trained)).tensors);
    expect(fresh.stateDict()).toEqual(trained.stateDict());
  });
});

describe("the safetensors files PyTorch's weights were written to (fixtures/make_fixtures.py)", () => {
  it("moons: loads into dagrad's MLP [2, 8, 1] (tanh / sigmoid) and gives PyTorch's outputs", () => {
    const mlp = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid" });
    loadTorchStateDict(mlp, loadSafetensors(fixture("moons.safetensors")).tensors);
    const { x, expected } = fixtureInput("moons");
    expect(relativeError(mlp.forward(x), expected)).toBeLessThan(1e-5);
  });

  it("classifier: BatchNorm1d's statistics load, its int64 num_batches_tracked is left out, and the outputs are PyTorch's", () => {
    const file = loadSafetensors(fixture("classifier.safetensors"));
    expect(Object.keys(file.tensors)).not.toContain("1.num_batches_tracked");
    // The same modules as PyTorch's nn.Sequential, Dropout included, so the indices match.
    const net = new Sequential(new Linear(4, 16), new BatchNorm1d(16), new LeakyReLU(0.1), new Dropout(0.2), new Linear(16, 8), new Tanh(), new Linear(8, 3), new LogSoftmax(1));
    loadTorchStateDict(net, file.tensors);
    const { x, expected } = fixtureInput("classifier");
    expect(relativeError(net.eval().forward(x), expected)).toBeLessThan(1e-5);
  });
});

describe("what loadSafetensors refuses, whole, with a SafetensorsError naming the key", () => {
  const good = saveSafetensors(new Linear(3, 2, { seed: 1 }));
  const refused = (bytes: Uint8Array, message: RegExp): void => {
    expect(() => loadSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => loadSafetensors(bytes)).toThrow(message);
  };

  it("a file shorter than its header length, or whose length bytes are damaged", () => {
    refused(good.subarray(0, 5), /the file has 5 bytes; a safetensors file starts with an 8-byte header length/);
    refused(good.subarray(0, 40), /the header length reads \d+ bytes, but only 32 follow it: the file is truncated/);
    const huge = good.slice();
    huge[7] = 1;
    refused(huge, /the header length reads \d+ bytes \(more than 100000000\)/);
  });

  it("truncated data", () => {
    refused(good.subarray(0, good.length - 4), /tensor "bias" needs bytes up to 32, but the data has 28: the file is truncated/);
  });

  it("a corrupt header", () => {
    const bytes = good.slice();
    bytes[9] = 0x7b;
    refused(bytes, /the header \(bytes 8 to \d+\) is not JSON text/);
    refused(file([1, 2]), /the header is \[1,2\], not a JSON object of tensors/);
    refused(file({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8), "{\"w\": \xff}"), /is not JSON text/);
  });

  it("a byte range of the wrong size, overlapping or leaving a gap, or data left over", () => {
    refused(file({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor "w" \(F32 \[3\]\) needs 12 bytes, but its data_offsets \[0, 8\] hold 8/);
    refused(file({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)), /tensor "b" starts at byte 4, inside "a" \(which ends at 8\): the byte ranges overlap/);
    refused(file({ a: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /tensor "a" starts at byte 4, leaving bytes 0 to 4 after the start of the data unused/);
    refused(file({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /4 bytes at the end belong to no tensor/);
    refused(file({ a: { dtype: "F32", shape: [1], data_offsets: [4] } }, new Uint8Array(4)), /tensor "a" has data_offsets \[4\], expected \[begin, end\]/);
    refused(file({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "a" has shape \[-1\], expected a list of non-negative integers/);
  });

  it("a dtype dagrad does not hold, and one that is no safetensors dtype", () => {
    refused(file({ w: { dtype: "F16", shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "w" has dtype F16; dagrad loads F32 and F64 \(in PyTorch, model.float\(\) or model.double\(\) before saving\)/);
    refused(file({ "0.num_batches_tracked": { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, new Uint8Array(16)), /has dtype I64/);
    refused(file({ w: { dtype: "float32", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor "w" has dtype "float32", which is not a safetensors dtype/);
  });

  it("metadata that is not strings", () => {
    refused(file({ __metadata__: { epochs: 3 } }), /the header's __metadata__ has "epochs": 3; metadata values are strings/);
  });
});

describe("what loadTorchStateDict refuses, loading nothing, with a StateDictError naming PyTorch's key", () => {
  const model = () => new MLP({ sizes: [2, 3, 1], seed: 1 });
  const unchanged = (load: (m: MLP) => void, message: RegExp): void => {
    const m = model();
    const before = m.stateDict();
    expect(() => load(m)).toThrow(StateDictError);
    expect(() => load(m)).toThrow(message);
    expect(m.stateDict()).toEqual(before);
  };

  it("a missing key, an unexpected one, a wrong shape", () => {
    const dict = torchStateDict(new MLP({ sizes: [2, 3, 1], seed: 2 }));
    const { "2.bias": _dropped, ...missing } = dict;
    unchanged((m) => loadTorchStateDict(m, missing), /missing key "2.bias" \(expected shape \[1\]\)/);
    unchanged((m) => loadTorchStateDict(m, { ...dict, "layers.0.weight": dict["0.weight"]! }), /unexpected key "layers.0.weight"/);
    const wide = torchStateDict(new MLP({ sizes: [2, 4, 1], seed: 2 }));
    unchanged((m) => loadTorchStateDict(m, wide), /"0.weight" has shape \[4,2\], expected \[3,2\]/);
  });

  it("NaN, infinite values, and float64 values beyond float32's range", () => {
    const dict = torchStateDict(new MLP({ sizes: [2, 3, 1], seed: 2 }));
    dict["0.bias"]!.data[1] = NaN;
    unchanged((m) => loadTorchStateDict(m, dict), /"0.bias" holds NaN at \[1\] \(pass \{ allowNonFinite: true \} to load it anyway\)/);
    const wide = torchStateDict(new MLP({ sizes: [2, 3, 1], seed: 2, dtype: "float64" }));
    wide["2.weight"]!.data[0] = 1e300;
    unchanged((m) => loadTorchStateDict(m, wide), /"2.weight" holds 1e\+300, beyond float32's range, at \[0,0\]/);
  });

  it("with strict: false, leaves missing keys as they are and says which", () => {
    const m = model();
    const { "2.bias": _dropped, ...partial } = torchStateDict(new MLP({ sizes: [2, 3, 1], seed: 2 }));
    expect(loadTorchStateDict(m, { ...partial, extra: partial["0.bias"]! }, { strict: false })).toEqual({ missingKeys: ["2.bias"], unexpectedKeys: ["extra"] });
  });
});

it("VERSION is package.json's version", () => {
  expect(VERSION).toBe((JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version);
});
