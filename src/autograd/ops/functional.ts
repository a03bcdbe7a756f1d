// Every op as a free function (the Tensor methods call these).
export { add, sub, mul, div, pow, maximum, minimum, bce, bceWithLogits, gt, ge, lt, le, eq, neg, exp, log, sqrt, abs, sign, square, relu, leakyRelu, sigmoid, tanh, softplus, clamp, where } from "./elementwise.js";
export { matmul, linear } from "./matmul.js";
export { sum, mean, max, min, argmax, argmin, logsumexp, softmax, logSoftmax } from "./reduce.js";
export { reshape, flatten, squeeze, unsqueeze, expand, permute, transpose, slice, concat, stack, indexSelect, clone, cast } from "./shape.js";
