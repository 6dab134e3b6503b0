// The data flags `catrain train` and `catrain sweep` share: how a dataset is read (image size, sensor
// windows) and how signals are augmented. Defined once, so a sweep's points and the full-scale
// commands it prints read the data exactly as the same flags on `catrain train` do.
import type { Command } from 'commander';
import { isSeriesSpec, parseDatasetSpec } from '../data/index.js';
import { DEFAULT_CONFIG, type TrainConfig } from '../train/index.js';
import { badArgument } from './errors.js';
import { columnName, nonNegativeInt, numberIn, positiveInt } from './options.js';

/** The config fields these flags set. */
export type DataConfigFields = Pick<TrainConfig, 'imageSize' | 'window' | 'stride' | 'labelColumn' | 'testFraction' | 'jitter' | 'scaling' | 'timeShift' | 'windowCrop'>;

/** The sensor-log flags, which have no value unless given (the loader's defaults hold then). */
type SensorLogKey = 'window' | 'stride' | 'labelColumn' | 'testFraction';

/** What commander hands over for them: the sensor-log settings only when given. */
export type DataCliOptions = Omit<DataConfigFields, SensorLogKey> & { [K in SensorLogKey]?: NonNullable<TrainConfig[K]> };

/** Their commander keys, in the order the flags are added. */
export const DATA_OPTION_KEYS = ['imageSize', 'window', 'stride', 'labelColumn', 'testFraction', 'jitter', 'scaling', 'timeShift', 'windowCrop'] as const satisfies readonly (keyof DataCliOptions)[];

export function addDataOptions(command: Command): Command {
  const d = DEFAULT_CONFIG;
  return command
    .option('--image-size <n>', 'folder datasets: side the images are resized to', positiveInt('--image-size'), d.imageSize)
    .option('--window <steps>', 'csv: sensor logs: time steps per window (one sample); required there', positiveInt('--window'))
    .option('--stride <steps>', 'csv: sensor logs: steps between the starts of consecutive windows', positiveInt('--stride'))
    .option('--label-column <name>', 'csv: sensor logs: the column holding the class label, as the header names it (default: label)', columnName('--label-column'))
    .option('--test-fraction <fraction>', 'csv: sensor logs: the share of the rows, taken from the end, kept for testing (default: 0.2)', numberIn('--test-fraction', 0, 1, { exclusiveMin: true, exclusiveMax: true }))
    .option('--jitter <sigma>', 'time series: add Gaussian noise of this standard deviation (in channel stds) to every training value', numberIn('--jitter', 0, 10), d.jitter)
    .option('--scaling <sigma>', 'time series: multiply each training channel by a factor drawn from N(1, sigma)', numberIn('--scaling', 0, 10), d.scaling)
    .option('--time-shift <steps>', 'time series: shift each training sample circularly by up to this many steps either way', nonNegativeInt('--time-shift'), d.timeShift)
    .option('--window-crop <fraction>', 'time series: crop this fraction of each training sample at random and stretch it back to the full length (1: off)', numberIn('--window-crop', 0, 1, { exclusiveMin: true }), d.windowCrop);
}

/** The config fields of the parsed flags (an absent sensor-log setting is null, as the config keeps it). */
export function dataConfigFields(options: DataCliOptions): DataConfigFields {
  return {
    imageSize: options.imageSize,
    window: options.window ?? null,
    stride: options.stride ?? null,
    labelColumn: options.labelColumn ?? null,
    testFraction: options.testFraction ?? null,
    jitter: options.jitter,
    scaling: options.scaling,
    timeShift: options.timeShift,
    windowCrop: options.windowCrop,
  };
}

/** --augment is the image recipe; on a time-series spec it is refused, pointing at the signal flags. */
export function checkAugmentFor(data: string, augment: boolean | undefined): void {
  if (augment === true && isSeriesSpec(parseDatasetSpec(data))) {
    throw badArgument('--augment is the image crop and flip; it does not apply to time series', 'augment signals with --jitter, --scaling, --time-shift or --window-crop');
  }
}
