// dagrad's public surface.
export * from "./autograd/index.js";
export * from "./nn/index.js";
export * from "./datasets/index.js";
// Kernel switches: which GEMM runs (WebAssembly SIMD or the TypeScript reference) and on how many threads.
export { getGemmBackend, setGemmBackend, getGemmThreads, setGemmThreads, warmUpGemm, type GemmBackend } from "./kernels/gemm.js";
