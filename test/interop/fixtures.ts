// The PyTorch fixtures (fixtures/make_fixtures.py): the files, and each network's recorded input and output.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../../src/index.js";

export const FIXTURES = join(import.meta.dirname, "fixtures");

interface Recorded {
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
}

const recorded = (JSON.parse(readFileSync(join(FIXTURES, "outputs.json"), "utf8")) as { networks: Record<string, Recorded> }).networks;

export function fixture(file: string): Uint8Array {
  return readFileSync(join(FIXTURES, file));
}

/** The input PyTorch ran network `name` on, and what it computed (eval mode, float32). */
export function fixtureInput(name: string): { x: Tensor; expected: Tensor } {
  const r = recorded[name]!;
  return { x: new Tensor(Float32Array.from(r.input), r.inputShape), expected: new Tensor(Float32Array.from(r.output), r.outputShape) };
}
