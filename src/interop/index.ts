// Models that leave dagrad (and come back): ONNX and safetensors, as bytes in
// and bytes out, so the same code runs in a browser; reading and writing the
// files is the caller's (the CLI's) business.
export { exportOnnx, type ExportOnnxOptions } from "./onnx/export.js";
export { importOnnx } from "./onnx/import.js";
export { saveSafetensors, loadSafetensors, type SafetensorsFile, type SaveSafetensorsOptions } from "./safetensors.js";
export { torchStateDict, loadTorchStateDict, type TorchLoadOptions } from "./torch-names.js";
export { OnnxError, SafetensorsError } from "./errors.js";
