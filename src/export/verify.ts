// What an export is checked against: catrain's own logits for the same pixels. Used by the tests and
// bench/export; a deployer's runtime gets the pixel batch, catrain gets it normalised as in training.
import * as E from '../engine/index.js';
import type { ImageDataset } from '../data/index.js';
import type { Module } from '../nn/index.js';

/** A batch of images as the exported graphs take it: float32 pixel / 255, NCHW. */
export interface PixelBatch {
  readonly data: Float32Array;
  /** [N, C, H, W] */
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

/** catrain's logits for a pixel batch: per-channel (x - mean) / std, then the network in eval mode. */
export function catrainLogits(model: Module, batch: PixelBatch, normalization: { mean: readonly number[]; std: readonly number[] }): Float32Array {
  const [n, c, h, w] = batch.shape;
  const normalized = new Float32Array(batch.data.length);
  for (let i = 0; i < batch.data.length; i++) {
    const ch = Math.floor(i / (h * w)) % c;
    normalized[i] = ((batch.data[i] as number) - (normalization.mean[ch] as number)) / (normalization.std[ch] as number);
  }
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  try {
    const device = model.parameters()[0]?.value.device ?? 'cpu';
    return E.noGrad(() => E.scope(() => Float32Array.from(model.call(E.tensor(normalized, { shape: [n, c, h, w] }).to(device)).cpu().data<'float32'>())));
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
