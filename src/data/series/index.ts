// TEMPORARY placeholder on branch ts-data, so the data layer builds and its specs can be tested
// before the real loaders land. The lead replaces this file with helper GEN's src/data/series/ on
// merge; nothing here is meant to ship. Signatures follow the contract in the issue-17 brief.
import type { SequenceDataset, SequenceNormalization } from '../dataset.js';

export interface SeriesSplits {
  train: SequenceDataset;
  test: SequenceDataset;
}

export interface SensorCsvOptions {
  window: number;
  stride?: number;
  testFraction?: number;
  labelColumn?: string;
}

/** A file that is not what its format says; `line` is 1-based, 0 when the problem is not one line. */
export class SeriesFormatError extends Error {
  override name = 'SeriesFormatError';
  constructor(message: string, readonly file: string, readonly line: number) {
    super(message);
  }
}

const notMerged = (what: string): Error => new Error(`${what}: the time-series loaders are not merged yet (src/data/series is a placeholder on this branch)`);

export function loadUcr(dir: string, name: string): SeriesSplits {
  throw notMerged(`ucr:${dir}/${name}`);
}

export function loadUea(dir: string, name: string): SeriesSplits {
  throw notMerged(`uea:${dir}/${name}`);
}

export function loadSensorCsv(file: string, options: SensorCsvOptions): SeriesSplits {
  throw notMerged(`csv:${file} (window ${options.window})`);
}

export function normalizeWith(dataset: SequenceDataset, normalization: SequenceNormalization): SequenceDataset {
  throw notMerged(`normalizeWith(${dataset.name}, ${normalization.mean.length} channels)`);
}
