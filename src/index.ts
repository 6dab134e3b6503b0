// catrain's public API: `import { engine, nn, models, data, train, cat, trainRun } from 'catrain'`.
// Each layer is a namespace; the entry points most programs need are also exported by name.
export * as engine from './engine/index.js';
export * as nn from './nn/index.js';
export * as models from './models/index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as cat from './cat/index.js';
export * as sweep from './sweep/index.js';

export { trainRun, loadRunNetwork, DEFAULT_CONFIG, type TrainConfig, type TrainRunOptions, type TrainRunResult, type NetworkSpec, type RunSummary } from './train/index.js';
export { DEFAULT_CAT, CatController, buildStructureGraph, type CatOptions, type StructureGraph, type Architecture } from './cat/index.js';
export { createModel, registerModel, type ModelName } from './models/index.js';
export { runCli } from './cli/program.js';
export { exportRun, exportNetwork, EXPORT_FORMATS, type ExportFormat, type ExportContract } from './export/index.js';
