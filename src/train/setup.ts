// Builds the pieces of a run from its config: data loaders, model, optimiser with weight-decay groups,
// and the learning-rate schedule.
import * as E from '../engine/index.js';
import { DataLoader, firstImages, loadDataset, type ImageDataset, type Shard } from '../data/index.js';
import { createModel, defaultInputShape } from '../models/index.js';
import type { Module, Parameter } from '../nn/index.js';
import type { TrainConfig } from './config.js';
import { cosineSchedule, constantSchedule, stepSchedule, type LrSchedule } from './schedule.js';
import { Sgd } from './sgd.js';

export interface RunParts {
  config: TrainConfig;
  model: Module;
  optimizer: Sgd;
  schedule: LrSchedule;
  train: DataLoader;
  test: DataLoader;
  dataset: { train: ImageDataset; test: ImageDataset };
}

/**
 * The run's loaders; with a shard (data-parallel training), this worker's part of every batch. A last
 * training batch too short to give every worker an image is left out.
 */
export function makeLoaders(config: TrainConfig, train: ImageDataset, test: ImageDataset, shard?: Shard): { train: DataLoader; test: DataLoader } {
  const layout = config.channelsLast ? 'nhwc' : 'nchw';
  const short = train.count % config.batchSize;
  const dropLast = shard !== undefined && short > 0 && short < shard.count;
  const parts = shard === undefined ? {} : { shard };
  return {
    train: new DataLoader(train, { batchSize: config.batchSize, shuffle: true, augment: config.augment, seed: config.seed, workers: config.workers, layout, dropLast, ...parts }),
    test: new DataLoader(test, { batchSize: config.evalBatchSize, workers: config.workers, layout, ...parts }),
  };
}

/** Builds the model for a dataset, checking that the model's input fits the images. */
export function makeModel(config: TrainConfig, dataset: ImageDataset): Module {
  const expected = defaultInputShape(config.model, { inChannels: dataset.channels });
  const [, h, w] = expected;
  const isImageNetStyle = (h ?? 0) >= 64;
  if (!isImageNetStyle && (h !== dataset.height || w !== dataset.width)) {
    throw new Error(
      `model '${config.model}' expects ${h}x${w} images but ${dataset.name} has ${dataset.height}x${dataset.width}: ` +
        'pick a model for this dataset (MNIST: lenet300, lenet5; CIFAR: resnet20..110, vgg11, vgg16; folders: resnet18/34/50)',
    );
  }
  const model = createModel(config.model, { numClasses: dataset.numClasses, inChannels: dataset.channels });
  if (config.device !== 'cpu') model.to(E.checkDevice(config.device));
  if (config.channelsLast) model.toMemoryFormat('channels_last');
  return model;
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

/** Places a caller's network like a zoo model: on the run's device, channels-last if asked. */
function adoptNetwork(config: TrainConfig, network: Module): Module {
  if (config.device !== 'cpu') network.to(E.checkDevice(config.device));
  if (config.channelsLast) network.toMemoryFormat('channels_last');
  return network;
}

/**
 * Builds a run; `datasets` replaces loading config.data (tests and embedding code pass in-memory
 * data), and `network` replaces building config.model.
 */
export function buildRun(config: TrainConfig, datasets?: { train: ImageDataset; test: ImageDataset }, network?: Module, shard?: Shard): RunParts {
  E.manualSeed(config.seed);
  const loadOptions = { imageSize: config.imageSize };
  const loaded = datasets ?? { train: loadDataset(config.data, 'train', loadOptions), test: loadDataset(config.data, 'test', loadOptions) };
  const subset = config.trainSubset ?? null;
  const dataset = subset === null ? loaded : { ...loaded, train: firstImages(loaded.train, subset) };
  for (const [split, set] of [['training', dataset.train], ['test', dataset.test]] as const) {
    if (set.count === 0) throw new Error(`dataset ${set.name} has no ${split} images: check the data directory (${config.data})`);
  }
  const model = network === undefined ? makeModel(config, dataset.train) : adoptNetwork(config, network);
  const loaders = makeLoaders(config, dataset.train, dataset.test, shard);
  return {
    config,
    model,
    optimizer: makeOptimizer(config, model),
    schedule: makeSchedule(config, loaders.train.batchesPerEpoch),
    dataset,
    ...loaders,
  };
}
