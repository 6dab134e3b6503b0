// The data layer: image and sequence datasets, specs, augmentation, batching and the worker-backed DataLoader.
export {
  checkDataset, firstSamples, firstImages, sampleSize, sharedBytes, sharedFloats, sharedLabels, sampleShape, isSequenceDataset,
  type ImageDataset, type SequenceDataset, type SequenceNormalization, type Dataset, type Split,
} from './dataset.js';
export { readIdx, type IdxArray } from './idx.js';
export { loadIdxDataset, loadMnist, loadFashionMnist, defaultMnistDir, defaultFashionMnistDir, FASHION_MNIST_CLASSES } from './mnist.js';
export { loadCifar10, loadCifar100, CIFAR10_CLASSES, type Cifar100Options } from './cifar.js';
export { loadImageFolder, type ImageFolderOptions } from './folder.js';
export { decodeImage, centerResize, type RgbaImage, type ResizeMode } from './image.js';
export {
  parseDatasetSpec, formatDatasetSpec, isSeriesSpec, windowProblems, sensorLogValueProblems, loadDataset, loadDatasets, DATASET_SPEC_FORMS,
  type DatasetSpec, type ImageDatasetSpec, type SeriesDatasetSpec, type DatasetKind, type LoadDatasetOptions, type SensorLogOptions,
} from './spec.js';
export {
  NO_SIGNAL_AUGMENT, signalAugmentProblems, isSignalAugmentOff, drawSignalAugment, transformSignal, cropLengthOf,
  type SignalAugmentOptions, type SignalDraw, type SignalGeometry,
} from './signal-augment.js';
export { loadUcr, loadUea, loadSensorCsv, normalizeWith, SeriesFormatError } from './series/index.js';
export {
  NORMALIZATION, STANDARD_AUGMENT, normalizationFor, normalizationTable, drawAugment, transformImage,
  type Normalization, type AugmentOptions, type AugmentDraw, type Layout, type ImageGeometry,
} from './augment.js';
export {
  BatchMaker, epochOrder, batchesPerEpoch, shardRange,
  type Batch, type BatchLayout, type BatchSettings, type DatasetArrays, type ImageArrays, type SequenceArrays, type Shard,
} from './batcher.js';
export { DataLoader, WorkerPool, type DataLoaderOptions, type EpochOptions } from './loader.js';
export { Rng, hashSeed, STREAM } from './rng.js';
