// Time-series files: the UCR tsv and sktime .ts archives and sensor CSV logs, read into paired,
// normalised SequenceDatasets, with bad input reported as a SeriesFormatError at its file and line.
export { SeriesFormatError } from './errors.js';
export { loadUcr, readUcrFile } from './ucr.js';
export { loadUea, readTsFile } from './uea.js';
export { loadSensorCsv, type SensorCsvOptions, type SensorCsvSplits } from './csv.js';
export { pairSplits, type SeriesSplits } from './pair.js';
export { channelStatistics, normalizeWith } from './normalize.js';
export { classNamesOf } from './labels.js';
export type { RawSplit } from './raw.js';
