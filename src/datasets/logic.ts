// The four-row truth tables of the source documents: x [4, 2] holds the inputs
// (0,0), (0,1), (1,0), (1,1) in that order, y [4, 1] the gate's output.
import { type DType, tensor } from "../autograd/index.js";
import type { Dataset } from "./common.js";

export interface TruthTableOptions {
  dtype?: DType;
}

const INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]];

function truthTable(gate: (a: number, b: number) => number, options: TruthTableOptions): Dataset {
  return {
    x: tensor(INPUTS, { dtype: options.dtype }),
    y: tensor(INPUTS.map(([a, b]) => [gate(a!, b!)]), { dtype: options.dtype }),
  };
}

/** XOR: y = [0, 1, 1, 0]; not linearly separable, so it needs a hidden layer. */
export function xor(options: TruthTableOptions = {}): Dataset {
  return truthTable((a, b) => a ^ b, options);
}

/** AND: y = [0, 0, 0, 1]. (`and` and `or` are ordinary identifiers in JavaScript, not reserved words.) */
export function and(options: TruthTableOptions = {}): Dataset {
  return truthTable((a, b) => a & b, options);
}

/** OR: y = [0, 1, 1, 1]. */
export function or(options: TruthTableOptions = {}): Dataset {
  return truthTable((a, b) => a | b, options);
}
