// All ops and their gradient formulas in one table: docs/autograd.md's op list is
// generated from it, and the gradient test suite must have a case for every
// key (its case table is typed Record<OpName, ...>, so a missing one fails tsc).
import { binaryOps, constantOps, parametrisedOps, unaryOps } from "./elementwise.js";
import { matmulOps } from "./matmul.js";
import { reduceOps } from "./reduce.js";
import { shapeOps } from "./shape.js";

const pick = <T extends Record<string, { gradient: string }>>(entries: T): { [K in keyof T]: string } =>
  Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.gradient])) as { [K in keyof T]: string };

export const OP_TABLE = {
  ...pick(binaryOps),
  ...pick(unaryOps),
  ...pick(parametrisedOps),
  ...pick(constantOps),
  ...pick(matmulOps),
  ...pick(reduceOps),
  ...pick(shapeOps),
};

export type OpName = keyof typeof OP_TABLE;
