// Dataset specs as written on the command line ("cifar10:/data/cifar-10-batches-bin",
// "ucr:/data/UCRArchive_2018/FordA"), parsed into a typed description and loaded. Image sets load one
// split at a time; a time series loads both splits together, since the test split is normalised with
// the training split's statistics (and, for a sensor log, cut from the same file).
import path from 'node:path';
import { loadCifar10, loadCifar100 } from './cifar.js';
import type { Dataset, ImageDataset, Split } from './dataset.js';
import { loadImageFolder, type ImageFolderOptions } from './folder.js';
import type { ResizeMode } from './image.js';
import { loadFashionMnist, loadMnist } from './mnist.js';
import { loadSensorCsv, loadUcr, loadUea, type SensorCsvOptions } from './series/index.js';

export type ImageDatasetSpec =
  | { kind: 'mnist'; dir?: string }
  | { kind: 'fashion-mnist'; dir?: string }
  | { kind: 'cifar10'; dir: string }
  | { kind: 'cifar100'; dir: string }
  | { kind: 'folder'; dir: string };

/** A time-series archive entry (the folder holding the archive, and the dataset's name in it), or a sensor log. */
export type SeriesDatasetSpec =
  | { kind: 'ucr'; dir: string; name: string }
  | { kind: 'uea'; dir: string; name: string }
  | { kind: 'csv'; file: string };

export type DatasetSpec = ImageDatasetSpec | SeriesDatasetSpec;

export type DatasetKind = DatasetSpec['kind'];

const SERIES_KINDS: ReadonlySet<string> = new Set(['ucr', 'uea', 'csv']);

export const isSeriesSpec = (spec: DatasetSpec): spec is SeriesDatasetSpec => SERIES_KINDS.has(spec.kind);

/** Every form parseDatasetSpec accepts, as shown in its errors and in CLI help. */
export const DATASET_SPEC_FORMS: readonly string[] = [
  'mnist (or mnist:DIR)',
  'fashion-mnist (or fashion-mnist:DIR)',
  'cifar10:DIR',
  'cifar100:DIR',
  'folder:DIR (needs an image size)',
  'ucr:DIR/NAME (UCR 2018 archive: NAME_TRAIN.tsv, NAME_TEST.tsv)',
  'uea:DIR/NAME (UEA archive, sktime .ts files)',
  'csv:FILE (a sensor log; needs a window)',
];

const formsList = (): string => DATASET_SPEC_FORMS.join(', ');

/** Parses "kind" or "kind:DIR"; an unknown kind or a missing DIR throws an error listing the valid forms. */
export function parseDatasetSpec(text: string): DatasetSpec {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const dir = colon < 0 ? undefined : text.slice(colon + 1);
  if (dir === '') throw new Error(`dataset '${text}': the directory after ':' is empty; valid forms: ${formsList()}`);
  switch (kind) {
    case 'mnist':
    case 'fashion-mnist':
      return dir === undefined ? { kind } : { kind, dir };
    case 'cifar10':
    case 'cifar100':
    case 'folder':
      if (dir === undefined) throw new Error(`dataset '${text}' needs a directory: ${kind}:DIR; valid forms: ${formsList()}`);
      return { kind, dir };
    case 'ucr':
    case 'uea': {
      // A trailing slash names the same dataset: ucr:DIR/NAME/.
      const entry = dir?.replace(/\/+$/, '');
      const slash = entry?.lastIndexOf('/') ?? -1;
      if (entry === undefined || slash <= 0 || slash === entry.length - 1) {
        throw new Error(`dataset '${text}' needs the archive folder and the dataset's name: ${kind}:DIR/NAME (e.g. ${kind}:/data/${kind === 'ucr' ? 'UCRArchive_2018/FordA' : 'Multivariate_ts/BasicMotions'}); valid forms: ${formsList()}`);
      }
      return { kind, dir: entry.slice(0, slash), name: entry.slice(slash + 1) };
    }
    case 'csv':
      if (dir === undefined) throw new Error(`dataset '${text}' needs a file: csv:FILE; valid forms: ${formsList()}`);
      return { kind, file: dir };
    default:
      throw new Error(`unknown dataset '${text}'; valid forms: ${formsList()}`);
  }
}

/**
 * The spec as a run records it: paths made absolute against `cwd`, so `eval` and `--resume` find the
 * data from any working directory.
 */
export function formatDatasetSpec(spec: DatasetSpec, cwd = process.cwd()): string {
  switch (spec.kind) {
    case 'ucr':
    case 'uea':
      return `${spec.kind}:${path.resolve(cwd, spec.dir)}/${spec.name}`;
    case 'csv':
      return `csv:${path.resolve(cwd, spec.file)}`;
    default:
      return spec.dir === undefined ? spec.kind : `${spec.kind}:${path.resolve(cwd, spec.dir)}`;
  }
}

