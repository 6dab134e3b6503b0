// Turning the two splits a reader produced into the SequenceDatasets a run trains and tests on: they
// must agree on shape, test labels must be training classes, and both are standardised with the
// training split's statistics.
import { sharedLabels, type SequenceDataset } from '../dataset.js';
import { SeriesFormatError } from './errors.js';
import { classIndices, classNamesOf } from './labels.js';
import { channelStatistics, standardize } from './normalize.js';
import type { RawSplit } from './raw.js';

/** The training and test sets of one series source. */
export interface SeriesSplits {
  train: SequenceDataset;
  test: SequenceDataset;
}

function checkSameShape(train: RawSplit, test: RawSplit): void {
  for (const [what, a, b] of [['channels', train.channels, test.channels], ['time steps', train.length, test.length]] as const) {
    if (a !== b) {
      throw new SeriesFormatError(
        test.file, test.lines[0] ?? 0,
        `its series have ${b} ${what} but those of the training split ${train.file} have ${a}; both splits must have the same channels and length`,
      );
    }
  }
}

/** The paired, normalised datasets; `name` is the spec they came from (e.g. 'ucr:/data/UCR/FordA'). */
export function pairSplits(name: string, train: RawSplit, test: RawSplit): SeriesSplits {
  if (train.count === 0) throw new SeriesFormatError(train.file, 0, 'the training split has no samples');
  if (test.count === 0) throw new SeriesFormatError(test.file, 0, 'the test split has no samples');
  checkSameShape(train, test);
  const classNames = classNamesOf(train.labels);
  const normalization = channelStatistics(train.values, train.count, train.channels, train.length);
  const build = (split: RawSplit): SequenceDataset => {
    const indices = classIndices(split, classNames, train.file);
    const labels = sharedLabels(split.count, classNames.length);
    labels.set(indices);
    return {
      kind: 'sequence', name,
      values: standardize(split.values, split.channels, split.length, normalization),
      labels, count: split.count, channels: split.channels, length: split.length,
      numClasses: classNames.length, classNames, normalization,
    };
  };
  return { train: build(train), test: build(test) };
}
