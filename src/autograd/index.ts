// The autograd layer's public surface.
export { Tensor, type DType, type NestedArray, type Axis, type GradHook, type BackwardOptions } from "./tensor.js";
export { tensor, zeros, ones, full, zerosLike, onesLike, eye, arange, linspace, rand, randn, type TensorOptions, type TensorDataOptions, type RandomOptions } from "./creation.js";
export { captureStep, CapturedStep } from "./capture.js";
export { grad, topologicalOrder, unbroadcast, type GradOptions } from "./engine.js";
export { noGrad, withGradMode, isGradEnabled, detectAnomaly, setDetectAnomaly, isAnomalyEnabled, Node } from "./graph.js";
export { hvp, hessianOperator, topHessianEigenvalue, type HessianOperator, type EigenOptions, type EigenResult } from "./hessian.js";
export { gradcheck, gradgradcheck, gradientErrors, type GradcheckOptions, type GradcheckResult, type InputCheck } from "./gradcheck.js";
export { toDot, graphNodes, type DotOptions } from "./dot.js";
export { manualSeed, createRng, defaultRng, normalSample, type Rng } from "./random.js";
export { DagradError, ShapeError, DTypeError, GraphError, AnomalyError, PlatformError, CaptureError, formatShape } from "./errors.js";
export * from "./ops/functional.js";
export { OP_TABLE, type OpName } from "./ops/table.js";
