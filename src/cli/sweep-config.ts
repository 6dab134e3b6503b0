// The training config of one sweep point, built the way `catrain train` builds it from the same
// flags, so the pilot and the full-scale command it prints train alike (apart from epochs and subset).
import { DATASET_SPEC_FORMS, formatDatasetSpec, parseDatasetSpec } from '../data/index.js';
import { isModelName, modelNames } from '../models/index.js';
import type { SweepSetting } from '../sweep/index.js';
import { augmentsByDefault, configProblems, DEFAULT_CONFIG, type TrainConfig } from '../train/index.js';
import { toCatOptions, type CatCliOptions } from './cat-options.js';
import { checkAugmentFor, dataConfigFields, type DataCliOptions } from './data-options.js';
import { badArgument } from './errors.js';

/** The train options a sweep passes through to every point (each also a `catrain train` flag). */
export interface SweepTrainOptions extends DataCliOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  warmupEpochs: number;
  seed: number;
  workers: number;
  device: string;
  augment?: boolean;
  layerPreference: number;
  unitsOnly?: boolean;
  layersOnly?: boolean;
}

/** The dataset spec as runs record it: a directory made absolute, so resumes work from anywhere. */
export function recordedDataSpec(text: string): string {
  try {
    const spec = parseDatasetSpec(text);
    return formatDatasetSpec(spec);
  } catch (error) {
    throw badArgument((error as Error).message, `dataset specs: ${DATASET_SPEC_FORMS.join(', ')}`);
  }
}

export function checkModel(model: string | undefined): string {
  if (model === undefined) throw badArgument('--model is required', `choose one of: ${modelNames().join(', ')}`);
  if (!isModelName(model)) throw badArgument(`unknown model '${model}'`, `choose one of: ${modelNames().join(', ')}`);
  return model;
}

export function pointConfig(model: string, data: string, options: SweepTrainOptions, setting: SweepSetting): TrainConfig {
  const given: CatCliOptions = {
    layerPreference: options.layerPreference,
    unitsOnly: options.unitsOnly === true,
    layersOnly: options.layersOnly === true,
    ...(setting.kind === 'strength' ? { strength: setting.value } : setting.kind === 'target-macs' ? { targetMacs: setting.value } : { targetParams: setting.value }),
  };
  checkAugmentFor(data, options.augment);
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    ...dataConfigFields(options),
    model,
    data,
    epochs: options.epochs,
    batchSize: options.batchSize,
    lr: options.lr,
    momentum: options.momentum,
    weightDecay: options.weightDecay,
    warmupEpochs: options.warmupEpochs,
    seed: options.seed,
    workers: options.workers,
    device: options.device,
    augment: options.augment ?? augmentsByDefault(data),
    // Only the setting, the layer preference and the ablations are given; every other CAT option
    // takes the value `catrain train` gives it when unset.
    cat: toCatOptions(given, options.epochs, (key) => key in given),
  };
  const problems = configProblems(config);
  if (problems.length > 0) throw badArgument(problems.join('; '));
  return config;
}
