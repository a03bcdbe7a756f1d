// The manual backprop reference: hand-derived batch equations on typed arrays,
// and the bridge that checks autograd against them.
export { type ManualActivation, MANUAL_ACTIVATIONS } from "./activations.js";
export { type ManualLoss, MANUAL_LOSSES } from "./losses.js";
export { type Matrix, type Precision } from "./matrix.js";
export { ManualMLP, manualLayer, type ManualLayer, type ManualForward, type ManualGradients } from "./mlp.js";
export { numericalGradients, gradientDifference, centralDifferenceResolution, gradientVerdict, type NumericalGradients, type GradientDifference, type GradientVerdict } from "./numerical.js";
export { compareGradients, comparisonTable, manualLayersOf, mlpOfManualLayers, type CompareOptions, type GradientComparison, type ParameterComparison } from "./compare.js";
export { explainSteps, type ExplainStep } from "./explain.js";
export { autogradSteps } from "./autograd-steps.js";
export { inspectStep, type GraphNodeKind, type GraphNodeView, type StepComparison, type StepInspection } from "./inspect.js";
