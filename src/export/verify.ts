// What an export is checked against: catrain's own logits for the same inputs. Used by the tests and
// bench/export; a deployer's runtime gets the raw batch (pixels in [0, 1], or signal values as
// recorded), catrain gets it normalised as in training.
import * as E from '../engine/index.js';
import type { ImageDataset, SequenceDataset } from '../data/index.js';
import type { Module } from '../nn/index.js';

/** A batch as the exported graphs take it: float32 pixel / 255 NCHW, or raw signal values NCL. */
export interface InputBatch {
  readonly data: Float32Array;
  /** [N, C, H, W] or [N, C, L] */
  readonly shape: readonly number[];
}

/** A batch of images: float32 pixel / 255, NCHW. */
export interface PixelBatch extends InputBatch {
  readonly shape: readonly [number, number, number, number];
}

/** The first `count` images of a dataset (HWC bytes) as a PixelBatch. */
export function pixelBatch(dataset: ImageDataset, count: number): PixelBatch {
  const n = Math.min(count, dataset.count);
  const { channels: c, height: h, width: w } = dataset;
  const data = new Float32Array(n * c * h * w);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let ch = 0; ch < c; ch++) data[((i * c + ch) * h + y) * w + x] = (dataset.images[((i * h + y) * w + x) * c + ch] as number) / 255;
      }
    }
  }
  return { data, shape: [n, c, h, w] };
}

/**
 * The first `count` signals of a sequence set as recorded, before normalisation (the set holds them
 * normalised by its training statistics; the export takes raw values and normalises inside).
 */
export function signalBatch(dataset: SequenceDataset, count: number): InputBatch {
  const n = Math.min(count, dataset.count);
  const { channels: c, length } = dataset;
  const { mean, std } = dataset.normalization;
  const data = new Float32Array(n * c * length);
  for (let i = 0; i < data.length; i++) {
    const ch = Math.floor(i / length) % c;
    data[i] = (dataset.values[i] as number) * (std[ch] as number) + (mean[ch] as number);
  }
  return { data, shape: [n, c, length] };
}

/** catrain's logits for a raw batch: per-channel (x - mean) / std, then the network in eval mode. */
export function catrainLogits(model: Module, batch: InputBatch, normalization: { mean: readonly number[]; std: readonly number[] }): Float32Array {
  const [n = 0, c = 1, ...positions] = batch.shape;
  const perChannel = positions.reduce((a, b) => a * b, 1);
  const normalized = new Float32Array(batch.data.length);
  for (let i = 0; i < batch.data.length; i++) {
    const ch = Math.floor(i / perChannel) % c;
    normalized[i] = ((batch.data[i] as number) - (normalization.mean[ch] as number)) / (normalization.std[ch] as number);
  }
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    const device = model.parameters()[0]?.value.device ?? 'cpu';
    return E.noGrad(() => E.scope(() => Float32Array.from(model.call(E.tensor(normalized, { shape: [n, c, ...positions] }).to(device)).cpu().data<'float32'>())));
  } finally {
    for (const [m, mode] of modes) m.train(mode);
  }
}

/** The largest |a[i] - b[i]|; throws when the lengths differ. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare ${a.length} values with ${b.length}`);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs((a[i] as number) - (b[i] as number)));
  return largest;
}
