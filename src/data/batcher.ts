// Epoch order and batch assembly as pure functions of (seed, epoch, batch index). The DataLoader runs
// this in worker threads or in-thread; both give the same bytes, since nothing depends on timing.
import type { ImageDataset, SequenceDataset } from './dataset.js';
import { drawAugment, normalizationTable, transformImage, type AugmentOptions, type Layout, type Normalization } from './augment.js';
import { hashSeed, Rng, STREAM } from './rng.js';
import { drawSignalAugment, transformSignal, type SignalAugmentOptions } from './signal-augment.js';

/** The arrays and sizes an image batch is made from (what a worker receives of an ImageDataset). */
export type ImageArrays = Pick<ImageDataset, 'kind' | 'images' | 'labels' | 'count' | 'height' | 'width' | 'channels'>;

/** The arrays and sizes a sequence batch is made from. */
export type SequenceArrays = Pick<SequenceDataset, 'kind' | 'values' | 'labels' | 'count' | 'channels' | 'length'>;

export type DatasetArrays = ImageArrays | SequenceArrays;

const isSequenceArrays = (data: DatasetArrays): data is SequenceArrays => data.kind === 'sequence';

/** The memory order of a batch: an image layout, or 'ncl' for sequences ([N, C, L], the only one). */
export type BatchLayout = Layout | 'ncl';

/** Resolved settings: every field is explicit, so they can be posted to a worker as they are. */
export interface BatchSettings {
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  seed: number;
  /** Images: null, no crop or flip (evaluation). */
  augment: AugmentOptions | null;
  /** Sequences: null, no signal augmentation (evaluation, or every option off). */
  signalAugment: SignalAugmentOptions | null;
  /** Images: the pixel normalisation. Sequences are normalised when loaded, and ignore it. */
  normalization: Normalization;
  /** Images only; sequence batches are always [N, C, L]. */
  layout: Layout;
  /**
   * Data-parallel training: this process makes only its part `index` of `count` of every batch (the
   * batches themselves, their order and their augmentation are those of the whole run); null: all.
   */
  shard: Shard | null;
}

export interface Shard {
  index: number;
  count: number;
}

/** Where part `shard.index` of a batch of `size` images starts and ends: as even as whole images allow. */
export function shardRange(size: number, shard: Shard | null): { from: number; to: number } {
  if (shard === null) return { from: 0, to: size };
  return { from: Math.floor((shard.index * size) / shard.count), to: Math.floor(((shard.index + 1) * size) / shard.count) };
}

/**
 * One prepared batch: float32 samples and int64 labels, ready for `E.tensor(batch.images, { shape: batch.shape })`.
 * `images` keeps its name for sequences too (it then holds the signals): it is what every trainer,
 * test and benchmark reads, and a rename would buy nothing but churn.
 */
export interface Batch {
  epoch: number;
  /** Position within the epoch, 0-based. */
  index: number;
  /** Samples in this batch (the last one may be short unless dropLast); with a shard, in this part of it. */
  size: number;
  /** Samples in the whole batch, over every shard. */
  batchSize: number;
  /** [size, C, H, W] for 'nchw', [size, H, W, C] for 'nhwc', [size, C, L] for 'ncl'. */
  shape: [number, number, number, number] | [number, number, number];
  layout: BatchLayout;
  images: Float32Array;
  labels: BigInt64Array;
}

