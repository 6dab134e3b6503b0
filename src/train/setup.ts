// Builds the pieces of a run from its config: data loaders, model, optimiser with weight-decay groups,
// and the learning-rate schedule.
import * as E from '../engine/index.js';
import { DataLoader, firstSamples, isSequenceDataset, loadDatasets, signalAugmentProblems, type Dataset, type Layout, type SequenceNormalization, type Shard } from '../data/index.js';
import { createModel, defaultInputShape, modelInputKind, modelNames, type CreateModelOptions } from '../models/index.js';
import type { Module, Parameter } from '../nn/index.js';
import { ConfigError, sensorLogOptionsOf, signalAugmentOf, signalOptionsOnImages, type TrainConfig } from './config.js';
import { withSavedNormalization } from './run-data.js';
import { cosineSchedule, constantSchedule, stepSchedule, type LrSchedule } from './schedule.js';
import { Sgd } from './sgd.js';

export interface RunParts {
  config: TrainConfig;
  model: Module;
  optimizer: Sgd;
  schedule: LrSchedule;
  train: DataLoader;
  test: DataLoader;
  dataset: { train: Dataset; test: Dataset };
}

/** Both splits of a run's data, as its config describes them (a sensor log's window, stride, label column and test fraction included). */
export function loadConfigDatasets(config: TrainConfig): { train: Dataset; test: Dataset } {
  return loadDatasets(config.data, { imageSize: config.imageSize, ...sensorLogOptionsOf(config) });
}

/** The batch layout for this data: channels-last images if the config asks; sequences are always [N, C, L]. */
export const layoutFor = (config: Pick<TrainConfig, 'channelsLast'>, dataset: Dataset): Layout =>
  config.channelsLast && !isSequenceDataset(dataset) ? 'nhwc' : 'nchw';

/**
 * The run's loaders; with a shard (data-parallel training), this worker's part of every batch. A last
 * training batch too short to give every worker an image is left out.
 */
export function makeLoaders(config: TrainConfig, train: Dataset, test: Dataset, shard?: Shard): { train: DataLoader; test: DataLoader } {
  const layout = layoutFor(config, train);
  const short = train.count % config.batchSize;
  const dropLast = shard !== undefined && short > 0 && short < shard.count;
  const parts = shard === undefined ? {} : { shard };
  // Only the training loader augments; config.augment is the image recipe, the signal fields are the sequences'.
  const augment = isSequenceDataset(train) ? { signalAugment: signalAugmentOf(config) } : { augment: config.augment };
  return {
    train: new DataLoader(train, { batchSize: config.batchSize, shuffle: true, ...augment, seed: config.seed, workers: config.workers, layout, dropLast, ...parts }),
    test: new DataLoader(test, { batchSize: config.evalBatchSize, workers: config.workers, layout, ...parts }),
  };
}

/** The zoo or registered models that take this kind of input, for messages. */
function modelsFor(kind: 'image' | 'sequence'): string {
  const names = modelNames().filter((name) => modelInputKind(name) === kind);
  return names.length === 0 ? `none is built in or registered here (register one with a [C, L] input shape)` : names.join(', ');
}

/** What createModel needs to fit a model to this data: its classes, channels and, for sequences, length. */
export function modelOptionsFor(dataset: Dataset): CreateModelOptions {
  const options: CreateModelOptions = { numClasses: dataset.numClasses, inChannels: dataset.channels };
  if (isSequenceDataset(dataset)) options.inputLength = dataset.length;
  return options;
}

/**
 * Throws unless the model takes this data: a sequence model for sequences, an image model (of the
 * images' size, for CIFAR- and MNIST-sized models) for images.
 */
export function checkModelFitsData(model: string, dataset: Dataset): void {
  const kind = modelInputKind(model);
  if (isSequenceDataset(dataset)) {
    if (kind !== 'sequence') throw new Error(`model '${model}' takes images, but ${dataset.name} holds sequences ([${dataset.channels}, ${dataset.length}]): pick a sequence model (${modelsFor('sequence')})`);
    return;
  }
  if (kind === 'sequence') throw new Error(`model '${model}' takes sequences, but ${dataset.name} holds images: pick an image model (${modelsFor('image')})`);
  const expected = defaultInputShape(model, { inChannels: dataset.channels });
  const [, h, w] = expected;
  const isImageNetStyle = (h ?? 0) >= 64;
  if (!isImageNetStyle && (h !== dataset.height || w !== dataset.width)) {
    throw new Error(
      `model '${model}' expects ${h}x${w} images but ${dataset.name} has ${dataset.height}x${dataset.width}: ` +
        'pick a model for this dataset (MNIST: lenet300, lenet5; CIFAR: resnet20..110, vgg11, vgg16; folders: resnet18/34/50)',
    );
  }
}

