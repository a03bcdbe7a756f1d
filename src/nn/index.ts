// The nn layer's public surface: modules, initialisers, losses, optimizers and the training loop.
export { Module, type ForwardHook, type StateDict, type LoadStateDictOptions, type LoadStateDictResult } from "./module.js";
export { stateDictToJson, stateDictFromJson, type LoadOptions, type StateDictFromJsonOptions } from "./state.js";
export { SaveError, StateDictError, TrainingError, type DivergenceReason, type TrainingErrorFacts } from "./errors.js";
export type { JsonNumber, TensorRecord } from "./serial.js";
export * as init from "./init.js";
export { Linear, type LinearOptions, type InitScheme, type InitFn } from "./linear.js";
export type { SeedOptions } from "./seed.js";
export { Identity, ReLU, LeakyReLU, Sigmoid, Tanh, Softplus, Softmax, LogSoftmax, activationModule, ACTIVATION_NAMES, type ActivationName } from "./activations.js";
export { Sequential, Residual } from "./containers.js";
export { Dropout, BatchNorm1d, type BatchNormOptions } from "./regularization.js";
export { MLP, type MLPOptions } from "./mlp.js";
export { layerOutputs } from "./layer-outputs.js";
export {
  mseLoss, halfSquaredError, bceLoss, bceWithLogitsLoss, crossEntropy, nllLoss, LOSSES,
  type Reduction, type LossOptions, type Labels, type LossFn, type LossName,
} from "./losses.js";
export * from "./optim/index.js";
export { accuracy, r2Score, meanSquaredError, type AccuracyOptions, type Metric, type MetricName } from "./metrics.js";
export { ClassifierHead, HeadError, headLayout, HEAD_OUTPUTS, HEAD_LOSSES, type HeadOutput, type HeadLoss, type HeadLayout, type HeadTask, type OutputReading, type TargetEncoding, type ClassifierHeadOptions } from "./decision.js";
export type { Batch, TrainingData } from "./batching.js";
export { fit, evaluate, predict, type FitOptions, type EpochRecord, type History, type Evaluation } from "./fit.js";
export { layerActivity, SATURATION_Z, type LayerActivityStatistics } from "./diagnostics.js";
export { randomDirection, lossSlice, lossSurface, type DirectionOptions, type SliceOptions, type Surface } from "./landscape.js";
export * from "./manual/index.js";
