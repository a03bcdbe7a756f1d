// dagrad's public surface.
export * from "./autograd/index.js";
export * from "./nn/index.js";
export * from "./datasets/index.js";
export * from "./interop/index.js";
export { VERSION } from "./version.js";
// Kernel switches: WebAssembly SIMD or the TypeScript reference, and how many threads large products use.
export { activeKernels, getKernelBackend, setKernelBackend, type ActiveKernels, type KernelBackend } from "./kernels/backend.js";
export { getGemmThreads, setGemmThreads, warmUpGemm } from "./kernels/gemm.js";
