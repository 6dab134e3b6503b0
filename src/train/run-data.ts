// data.json: what a sequence run knows of its data and cannot get back from its config alone, chiefly
// the per-channel statistics its training split was normalised with. Loading the data again computes
// them again, from whatever the training files hold then; eval and resume re-apply the saved ones, so
// the network sees inputs scaled as in training even if the files changed. Image runs have no data.json:
// their normalisation is a constant of the dataset's name (src/data/augment.ts).
import { isSequenceDataset, normalizeWith, type Dataset, type SequenceDataset, type SequenceNormalization } from '../data/index.js';
import { RunDirectoryError, type RunDirectory } from './run-dir.js';

export interface RunData {
  kind: 'sequence';
  /** The dataset's name: the spec it was loaded from. */
  name: string;
  channels: number;
  length: number;
  num_classes: number;
  class_names?: readonly string[];
  /** Per channel, over the training split, as loaded (before any --train-subset). */
  normalization: SequenceNormalization;
  /** Sequences the run trained on (after any --train-subset) and was tested on; absent in records older than these fields. */
  train_count?: number;
  test_count?: number;
}

/** The record of a sequence run's data; null for images, which need none. */
export function describeRunData(train: Dataset, test: Dataset): RunData | null {
  if (!isSequenceDataset(train)) return null;
  const data: RunData = {
    kind: 'sequence', name: train.name, channels: train.channels, length: train.length, num_classes: train.numClasses,
    normalization: { mean: [...train.normalization.mean], std: [...train.normalization.std] },
    train_count: train.count, test_count: test.count,
  };
  if (train.classNames !== undefined) data.class_names = [...train.classNames];
  return data;
}

/** data.json of a run, or null when it has none (an image run, or one written before sequences existed). */
export function readRunData(run: RunDirectory): RunData | null {
  if (!run.has('data')) return null;
  const data = run.readJson<RunData>('data');
  const { mean, std } = data.normalization ?? {};
  if (data.kind !== 'sequence' || !Array.isArray(mean) || !Array.isArray(std) || mean.length !== data.channels || std.length !== data.channels) {
    throw new RunDirectoryError(`${run.file('data')} is damaged: expected a sequence record with ${data.channels} means and stds`);
  }
  return data;
}

const sameStatistics = (a: SequenceNormalization, b: SequenceNormalization): boolean =>
  a.mean.length === b.mean.length && a.mean.every((m, c) => m === b.mean[c] && a.std[c] === b.std[c]);

/** A sequence set normalised with `normalization` instead of its own statistics (unchanged when they agree). */
export function withNormalization(dataset: SequenceDataset, normalization: SequenceNormalization): SequenceDataset {
  if (normalization.mean.length !== dataset.channels) {
    throw new RunDirectoryError(`the run was normalised over ${normalization.mean.length} channels, but ${dataset.name} has ${dataset.channels}: evaluate it on the data it was trained on`);
  }
  return sameStatistics(dataset.normalization, normalization) ? dataset : normalizeWith(dataset, normalization);
}

/** Both splits re-normalised with a run's saved statistics; image splits are returned as they are. */
export function withSavedNormalization(datasets: { train: Dataset; test: Dataset }, normalization: SequenceNormalization): { train: Dataset; test: Dataset } {
  const apply = (dataset: Dataset): Dataset => (isSequenceDataset(dataset) ? withNormalization(dataset, normalization) : dataset);
  return { train: apply(datasets.train), test: apply(datasets.test) };
}

/** Throws unless `dataset` has the shape and classes the run was trained on. */
export function checkSameData(data: RunData, dataset: Dataset, source: string): void {
  if (!isSequenceDataset(dataset)) throw new RunDirectoryError(`${source} was trained on sequences (${data.name}), but ${dataset.name} holds images`);
  const mismatch = [
    dataset.channels !== data.channels ? `${dataset.channels} channels, not ${data.channels}` : null,
    dataset.length !== data.length ? `length ${dataset.length}, not ${data.length}` : null,
    dataset.numClasses !== data.num_classes ? `${dataset.numClasses} classes, not ${data.num_classes}` : null,
  ].filter((problem) => problem !== null);
  if (mismatch.length > 0) throw new RunDirectoryError(`${dataset.name} does not fit the run in ${source}: ${mismatch.join(', ')} (it was trained on ${data.name})`);
}
