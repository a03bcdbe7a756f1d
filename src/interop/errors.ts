// Errors of the model formats dagrad reads and writes. Each names the format,
// what in the file is at fault (a node, an initializer, a tensor key) and,
// where it helps, what to do; a file that raises one has loaded nothing.
import { DagradError } from "../autograd/index.js";

/** An ONNX model dagrad cannot write (an unsupported module) or read (corrupt bytes, an op outside its subset). */
export class OnnxError extends DagradError {
  /** The node, initializer or module path at fault, when there is one. */
  readonly where: string | undefined;
  constructor(op: "exportOnnx" | "importOnnx", message: string, where?: string) {
    super(op, message);
    this.where = where;
  }
}

/** A safetensors file that is corrupt, truncated or holds what dagrad cannot load (a dtype, a key, a shape). */
export class SafetensorsError extends DagradError {
  /** The tensor key at fault, when there is one. */
  readonly key: string | undefined;
  constructor(op: "saveSafetensors" | "loadSafetensors", message: string, key?: string) {
    super(op, message);
    this.key = key;
  }
}
