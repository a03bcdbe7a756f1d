// dagrad/onnx: ONNX export and import, an entry of its own because it needs
// the onnx-proto package (the ONNX schema compiled by protobufjs, ~23 MB
// installed), an optional peer dependency: `import "dagrad"` never loads it.
// Like the rest of dagrad it is bytes in, bytes out, so it runs in a browser too.
export { exportOnnx, type ExportOnnxOptions } from "./interop/onnx/export.js";
export { importOnnx } from "./interop/onnx/import.js";
export { OnnxError } from "./interop/errors.js";
