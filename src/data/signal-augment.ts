// Random transforms of one float32 [C, L] signal, written straight into a batch: window crop (a
// random stretch of the signal resampled back to the full length, so the model's input length never
// changes), circular time shift, per-channel scaling and additive Gaussian jitter. These are the
// common signal augmentations surveyed by Um et al. 2017 and Iwana & Uchida 2021. Values are already
// normalised per channel, so sigmas are in units of the channel's standard deviation.
import type { Rng } from './rng.js';

export interface SignalAugmentOptions {
  /** Standard deviation of the noise added to every value; 0 disables it. */
  jitter: number;
  /** Standard deviation of each channel's factor, drawn from N(1, scaling) per sample; 0 disables it. */
  scaling: number;
  /**
   * Largest shift in time steps, drawn uniformly from -timeShift..timeShift per sample; 0 disables it.
   * The shift is circular: what leaves one end comes back at the other, so no values are invented and
   * a periodic signal (a vibration) keeps its spectrum.
   */
  timeShift: number;
  /** Fraction of the length a random crop keeps before it is stretched back, in (0, 1]; 1 disables it. */
  windowCrop: number;
}

/** Every signal augmentation off. */
export const NO_SIGNAL_AUGMENT: Readonly<SignalAugmentOptions> = { jitter: 0, scaling: 0, timeShift: 0, windowCrop: 1 };

/** The option names as `catrain train` spells them, for messages. */
const FLAGS: Record<keyof SignalAugmentOptions, string> = { jitter: '--jitter', scaling: '--scaling', timeShift: '--time-shift', windowCrop: '--window-crop' };

/** What is wrong with the options (for signals of `length` steps, when known); empty when they are usable. */
export function signalAugmentProblems(options: Readonly<SignalAugmentOptions>, length?: number): string[] {
  const problems: string[] = [];
  for (const key of ['jitter', 'scaling'] as const) {
    const sigma = options[key];
    if (!Number.isFinite(sigma) || sigma < 0) problems.push(`${FLAGS[key]} (a standard deviation) must be a finite number >= 0, got ${sigma}`);
  }
  const { timeShift, windowCrop } = options;
  if (!Number.isSafeInteger(timeShift) || timeShift < 0) problems.push(`${FLAGS.timeShift} must be a whole number of steps >= 0, got ${timeShift}`);
  else if (length !== undefined && timeShift > 0 && timeShift >= length) problems.push(`${FLAGS.timeShift} ${timeShift} must be below the sequence length ${length}`);
  if (!(windowCrop > 0 && windowCrop <= 1)) problems.push(`${FLAGS.windowCrop} (the fraction of the length kept) must be in (0, 1], got ${windowCrop}`);
  return problems;
}

export const isSignalAugmentOff = (options: Readonly<SignalAugmentOptions>): boolean =>
  options.jitter === 0 && options.scaling === 0 && options.timeShift === 0 && options.windowCrop === 1;

/** One sample's random choices, except the jitter, which is drawn value by value as it is written. */
export interface SignalDraw {
  /** First step of the cropped window and its length (0 and L when not cropped). */
  cropStart: number;
  cropLength: number;
  /** Steps the signal moves later in time (negative: earlier). */
  shift: number;
  /** Factor per channel; null when not scaled. */
  scales: Float64Array | null;
}

/** Steps a crop keeps of a signal of `length` steps: at least one. */
export const cropLengthOf = (windowCrop: number, length: number): number => Math.max(1, Math.min(length, Math.round(windowCrop * length)));

/** The draws for one sample, in a fixed order (crop, shift, scales), each only when its option is on. */
export function drawSignalAugment(rng: Rng, options: Readonly<SignalAugmentOptions>, channels: number, length: number): SignalDraw {
  const cropLength = cropLengthOf(options.windowCrop, length);
  const cropStart = cropLength < length ? rng.below(length - cropLength + 1) : 0;
  const shift = options.timeShift > 0 ? rng.below(2 * options.timeShift + 1) - options.timeShift : 0;
  let scales: Float64Array | null = null;
  if (options.scaling > 0) {
    scales = new Float64Array(channels);
    for (let c = 0; c < channels; c++) scales[c] = 1 + options.scaling * rng.normal();
  }
  return { cropStart, cropLength, shift, scales };
}

export interface SignalGeometry {
  channels: number;
  length: number;
}

/**
 * Writes signal `src[srcOffset ..]` ([C, L] floats) as sample `sample` of the batch `out`:
 * out[c, t] = scale[c] * y[c, (t - shift) mod L] + jitter * n, where y is the crop
 * src[c, cropStart .. cropStart + cropLength) resampled to L steps by linear interpolation (its first
 * and last values land on the first and last steps), and n is drawn from `rng` per value.
 */
export function transformSignal(
  src: Float32Array, srcOffset: number, geometry: SignalGeometry, draw: SignalDraw,
  jitter: number, rng: Rng, out: Float32Array, sample: number,
): void {
  const { channels: C, length: L } = geometry;
  const { cropStart, cropLength, shift, scales } = draw;
  // Source position of output step u of the stretched crop: cropStart + u * ratio.
  const ratio = L > 1 ? (cropLength - 1) / (L - 1) : 0;
  const offset = ((shift % L) + L) % L;
  for (let c = 0; c < C; c++) {
    const from = srcOffset + c * L;
    const to = (sample * C + c) * L;
    const scale = scales === null ? 1 : (scales[c] as number);
    for (let t = 0; t < L; t++) {
      const u = t - offset < 0 ? t - offset + L : t - offset;
      const position = cropStart + u * ratio;
      const left = Math.floor(position);
      const right = Math.min(left + 1, cropStart + cropLength - 1);
      const weight = position - left;
      const a = src[from + left] as number;
      const value = weight === 0 ? a : a + (((src[from + right] as number) - a) * weight);
      out[to + t] = jitter > 0 ? scale * value + jitter * rng.normal() : scale * value;
    }
  }
}
