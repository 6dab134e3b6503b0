// A sensor log as CSV: a header row naming the columns, then one row per time step, in time order. One
// column holds the class label ('label' unless told otherwise); columns named time, timestamp, datetime
// or date (any case) are ignored, since the row order already is the time axis; every other column is a
// numeric channel. The separator is taken from the header: a tab if it has one, else ';' if it has no
// comma, else ','. The rows are split by time, the first (1 - testFraction) for training and the rest
// for testing, and each part is cut into its own windows, so no test window shares a row with a
// training window.
import { SeriesFormatError } from './errors.js';
import { pairSplits, type SeriesSplits } from './pair.js';
import { FloatBuffer, parseValue, readLines } from './text.js';
import { cutWindows, type LogRows } from './windows.js';

export interface SensorCsvOptions {
  /** Rows per window: the series length. */
  window: number;
  /** Rows between the starts of consecutive windows; `window` (no overlap) by default. */
  stride?: number;
  /** The trailing fraction of the rows that becomes the test split, in (0, 1); 0.2 by default. */
  testFraction?: number;
  /** The name of the label column; 'label' by default. */
  labelColumn?: string;
}

export interface SensorCsvSplits extends SeriesSplits {
  /** The first row of the test part (0-based, header excluded): rows before it are training rows. */
  splitRow: number;
  /** Windows skipped in each part because their rows carry more than one label. */
  mixedWindows: { train: number; test: number };
  /** The channel columns, in the order of the channels. */
  channelNames: string[];
}

const WHAT = 'a sensor CSV: a header row, numeric channel columns and a label column, one row per time step';
const TIME_COLUMNS = new Set(['time', 'timestamp', 'datetime', 'date']);

function separatorOf(header: string): string {
  if (header.includes('\t')) return '\t';
  if (header.includes(';') && !header.includes(',')) return ';';
  return ',';
}

function checkOptions(file: string, options: SensorCsvOptions): Required<SensorCsvOptions> {
  const { window, stride = window, testFraction = 0.2, labelColumn = 'label' } = options;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`csv:${file}: window ${window} is not a positive integer number of rows`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`csv:${file}: stride ${stride} is not a positive integer number of rows`);
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`csv:${file}: testFraction ${testFraction} must lie strictly between 0 and 1`);
  return { window, stride, testFraction, labelColumn };
}

/** Why the header does not do for `labelColumn`, with the columns it has and how to choose one of them. */
function noLabelColumn(labelColumn: string, names: readonly string[]): string {
  const near = names.find((name) => name.toLowerCase() === labelColumn.toLowerCase());
  const choose = near === undefined ? 'choose the label column with --label-column NAME (labelColumn when calling loadSensorCsv)' : `column names are case-sensitive: --label-column ${near}`;
  return `the header has no '${labelColumn}' column (it has ${names.map((n) => `'${n}'`).join(', ')}); ${choose}`;
}

/** Every row of the log, row-major, with its label and line. */
function readLog(file: string, labelColumn: string): LogRows & { channelNames: string[] } {
  const lines = readLines(file, WHAT);
  const headerLine = lines[0] as (typeof lines)[0];
  if (headerLine.text.startsWith('@') || headerLine.text.startsWith('#')) {
    throw new SeriesFormatError(file, headerLine.line, `starts with '${headerLine.text.slice(0, 20)}', a header of the sktime .ts format, not ${WHAT}; load .ts files as uea:DIR/NAME`);
  }
  const separator = separatorOf(headerLine.text);
  const names = headerLine.text.split(separator).map((name) => name.trim());
  const labelAt = names.indexOf(labelColumn);
  if (labelAt < 0) throw new SeriesFormatError(file, headerLine.line, noLabelColumn(labelColumn, names));
  const channelAt = names.flatMap((name, i) => (i === labelAt || TIME_COLUMNS.has(name.toLowerCase()) ? [] : [i]));
  if (channelAt.length === 0) throw new SeriesFormatError(file, headerLine.line, `the header has no channel columns besides '${labelColumn}' and time; ${WHAT}`);
  const values = new FloatBuffer();
  const labels: string[] = [];
  const rowLines: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const { text, line } = lines[i] as (typeof lines)[0];
    const fields = text.split(separator);
    if (fields.length !== names.length) {
      throw new SeriesFormatError(file, line, `has ${fields.length} fields but the header (line ${headerLine.line}) has ${names.length}; every row needs one field per column`);
    }
    for (const at of channelAt) values.push(parseValue(fields[at] as string, file, line, `column '${names[at]}'`, 'every channel value must be a number; fill gaps before loading'));
    const label = (fields[labelAt] as string).trim();
    if (label === '') throw new SeriesFormatError(file, line, `the label (column '${labelColumn}') is empty; every row needs its class label`);
    labels.push(label);
    rowLines.push(line);
  }
  return { values: values.view(), labels, lines: rowLines, channels: channelAt.length, channelNames: channelAt.map((at) => names[at] as string) };
}

/** A sensor log cut into training and test windows (see the file comment for the layout and split). */
export function loadSensorCsv(file: string, options: SensorCsvOptions): SensorCsvSplits {
  const { window, stride, testFraction, labelColumn } = checkOptions(file, options);
  const log = readLog(file, labelColumn);
  const rows = log.labels.length;
  const splitRow = Math.round(rows * (1 - testFraction));
  const parts = { train: [0, splitRow], test: [splitRow, rows] } as const;
  const cut = (part: 'train' | 'test') => {
    const [start, end] = parts[part];
    if (end - start < window) {
      throw new SeriesFormatError(
        file, 0,
        `the ${part} part has ${end - start} rows (rows ${start + 1} to ${end} of ${rows}, testFraction ${testFraction}) but a window needs ${window}; use a smaller window, another test fraction (--test-fraction) or a longer log`,
      );
    }
    const windows = cutWindows(log, start, end, window, stride);
    if (windows.count === 0) {
      throw new SeriesFormatError(file, 0, `every ${part} window of ${window} rows spans a label change (${windows.mixed} skipped); use a smaller window or longer runs of each label`);
    }
    return { file, count: windows.count, channels: log.channels, length: window, values: windows.values, labels: windows.labels, lines: windows.lines, mixed: windows.mixed };
  };
  const train = cut('train');
  const test = cut('test');
  return { ...pairSplits(`csv:${file}`, train, test), splitRow, mixedWindows: { train: train.mixed, test: test.mixed }, channelNames: log.channelNames };
}