export interface LoadDatasetOptions {
  /** For folder:DIR (required there): the fixed size images are center-resized to. */
  imageSize?: ImageFolderOptions['imageSize'];
  /** For folder:DIR: 'bilinear' (default) or 'nearest'. */
  resize?: ResizeMode;
  /** For csv:FILE (required there): time steps in one window, i.e. one sample. */
  window?: number;
  /** For csv:FILE: steps between the starts of consecutive windows (default: the loader's, non-overlapping). */
  stride?: number;
  /** For csv:FILE: the column holding the class label (default: the loader's, 'label'). */
  labelColumn?: string;
  /** For csv:FILE: the trailing fraction of the rows kept for testing, in (0, 1) (default: the loader's, 0.2). */
  testFraction?: number;
}

/** The options that only csv: sensor logs take: how the log is cut into windows and split. */
export type SensorLogOptions = Pick<LoadDatasetOptions, 'window' | 'stride' | 'labelColumn' | 'testFraction'>;

const SENSOR_LOG_FLAGS = [['window', '--window'], ['stride', '--stride'], ['labelColumn', '--label-column'], ['testFraction', '--test-fraction']] as const;

/** What is wrong with the sensor-log option values themselves, whatever the data; empty when they are valid. */
export function sensorLogValueProblems(options: SensorLogOptions): string[] {
  const problems: string[] = [];
  const { window, stride, labelColumn, testFraction } = options;
  for (const [flag, value] of [['--window', window], ['--stride', stride]] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) problems.push(`${flag} must be a positive whole number of time steps, got ${value}`);
  }
  if (labelColumn !== undefined && (typeof labelColumn !== 'string' || labelColumn.trim() === '')) problems.push(`--label-column must name a column of the log's header, got ${JSON.stringify(labelColumn)}`);
  if (testFraction !== undefined && !(typeof testFraction === 'number' && testFraction > 0 && testFraction < 1)) problems.push(`--test-fraction must be a number strictly between 0 and 1, got ${testFraction}`);
  return problems;
}

/** What is wrong with the sensor-log options (window, stride, label column, test fraction) for this spec; empty when they fit it. */
export function windowProblems(spec: DatasetSpec, options: SensorLogOptions): string[] {
  const problems = sensorLogValueProblems(options);
  if (spec.kind === 'csv') {
    if (options.window === undefined) problems.push(`csv:${spec.file} is a sensor log cut into windows: give --window N (time steps per sample), and optionally --stride`);
  } else {
    for (const [key, flag] of SENSOR_LOG_FLAGS) {
      if (options[key] !== undefined) problems.push(`${flag} only applies to csv: sensor logs, not ${spec.kind} data`);
    }
  }
  return problems;
}

/** Loads both splits of any dataset (see DATASET_SPEC_FORMS): images one split at a time, a series in one go. */
export function loadDatasets(spec: string | DatasetSpec, options: LoadDatasetOptions = {}): { train: Dataset; test: Dataset } {
  const parsed = typeof spec === 'string' ? parseDatasetSpec(spec) : spec;
  if (!isSeriesSpec(parsed)) return { train: loadDataset(parsed, 'train', options), test: loadDataset(parsed, 'test', options) };
  const problems = windowProblems(parsed, options);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  switch (parsed.kind) {
    case 'ucr':
      return loadUcr(parsed.dir, parsed.name);
    case 'uea':
      return loadUea(parsed.dir, parsed.name);
    case 'csv': {
      const csvOptions: SensorCsvOptions = { window: options.window as number };
      if (options.stride !== undefined) csvOptions.stride = options.stride;
      if (options.labelColumn !== undefined) csvOptions.labelColumn = options.labelColumn;
      if (options.testFraction !== undefined) csvOptions.testFraction = options.testFraction;
      return loadSensorCsv(parsed.file, csvOptions);
    }
  }
}

/**
 * Loads one split of an image dataset given as a spec string (see DATASET_SPEC_FORMS) or a parsed
 * spec. Time series are loaded with loadDatasets, which gives both splits.
 */
export function loadDataset(spec: string | DatasetSpec, split: Split, options: LoadDatasetOptions = {}): ImageDataset {
  const parsed = typeof spec === 'string' ? parseDatasetSpec(spec) : spec;
  switch (parsed.kind) {
    case 'ucr':
    case 'uea':
    case 'csv':
      throw new Error(`${parsed.kind}: data is loaded with both splits at once (the test split is normalised with the training split's statistics): use loadDatasets`);
    case 'mnist':
      return loadMnist(split, parsed.dir);
    case 'fashion-mnist':
      return loadFashionMnist(split, parsed.dir);
    case 'cifar10':
      return loadCifar10(parsed.dir, split);
    case 'cifar100':
      return loadCifar100(parsed.dir, split);
    case 'folder': {
      if (options.imageSize === undefined) {
        throw new Error(`folder:${parsed.dir}: images must be resized to one size; give an image size (e.g. --image-size 64)`);
      }
      const folderOptions: ImageFolderOptions = { imageSize: options.imageSize };
      if (options.resize !== undefined) folderOptions.resize = options.resize;
      return loadImageFolder(parsed.dir, split, folderOptions);
    }
  }
}
