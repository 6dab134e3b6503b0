// The header of an sktime .ts file: '#' comment lines, then '@tag value' lines up to '@data'. Tags are
// matched without regard to case, as sktime's own reader does. catrain reads the equal-length,
// classification form only, so the tags that announce anything else are refused here, at their line,
// before any data is read.
import { SeriesFormatError } from './errors.js';
import type { TextLine } from './text.js';

export interface TsHeader {
  /** Declared class labels (@classLabel true L1 L2 ...). */
  classLabels: string[];
  /** @dimensions, when given. */
  dimensions?: number;
  /** @seriesLength, when given. */
  seriesLength?: number;
  univariate?: boolean;
  /** Index into the lines of the first data line. */
  dataStart: number;
}

export const TS_WHAT = 'an sktime .ts file: @-header lines, @data, then one sample a line (channels split by \':\', values by \',\', the label last)';

function booleanTag(file: string, { text, line }: TextLine, tag: string, value: string): boolean {
  const word = value.trim().toLowerCase();
  if (word === 'true') return true;
  if (word === 'false') return false;
  throw new SeriesFormatError(file, line, `@${tag} is '${text.trim()}'; it must be followed by true or false`);
}

function countTag(file: string, { line }: TextLine, tag: string, value: string): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || value.trim() === '') throw new SeriesFormatError(file, line, `@${tag} '${value.trim()}' is not a positive integer`);
  return n;
}

/** Reads and checks the header; every refusal names the tag's line and what to do instead. */
export function readTsHeader(file: string, lines: readonly TextLine[]): TsHeader {
  const header: TsHeader = { classLabels: [], dataStart: -1 };
  let classLabelSeen = false;
  for (let i = 0; i < lines.length; i++) {
    const entry = lines[i] as TextLine;
    const text = entry.text.trim();
    if (text.startsWith('#')) continue;
    if (!text.startsWith('@')) {
      throw new SeriesFormatError(
        file, entry.line,
        `data before the @data line; this is not ${TS_WHAT}${/^[^@#]*\t/.test(text) ? ' (tab-separated lines are the UCR format: load them as ucr:DIR/NAME)' : ''}`,
      );
    }
    const space = text.search(/\s/);
    const tag = (space < 0 ? text.slice(1) : text.slice(1, space)).toLowerCase();
    const value = space < 0 ? '' : text.slice(space + 1);
    switch (tag) {
      case 'data':
        if (!classLabelSeen) throw new SeriesFormatError(file, entry.line, 'no @classLabel line before @data; catrain needs class labels: add @classLabel true followed by the labels');
        header.dataStart = i + 1;
        return header;
      case 'timestamps':
        if (booleanTag(file, entry, tag, value)) {
          throw new SeriesFormatError(file, entry.line, '@timeStamps true: series with time stamps are not supported; write the values alone (equally spaced) with @timeStamps false');
        }
        break;
      case 'equallength':
        if (!booleanTag(file, entry, tag, value)) {
          throw new SeriesFormatError(file, entry.line, '@equalLength false: series of different lengths are not supported; resample or pad every series to one length and set @equalLength true');
        }
        break;
      case 'univariate':
        header.univariate = booleanTag(file, entry, tag, value);
        break;
      case 'dimension':
      case 'dimensions':
        header.dimensions = countTag(file, entry, tag, value);
        break;
      case 'serieslength':
        header.seriesLength = countTag(file, entry, tag, value);
        break;
      case 'targetlabel':
        if (booleanTag(file, entry, tag, value)) {
          throw new SeriesFormatError(file, entry.line, '@targetLabel true: this is a regression problem; catrain trains classifiers, which need @classLabel true and class labels');
        }
        break;
      case 'classlabel': {
        const [flag = '', ...labels] = value.trim().split(/\s+/);
        if (!booleanTag(file, entry, tag, flag)) {
          throw new SeriesFormatError(file, entry.line, '@classLabel false: the samples have no class labels; catrain needs @classLabel true followed by the labels, and each sample\'s label last');
        }
        if (labels.length === 0) throw new SeriesFormatError(file, entry.line, '@classLabel true lists no labels; list them after true, separated by spaces');
        header.classLabels = labels;
        classLabelSeen = true;
        break;
      }
      default:
        // @problemName, @missing and tags of later versions carry nothing the reader needs.
        break;
    }
  }
  throw new SeriesFormatError(file, 0, `no @data line; expected ${TS_WHAT}`);
}
