// The ONNX protobuf messages, from onnx-proto (the schema compiled by
// protobufjs), and the few ONNX constants dagrad uses.
import onnxProto from "onnx-proto";

export const onnx = onnxProto.onnx;
export type { onnx as Onnx } from "onnx-proto";

/** TensorProto.DataType values of the two dtypes dagrad has. */
export const FLOAT = 1;
export const DOUBLE = 11;

/** The opsets exportOnnx writes (13 is where Softmax works along one axis), and the IR version each needs. */
export const IR_VERSION_OF_OPSET: Readonly<Record<number, number>> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const DEFAULT_OPSET = 17;

/** An int64 field as protobufjs decodes it (a number, or a Long when the value needs one) as a number. */
export function int64(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}
