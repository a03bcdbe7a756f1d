// A network leaves dagrad as ONNX and safetensors, and comes back computing the same.
import { MLP, loadSafetensors, loadTorchStateDict, saveSafetensors, tensor } from "dagrad";
import { exportOnnx, importOnnx } from "dagrad/onnx";   // needs the onnx-proto package

const mlp = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", seed: 1 });
const x = tensor([[0.5, -1], [2, 0.25]]);

const onnx = exportOnnx(mlp);                // Gemm, Tanh, Gemm, Sigmoid; input [batch, 2]
const imported = importOnnx(onnx);           // a Sequential, in eval mode
console.log(imported.toString());

const weights = saveSafetensors(mlp, { metadata: { note: "moons" } });
const { tensors, metadata } = loadSafetensors(weights);
console.log(Object.keys(tensors).join(", "), metadata);
const copy = new MLP({ sizes: [2, 8, 1], activation: "tanh", outputActivation: "sigmoid", seed: 2 });
loadTorchStateDict(copy, tensors);

console.log("dagrad  ", Array.from(mlp.forward(x).data));
console.log("onnx    ", Array.from(imported.forward(x).data));
console.log("weights ", Array.from(copy.forward(x).data));
console.log(`${onnx.length} bytes of ONNX, ${weights.length} bytes of safetensors`);
