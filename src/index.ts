// dagrad's public surface.
export * from "./autograd/index.js";
export * from "./nn/index.js";
export * from "./datasets/index.js";
