// dagrad's public surface.
export * from "./autograd/index.js";
