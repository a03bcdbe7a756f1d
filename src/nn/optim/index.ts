export {
  Optimizer, type BaseHyperparameters, type ParamGroup, type ParamGroupSpec, type ParamsInput,
  type OptimizerStateDict, type SavedParamGroup, type HyperparameterValue, type StateLayout,
} from "./optimizer.js";
export { SGD, type SGDHyperparameters } from "./sgd.js";
export { Adam, AdamW, type AdamHyperparameters } from "./adam.js";
export { RMSprop, type RMSpropHyperparameters } from "./rmsprop.js";
export { clipGradNorm, clipGradValue } from "./clip.js";
export {
  type LrScheduler, EpochScheduler, StepLR, ExponentialLR, CosineAnnealingLR, LinearWarmup, ReduceLROnPlateau,
  type LinearWarmupOptions, type ReduceLROnPlateauOptions, type SchedulerStateDict, type SchedulerSetting,
} from "./schedulers.js";
