// The UCR 2018 archive: DIR/NAME/NAME_TRAIN.tsv and NAME_TEST.tsv, one univariate series a line, the
// class label first and then the values. The 2018 files are tab-separated; the separator is taken from
// each file's first line (a tab if it has one, else a comma as in the older archive, else runs of
// spaces), so comma-separated copies load too. There is no header row.
import path from 'node:path';
import { SeriesFormatError } from './errors.js';
import { locateSplits } from './locate.js';
import { pairSplits, type SeriesSplits } from './pair.js';
import type { RawSplit } from './raw.js';
import { FloatBuffer, parseValue, readLines } from './text.js';

const WHAT = 'a UCR file: one series a line, the label then the values, tab-separated';

type Splitter = (line: string) => string[];

function splitterFor(line: string): Splitter {
  if (line.includes('\t')) return (text) => text.split('\t');
  if (line.includes(',')) return (text) => text.split(',');
  return (text) => text.trim().split(/ +/);
}

const NAN_HINT = 'UCR pads shorter series with NaN; resample or pad every series to one length (and fill gaps) before loading';

/** One UCR split file, unnormalised. */
export function readUcrFile(file: string): RawSplit {
  const lines = readLines(file, WHAT);
  const first = lines[0] as (typeof lines)[0];
  if (first.text.startsWith('@') || first.text.startsWith('#')) {
    throw new SeriesFormatError(file, first.line, `starts with '${first.text.slice(0, 20)}', a header of the sktime .ts format, not ${WHAT}; load .ts files as uea:DIR/NAME`);
  }
  const split = splitterFor(first.text);
  const head = split(first.text)[1];
  if (head !== undefined && head.trim() !== '' && Number.isNaN(Number(head)) && !/^\s*([+-]?nan|\?)\s*$/i.test(head)) {
    throw new SeriesFormatError(file, first.line, `'${head.trim().slice(0, 40)}' where the first value should be: a UCR file has no header row (${WHAT}); a sensor log with a header row loads as csv:FILE`);
  }
  const values = new FloatBuffer();
  const labels: string[] = [];
  const sampleLines: number[] = [];
  let length = -1;
  for (const { text, line } of lines) {
    const fields = split(text);
    if (length < 0) {
      length = fields.length - 1;
      if (length < 1) throw new SeriesFormatError(file, line, `has a label and no values; expected ${WHAT}`);
    } else if (fields.length - 1 !== length) {
      throw new SeriesFormatError(
        file, line,
        `has ${fields.length - 1} values but line ${first.line} has ${length}; every series must have the same length (resample or pad them to one length)`,
      );
    }
    const label = (fields[0] as string).trim();
    if (label === '') throw new SeriesFormatError(file, line, 'the label (the first field) is empty; every line starts with its class label');
    for (let i = 1; i < fields.length; i++) {
      values.push(parseValue(fields[i] as string, file, line, `value ${i} (field ${i + 1})`, NAN_HINT));
    }
    labels.push(label);
    sampleLines.push(line);
  }
  return { file, count: labels.length, channels: 1, length, values: values.view(), labels, lines: sampleLines };
}

/** Dataset `name` of a UCR-layout folder (DIR/NAME/NAME_TRAIN.tsv or DIR/NAME_TRAIN.tsv), univariate. */
export function loadUcr(dir: string, name: string): SeriesSplits {
  const files = locateSplits(dir, name, '.tsv', 'ucr');
  return pairSplits(`ucr:${path.join(dir, name)}`, readUcrFile(files.train), readUcrFile(files.test));
}
