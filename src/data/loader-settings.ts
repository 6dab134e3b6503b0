// A DataLoader's options, checked against its dataset and resolved into the explicit BatchSettings
// that the batch maker (and every worker) runs on.
import { normalizationFor, STANDARD_AUGMENT, type AugmentOptions, type Layout, type Normalization } from './augment.js';
import type { BatchSettings, Shard } from './batcher.js';
import { isSequenceDataset, type Dataset } from './dataset.js';
import { isSignalAugmentOff, signalAugmentProblems, type SignalAugmentOptions } from './signal-augment.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** Visit images in a new seeded order each epoch (default false: dataset order, for evaluation). */
  shuffle?: boolean;
  /** Images: true, pad-4 random crop + horizontal flip (STANDARD_AUGMENT); false (default): none. Sequences: false only. */
  augment?: boolean | AugmentOptions;
  /** Sequences: jitter, scaling, time shift and window crop (default: none). Images: not allowed. */
  signalAugment?: SignalAugmentOptions;
  /** Images: true (default), the dataset's constants from NORMALIZATION; false, pixel/255 only. Sequences (normalised when loaded): true only. */
  normalize?: boolean | Normalization;
  /** Seed of the shuffle and the augmentation draws (default 0); a non-negative integer. */
  seed?: number;
  /** Leave out the last batch when it would be short (default false). */
  dropLast?: boolean;
  /** Worker threads (default 1); 0 makes batches in the calling thread when they are asked for. */
  workers?: number;
  /** Batches requested ahead of the one being consumed (default 4). */
  prefetch?: number;
  /** Images: 'nchw' (default) or 'nhwc' (channels last, see the note at the top of this file). Sequences: 'nchw' only, meaning [N, C, L]. */
  layout?: Layout;
  /** Data-parallel training: make only this part of every batch (default: all of it). */
  shard?: Shard;
}

export function checkInteger(option: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`DataLoader: ${option} is ${value}, expected an integer >= ${min}`);
  return value;
}

export function resolveSettings(dataset: Dataset, options: DataLoaderOptions): BatchSettings {
  const image = isSequenceDataset(dataset) ? null : dataset;
  const augment: AugmentOptions | null = options.augment === true ? { ...STANDARD_AUGMENT } : options.augment === false || options.augment === undefined ? null : { ...options.augment };
  if (augment !== null) {
    if (image === null) throw new RangeError(`DataLoader: augment (crop and flip) is for images, but ${dataset.name} holds sequences; pass signalAugment instead`);
    checkInteger('augment.padding', augment.padding, 0);
  }
  let signalAugment: SignalAugmentOptions | null = options.signalAugment === undefined ? null : { ...options.signalAugment };
  if (signalAugment !== null) {
    if (isSequenceDataset(dataset)) {
      const problems = signalAugmentProblems(signalAugment, dataset.length);
      if (problems.length > 0) throw new RangeError(`DataLoader: ${problems.join('; ')}`);
    } else throw new RangeError(`DataLoader: signalAugment is for sequences, but ${dataset.name} holds images; pass augment instead`);
    if (isSignalAugmentOff(signalAugment)) signalAugment = null;
  }
  if (image === null && options.normalize !== undefined && options.normalize !== true) {
    throw new RangeError(`DataLoader: ${dataset.name} holds sequences, which are normalised when loaded (see normalizeWith); normalize must be true or left out`);
  }
  const normalization = image === null || options.normalize === false
    ? normalizationFor('', dataset.channels)
    : options.normalize === true || options.normalize === undefined ? normalizationFor(image.name, image.channels) : options.normalize;
  const layout = options.layout ?? 'nchw';
  if (image === null && layout !== 'nchw') throw new RangeError(`DataLoader: layout '${String(layout)}' is an image layout; ${dataset.name} holds sequences, whose batches are always [N, C, L] (leave layout out)`);
  const shard = options.shard ?? null;
  if (shard !== null) {
    checkInteger('shard.count', shard.count, 1);
    if (!Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) throw new RangeError(`DataLoader: shard.index is ${shard.index}, expected an integer in [0, ${shard.count})`);
    if (checkInteger('batchSize', options.batchSize, 1) < shard.count) throw new RangeError(`DataLoader: a batch of ${options.batchSize} cannot be split into ${shard.count} shards; use a batch of at least ${shard.count}`);
  }
  if (layout !== 'nchw' && layout !== 'nhwc') throw new RangeError(`DataLoader: layout is '${String(layout)}', expected 'nchw' or 'nhwc'`);
  return {
    batchSize: checkInteger('batchSize', options.batchSize, 1),
    shuffle: options.shuffle ?? false,
    dropLast: options.dropLast ?? false,
    seed: checkInteger('seed', options.seed ?? 0, 0),
    augment,
    signalAugment,
    normalization,
    layout,
    shard: shard === null ? null : { index: shard.index, count: shard.count },
  };
}

