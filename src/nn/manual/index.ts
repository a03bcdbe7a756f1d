// The manual backprop reference: hand-derived batch equations on typed arrays.
export { type ManualActivation, MANUAL_ACTIVATIONS, DEFAULT_LEAKY_SLOPE, activate, activationBackward, derivative, softmaxRows, sigmoidOf } from "./activations.js";
export { type ManualLoss, MANUAL_LOSSES, type OutputLayer, type OutputDelta, lossValue, outputDelta, isSimplifiedPair } from "./losses.js";
export { type Matrix, type Precision } from "./matrix.js";
export { ManualMLP, manualLayer, type ManualLayer, type ManualForward, type ManualGradients } from "./mlp.js";
export { numericalGradients, gradientDifference, type NumericalGradients, type GradientDifference } from "./numerical.js";
export { compareGradients, comparisonTable, manualLayersOf, targetRows, type CompareOptions, type GradientComparison, type ParameterComparison } from "./compare.js";
export { explainSteps, type ExplainStep } from "./explain.js";
export { autogradSteps } from "./autograd-steps.js";