/** Builds the model for a dataset, checking that the model's input fits the data. */
export function makeModel(config: TrainConfig, dataset: Dataset): Module {
  checkModelFitsData(config.model, dataset);
  return adoptNetwork(config, createModel(config.model, modelOptionsFor(dataset)), dataset);
}

/** Weight decay on conv and linear weights only: BatchNorm parameters and biases are 1-d. */
export function makeOptimizer(config: TrainConfig, model: Module): Sgd {
  const params = model.parameters();
  return new Sgd(
    [
      { params: params.filter((p) => p.value.ndim > 1), decay: true },
      { params: params.filter((p) => p.value.ndim <= 1), decay: false },
    ],
    { momentum: config.momentum, nesterov: config.nesterov, weightDecay: config.weightDecay },
  );
}

export function makeSchedule(config: TrainConfig, batchesPerEpoch: number): LrSchedule {
  const options = { baseRate: config.lr, totalSteps: config.epochs * batchesPerEpoch, warmupSteps: config.warmupEpochs * batchesPerEpoch };
  switch (config.schedule) {
    case 'cosine':
      return cosineSchedule(options);
    case 'constant':
      return constantSchedule(options);
    case 'step':
      return stepSchedule({ ...options, milestones: config.milestones.map((epoch) => epoch * batchesPerEpoch), gamma: config.gamma });
  }
}

/** Parameter names as they are now (surgery removes parameters, so the map is never cached). */
export function parameterNames(model: Module): Map<Parameter, string> {
  return new Map(model.namedParameters().map(([name, p]) => [p, name] as const));
}

/** Places a network on the run's device, channels-last if asked and the data are images. */
function adoptNetwork(config: TrainConfig, network: Module, dataset: Dataset): Module {
  if (config.device !== 'cpu') network.to(E.checkDevice(config.device));
  if (layoutFor(config, dataset) === 'nhwc') network.toMemoryFormat('channels_last');
  return network;
}

/** Where a run's data and network come from, when not from its config alone. */
export interface RunSources {
  /** In-memory datasets instead of loading config.data (tests and embedding code). */
  datasets?: { train: Dataset; test: Dataset } | undefined;
  /** A network instead of building config.model. */
  network?: Module | undefined;
  /** Data-parallel training: this worker's part of every batch. */
  shard?: Shard | undefined;
  /** A resumed sequence run: the statistics it was normalised with, re-applied to the data loaded now. */
  normalization?: SequenceNormalization | undefined;
}

/** Builds a run from its config and `sources`; nothing is written, so a bad dataset or setting leaves no trace. */
export function buildRun(config: TrainConfig, sources: RunSources = {}): RunParts {
  E.manualSeed(config.seed);
  let loaded = sources.datasets ?? loadConfigDatasets(config);
  if (sources.normalization !== undefined) loaded = withSavedNormalization(loaded, sources.normalization);
  const subset = config.trainSubset ?? null;
  const dataset = subset === null ? loaded : { ...loaded, train: firstSamples(loaded.train, subset) };
  for (const [split, set] of [['training', dataset.train], ['test', dataset.test]] as const) {
    if (set.count === 0) throw new Error(`dataset ${set.name} has no ${split} ${isSequenceDataset(set) ? 'sequences' : 'images'}: check the data (${config.data})`);
  }
  if (isSequenceDataset(dataset.train) !== isSequenceDataset(dataset.test)) throw new Error(`dataset ${config.data}: the training split holds ${isSequenceDataset(dataset.train) ? 'sequences' : 'images'} but the test split does not`);
  // The settings that only the data can check, refused as settings (the CLI's exit code 2), before anything is written.
  const problems = isSequenceDataset(dataset.train) ? signalAugmentProblems(config, dataset.train.length) : signalOptionsOnImages(config, dataset.train.name);
  if (problems.length > 0) throw new ConfigError(`invalid training config for ${dataset.train.name}: ${problems.join('; ')}`);
  const model = sources.network === undefined ? makeModel(config, dataset.train) : adoptNetwork(config, sources.network, dataset.train);
  const loaders = makeLoaders(config, dataset.train, dataset.test, sources.shard);
  return {
    config,
    model,
    optimizer: makeOptimizer(config, model),
    schedule: makeSchedule(config, loaders.train.batchesPerEpoch),
    dataset,
    ...loaders,
  };
}
