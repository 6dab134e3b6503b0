// Training: runs, trainers, the optimiser, schedules, checkpoints and run directories.
export { trainRun, resumeRun, LATENCY_RUNS, type MeasuredLatency, type NetworkSpec, type TrainRunOptions, type TrainRunResult } from './run.js';
export type { TrainingMethod, MethodKind, MethodContext, MethodOutcome, StepHooks, StepContext, BackwardContext, StepEstimates, WorkerRole } from './method.js';
export { methodFor } from './methods/index.js';
export {
  DEFAULT_CONFIG, configProblems, checkedConfig, withConfigDefaults, ConfigError, augmentsByDefault, signalAugmentOf, signalOptionsOnImages,
  type TrainConfig, type ScheduleName, type SignalAugmentSettings,
} from './config.js';
export { Trainer, evaluateModel, batchToTensors, type TrainerOptions, type TrainableModel, type BatchSource, type HostBatch } from './trainer.js';
export { Sgd, type SgdOptions, type ParameterGroup, type ParameterHolder } from './sgd.js';
export { cosineSchedule, stepSchedule, constantSchedule, type LrSchedule, type ScheduleOptions } from './schedule.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, type Checkpoint, type RunPosition } from './checkpoint.js';
export { RunDirectory, RunDirectoryError, RUN_FILES } from './run-dir.js';
export { loadRunNetwork, type LoadedRun, type DataShape } from './load-run.js';
export { type RunSummary, type Throughput, throughputOf } from './summary.js';
export { type Callback, type RunState, type BatchLogs, type EpochLogs } from './callback.js';
export { Checkpointer } from './callbacks/checkpointer.js';
export { JsonlLog } from './callbacks/jsonl-log.js';
export { NanGuard, NonFiniteLossError } from './callbacks/nan-guard.js';
export { MetricAccumulator, type EvalMetrics } from './metrics.js';
export { writeTextAtomically } from './atomic-write.js';
export { makeModel, makeOptimizer, makeSchedule, makeLoaders, loadConfigDatasets, layoutFor, modelOptionsFor, checkModelFitsData, type RunSources } from './setup.js';
export { describeRunData, readRunData, withNormalization, withSavedNormalization, checkSameData, type RunData } from './run-data.js';
export { readLatencyProfile } from './latency-profile.js';
