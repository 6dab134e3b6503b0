// The in-memory datasets the loaders in src/data produce (uint8 HWC images, float32 [C, L] sequences),
// and the checks that keep them consistent.

/** Which part of a dataset to load: 'test' is the held-out set (t10k, test_batch, val/). */
export type Split = 'train' | 'test';

/** A labelled image set held in memory as one HWC uint8 array: image i is images[i*H*W*C, (i+1)*H*W*C). */
export interface ImageDataset {
  /** Absent on image sets built before sequences existed; 'image' otherwise. */
  kind?: 'image';
  /** 'mnist', 'fashion-mnist', 'cifar10', 'cifar100' or 'folder'; selects the normalisation constants. */
  name: string;
  /** count * height * width * channels bytes, HWC per image. Loaders allocate it on a SharedArrayBuffer. */
  images: Uint8Array;
  /** One label per image, each below numClasses. */
  labels: Uint8Array | Uint16Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames?: readonly string[];
}

/** Per-channel statistics of a sequence set's training split, already applied to its values. */
export interface SequenceNormalization {
  mean: readonly number[];
  std: readonly number[];
}

/**
 * A labelled set of equal-length float32 signals held in memory: sample i is
 * values[i*C*L, (i+1)*C*L), channel-major ([C, L] per sample, as a Conv1d reads it).
 */
export interface SequenceDataset {
  kind: 'sequence';
  /** The spec it came from, e.g. 'ucr:/data/UCR/FordA'. */
  name: string;
  /** count * channels * length floats, normalised with `normalization`, on a SharedArrayBuffer. */
  values: Float32Array;
  labels: Uint8Array | Uint16Array;
  count: number;
  channels: number;
  length: number;
  numClasses: number;
  /** Label text as the files spell it, by class index. */
  classNames?: readonly string[];
  normalization: SequenceNormalization;
}

/** Any dataset a run trains on: uint8 HWC images or float32 [C, L] sequences. */
export type Dataset = ImageDataset | SequenceDataset;

export const isSequenceDataset = (dataset: Dataset): dataset is SequenceDataset => dataset.kind === 'sequence';

/** The model input of one sample, without the batch dim: [C, H, W] for images, [C, L] for sequences. */
export function sampleShape(dataset: Dataset): number[] {
  return isSequenceDataset(dataset) ? [dataset.channels, dataset.length] : [dataset.channels, dataset.height, dataset.width];
}

/** A byte array on a SharedArrayBuffer, so DataLoader workers can read it without a copy. */
export function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** The narrowest label array that holds numClasses classes, on a SharedArrayBuffer. */
export function sharedLabels(count: number, numClasses: number): Uint8Array | Uint16Array {
  if (numClasses <= 256) return new Uint8Array(new SharedArrayBuffer(count));
  if (numClasses <= 65536) return new Uint16Array(new SharedArrayBuffer(2 * count));
  throw new RangeError(`${numClasses} classes do not fit a Uint16Array label (at most 65536)`);
}

/** A float array on a SharedArrayBuffer, so DataLoader workers can read it without a copy. */
export function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * length));
}

/** What one sample of a dataset is called in messages. */
const sampleNoun = (dataset: Dataset): string => (isSequenceDataset(dataset) ? 'sequences' : 'images');

/** The numbers one sample holds: H*W*C bytes of an image, C*L floats of a sequence. */
export function sampleSize(dataset: Dataset): number {
  return isSequenceDataset(dataset) ? dataset.channels * dataset.length : dataset.height * dataset.width * dataset.channels;
}

/** Throws unless the arrays agree with the sizes and every label is below numClasses. */
export function checkDataset<D extends Dataset>(dataset: D): D {
  const { name, count, channels, numClasses } = dataset;
  const sizes = isSequenceDataset(dataset) ? { count, channels, length: dataset.length, numClasses } : { count, height: dataset.height, width: dataset.width, channels, numClasses };
  for (const [field, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`dataset ${name}: ${field} is ${value}, expected a non-negative integer`);
  }
  if (isSequenceDataset(dataset)) checkSequenceValues(dataset);
  else {
    const bytes = count * dataset.height * dataset.width * channels;
    if (dataset.images.length !== bytes) {
      throw new RangeError(`dataset ${name}: images has ${dataset.images.length} bytes, expected ${count}x${dataset.height}x${dataset.width}x${channels} = ${bytes}`);
    }
  }
  const noun = sampleNoun(dataset);
  if (dataset.labels.length !== count) throw new RangeError(`dataset ${name}: ${dataset.labels.length} labels for ${count} ${noun}`);
  const bad = dataset.labels.findIndex((label) => label >= numClasses);
  if (bad >= 0) throw new RangeError(`dataset ${name}: label ${dataset.labels[bad]} of ${noun.slice(0, -1)} ${bad} is not below numClasses ${numClasses}`);
  if (dataset.classNames !== undefined && dataset.classNames.length !== numClasses) {
    throw new RangeError(`dataset ${name}: ${dataset.classNames.length} class names for ${numClasses} classes`);
  }
  return dataset;
}

/** The float array's size, its finiteness (a NaN would poison every batch it is in) and the statistics' shape. */
function checkSequenceValues(dataset: SequenceDataset): void {
  const { name, count, channels, length, values, normalization } = dataset;
  const floats = count * channels * length;
  if (values.length !== floats) throw new RangeError(`dataset ${name}: values has ${values.length} floats, expected ${count}x${channels}x${length} = ${floats}`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const perSample = channels * length;
    throw new RangeError(`dataset ${name}: value ${values[bad]} in sequence ${Math.floor(bad / perSample)}, channel ${Math.floor((bad % perSample) / length)}, step ${bad % length}; every value must be finite`);
  }
  if (normalization.mean.length !== channels || normalization.std.length !== channels) {
    throw new RangeError(`dataset ${name}: normalization has ${normalization.mean.length} means and ${normalization.std.length} stds for ${channels} channels`);
  }
}

/** The first `count` samples of a dataset, copied onto shared memory (a pilot's training set). */
export function firstSamples<D extends Dataset>(dataset: D, count: number): D {
  if (!Number.isInteger(count) || count < 1 || count > dataset.count) {
    throw new RangeError(`dataset ${dataset.name}: cannot take the first ${count} of its ${dataset.count} ${sampleNoun(dataset)}; choose 1 to ${dataset.count}`);
  }
  const size = sampleSize(dataset);
  const labels = sharedLabels(count, dataset.numClasses);
  labels.set(dataset.labels.subarray(0, count));
  if (isSequenceDataset(dataset)) {
    const values = sharedFloats(count * size);
    values.set(dataset.values.subarray(0, count * size));
    return { ...dataset, values, labels, count };
  }
  const images = sharedBytes(count * size);
  images.set((dataset as ImageDataset).images.subarray(0, count * size));
  return { ...dataset, images, labels, count };
}

/** The first `count` images of an image set: firstSamples under its older name. */
export const firstImages = (dataset: ImageDataset, count: number): ImageDataset => firstSamples(dataset, count);
