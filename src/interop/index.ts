// Models that leave dagrad (and come back), as bytes in and bytes out, so the
// same code runs in a browser; reading and writing the files is the caller's
// (the CLI's) business. ONNX is the entry dagrad/onnx (src/onnx.ts): it needs
// the onnx-proto package, which the main entry must not load.
export { saveSafetensors, loadSafetensors, type SafetensorsFile, type SaveSafetensorsOptions } from "./safetensors.js";
export { torchStateDict, loadTorchStateDict, type TorchLoadOptions } from "./torch-names.js";
export { SafetensorsError } from "./errors.js";