export function batchesPerEpoch(count: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** The order images are visited in an epoch: identity, or a Fisher-Yates shuffle seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number, shuffle: boolean): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (!shuffle) return order;
  const rng = new Rng(hashSeed(seed, STREAM.order, epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/** Makes batches of one dataset; keeps the last epoch's order so consecutive batches share it. */
export class BatchMaker {
  readonly batchesPerEpoch: number;
  /** The pixel lookup table of image data; null for sequences. */
  private readonly table: Float32Array | null;
  private cached: { epoch: number; order: Uint32Array } | null = null;

  constructor(readonly data: DatasetArrays, readonly settings: BatchSettings) {
    this.batchesPerEpoch = batchesPerEpoch(data.count, settings.batchSize, settings.dropLast);
    this.table = isSequenceArrays(data) ? null : normalizationTable(settings.normalization, data.channels);
  }

  order(epoch: number): Uint32Array {
    if (this.cached?.epoch !== epoch) {
      const { seed, shuffle } = this.settings;
      this.cached = { epoch, order: epochOrder(this.data.count, seed, epoch, shuffle) };
    }
    return this.cached.order;
  }

  /** Batch `index` of `epoch`: the same bytes on any thread, at any time. */
  make(epoch: number, index: number): Batch {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`epoch ${epoch} is not a non-negative integer`);
    if (!Number.isInteger(index) || index < 0 || index >= this.batchesPerEpoch) {
      throw new RangeError(`batch ${index} is out of range: an epoch has ${this.batchesPerEpoch} batches (0..${this.batchesPerEpoch - 1})`);
    }
    const { batchSize } = this.settings;
    const start = index * batchSize;
    const whole = Math.min(batchSize, this.data.count - start);
    const order = this.order(epoch).subarray(start, start + whole);
    const { from, to } = shardRange(whole, this.settings.shard);
    const size = to - from;
    const labels = new BigInt64Array(size);
    for (let i = from; i < to; i++) labels[i - from] = BigInt(this.data.labels[order[i] as number] as number);
    const samples = isSequenceArrays(this.data) ? this.sequences(this.data, epoch, index, order, from, to) : this.images(this.data, epoch, index, order, from, to);
    return { epoch, index, size, batchSize: whole, ...samples, labels };
  }

  private images(data: ImageArrays, epoch: number, index: number, order: Uint32Array, from: number, to: number): Pick<Batch, 'shape' | 'layout' | 'images'> {
    const { augment, layout, seed } = this.settings;
    const { images, height, width, channels } = data;
    const size = to - from;
    const imageBytes = height * width * channels;
    const out = new Float32Array(size * imageBytes);
    const rng = new Rng(hashSeed(seed, STREAM.augment, epoch, index));
    const geometry = { height, width, channels };
    const table = this.table as Float32Array;
    // Every image of the batch draws its augmentation, in order, so a shard's images get the draws
    // they get in an unsharded run.
    for (let i = 0; i < to; i++) {
      const draw = drawAugment(rng, augment);
      if (i < from) continue;
      transformImage(images, (order[i] as number) * imageBytes, geometry, draw, table, out, i - from, layout);
    }
    const shape: Batch['shape'] = layout === 'nchw' ? [size, channels, height, width] : [size, height, width, channels];
    return { shape, layout, images: out };
  }

  /** Each sample draws from its own stream, keyed by its place in the whole batch, so shards agree without drawing for one another. */
  private sequences(data: SequenceArrays, epoch: number, index: number, order: Uint32Array, from: number, to: number): Pick<Batch, 'shape' | 'layout' | 'images'> {
    const { signalAugment, seed } = this.settings;
    const { values, channels, length } = data;
    const size = to - from;
    const sampleFloats = channels * length;
    const out = new Float32Array(size * sampleFloats);
    const geometry = { channels, length };
    for (let i = from; i < to; i++) {
      const offset = (order[i] as number) * sampleFloats;
      if (signalAugment === null) {
        out.set(values.subarray(offset, offset + sampleFloats), (i - from) * sampleFloats);
        continue;
      }
      const rng = new Rng(hashSeed(seed, STREAM.signal, epoch, index, i));
      const draw = drawSignalAugment(rng, signalAugment, channels, length);
      transformSignal(values, offset, geometry, draw, signalAugment.jitter, rng, out, i - from);
    }
    return { shape: [size, channels, length], layout: 'ncl', images: out };
  }
}
