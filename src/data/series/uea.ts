// The UEA multivariate archive as sktime's .ts files: DIR/NAME/NAME_TRAIN.ts and NAME_TEST.ts. After the
// header (see ts-header.ts) each line is one sample: its channels separated by ':', each channel's values
// by ',', and the class label last. Every channel of every sample must have the same length.
import path from 'node:path';
import { SeriesFormatError } from './errors.js';
import { locateSplits } from './locate.js';
import { pairSplits, type SeriesSplits } from './pair.js';
import type { RawSplit } from './raw.js';
import { FloatBuffer, parseValue, readLines } from './text.js';
import { readTsHeader, TS_WHAT } from './ts-header.js';

const MISSING_HINT = 'missing values are not supported; fill or interpolate them before loading';

/** One .ts split file, unnormalised. */
export function readTsFile(file: string): RawSplit {
  const lines = readLines(file, TS_WHAT);
  const header = readTsHeader(file, lines);
  const declared = new Set(header.classLabels);
  const expectedChannels = header.dimensions ?? (header.univariate === true ? 1 : undefined);
  const values = new FloatBuffer();
  const labels: string[] = [];
  const sampleLines: number[] = [];
  let channels = -1;
  let length = -1;
  let shapeLine = 0;
  for (let i = header.dataStart; i < lines.length; i++) {
    const { text, line } = lines[i] as (typeof lines)[0];
    if (text.trimStart().startsWith('#')) continue;
    const parts = text.split(':');
    const label = (parts.pop() as string).trim();
    if (parts.length === 0) throw new SeriesFormatError(file, line, `has no ':' before the label; expected ${TS_WHAT}`);
    if (!declared.has(label)) {
      throw new SeriesFormatError(file, line, `label '${label}' is not among those @classLabel declares (${header.classLabels.join(' ')}); fix the label or add it to @classLabel`);
    }
    if (channels < 0) {
      channels = parts.length;
      shapeLine = line;
      if (expectedChannels !== undefined && channels !== expectedChannels) {
        throw new SeriesFormatError(file, line, `has ${channels} channels but the header declares ${expectedChannels}; each sample needs one ':'-separated field per channel`);
      }
    } else if (parts.length !== channels) {
      throw new SeriesFormatError(file, line, `has ${parts.length} channels but line ${shapeLine} has ${channels}; every sample must have the same channels`);
    }
    for (let c = 0; c < parts.length; c++) {
      const fields = (parts[c] as string).split(',');
      if (length < 0) {
        length = fields.length;
        if (header.seriesLength !== undefined && length !== header.seriesLength) {
          throw new SeriesFormatError(file, line, `channel 1 has ${length} values but @seriesLength is ${header.seriesLength}`);
        }
      } else if (fields.length !== length) {
        throw new SeriesFormatError(
          file, line,
          `channel ${c + 1} has ${fields.length} values but line ${shapeLine} has ${length} a channel; series of different lengths are not supported (resample or pad them to one length)`,
        );
      }
      for (let t = 0; t < fields.length; t++) values.push(parseValue(fields[t] as string, file, line, `value ${t + 1} of channel ${c + 1}`, MISSING_HINT));
    }
    labels.push(label);
    sampleLines.push(line);
  }
  if (labels.length === 0) throw new SeriesFormatError(file, 0, 'no samples after @data');
  return { file, count: labels.length, channels, length, values: values.view(), labels, lines: sampleLines };
}

/** Dataset `name` of a UEA-layout folder (DIR/NAME/NAME_TRAIN.ts or DIR/NAME_TRAIN.ts), multivariate. */
export function loadUea(dir: string, name: string): SeriesSplits {
  const files = locateSplits(dir, name, '.ts', 'uea');
  return pairSplits(`uea:${path.join(dir, name)}`, readTsFile(files.train), readTsFile(files.test));
}
