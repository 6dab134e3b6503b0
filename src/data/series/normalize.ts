// Per-channel standardisation of sequence values. The statistics come from the training split alone, so
// nothing about the test split leaks into training, and are applied to both splits.
import { isSequenceDataset, sharedFloats, type SequenceDataset, type SequenceNormalization } from '../dataset.js';

/**
 * Mean and (population) standard deviation of each channel over every sample and time step of
 * `values` (count samples of [channels, length]). A channel that holds a single value everywhere gets
 * std 1 instead of 0: dividing by 0 would turn it into NaN, and a constant channel carries nothing to
 * scale, so it becomes all zeros in training and stays in its own units in a test split that differs.
 */
export function channelStatistics(values: Float32Array, count: number, channels: number, length: number): SequenceNormalization {
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < count; i++) {
      const start = (i * channels + c) * length;
      for (let t = start; t < start + length; t++) {
        const v = values[t] as number;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    const m = sum / (count * length);
    // Two passes rather than sum of squares: the values may sit far from zero (a temperature in kelvin).
    let squares = 0;
    for (let i = 0; i < count; i++) {
      const start = (i * channels + c) * length;
      for (let t = start; t < start + length; t++) squares += ((values[t] as number) - m) ** 2;
    }
    mean.push(m);
    std.push(min === max ? 1 : Math.sqrt(squares / (count * length)));
  }
  return { mean, std };
}

/** values * scale[c] + shift[c] per channel, into a new shared array. */
function affine(values: Float32Array, channels: number, length: number, scale: readonly number[], shift: readonly number[]): Float32Array {
  const out = sharedFloats(values.length);
  const block = channels * length;
  for (let start = 0; start < values.length; start += block) {
    for (let c = 0; c < channels; c++) {
      const a = scale[c] as number;
      const b = shift[c] as number;
      const from = start + c * length;
      for (let t = from; t < from + length; t++) out[t] = (values[t] as number) * a + b;
    }
  }
  return out;
}

/** (values - mean) / std per channel, into a new shared array. */
export function standardize(values: Float32Array, channels: number, length: number, normalization: SequenceNormalization): Float32Array {
  const out = sharedFloats(values.length);
  const block = channels * length;
  for (let start = 0; start < values.length; start += block) {
    for (let c = 0; c < channels; c++) {
      const m = normalization.mean[c] as number;
      const s = normalization.std[c] as number;
      const from = start + c * length;
      for (let t = from; t < from + length; t++) out[t] = ((values[t] as number) - m) / s;
    }
  }
  return out;
}

function checkNormalization(normalization: SequenceNormalization, channels: number, what: string): void {
  if (normalization.mean.length !== channels || normalization.std.length !== channels) {
    throw new RangeError(`${what} has ${normalization.mean.length} means and ${normalization.std.length} stds for ${channels} channels; it must have one of each per channel`);
  }
  normalization.std.forEach((s, c) => {
    if (!(Number.isFinite(s) && s > 0)) throw new RangeError(`${what}: std of channel ${c} is ${s}; it must be a positive number`);
  });
  normalization.mean.forEach((m, c) => {
    if (!Number.isFinite(m)) throw new RangeError(`${what}: mean of channel ${c} is ${m}; it must be a finite number`);
  });
}

/**
 * The dataset normalised with `normalization` instead of its own statistics (e.g. a saved run's, when
 * its data is reloaded for eval). The values are mapped from the old normalisation to the new in one
 * step; with equal statistics they are copied bit for bit.
 */
export function normalizeWith(dataset: SequenceDataset, normalization: SequenceNormalization): SequenceDataset {
  if (!isSequenceDataset(dataset)) throw new TypeError(`normalizeWith: dataset ${String((dataset as { name?: unknown }).name)} is not a sequence dataset`);
  checkNormalization(normalization, dataset.channels, 'the normalisation to apply');
  checkNormalization(dataset.normalization, dataset.channels, `dataset ${dataset.name}'s normalisation`);
  const old = dataset.normalization;
  // raw = v * oldStd + oldMean, new = (raw - mean) / std.
  const scale = old.std.map((s, c) => s / (normalization.std[c] as number));
  const shift = old.mean.map((m, c) => (m - (normalization.mean[c] as number)) / (normalization.std[c] as number));
  let values: Float32Array;
  if (scale.every((a) => a === 1) && shift.every((b) => b === 0)) {
    values = sharedFloats(dataset.values.length);
    values.set(dataset.values);
  } else {
    values = affine(dataset.values, dataset.channels, dataset.length, scale, shift);
  }
  return { ...dataset, values, normalization: { mean: [...normalization.mean], std: [...normalization.std] } };
}
