// Reading a text file line by line and turning its fields into finite numbers, with every failure a
// SeriesFormatError at its line. Fields are converted with Number() and checked afterwards rather than
// matched against a pattern first: files in the archives run to tens of MB, and a regex per value would
// dominate the load time.
import { readFileSync } from 'node:fs';
import { SeriesFormatError } from './errors.js';

/** One non-blank line of a file with its 1-based line number. */
export interface TextLine {
  text: string;
  line: number;
}

/** The file's non-blank lines (trailing '\r' removed); a missing or empty file is a SeriesFormatError. */
export function readLines(file: string, what: string): TextLine[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : String((error as Error).message);
    throw new SeriesFormatError(file, 0, `${reason}; expected ${what}`);
  }
  const lines: TextLine[] = [];
  const raw = content.split('\n');
  for (let i = 0; i < raw.length; i++) {
    let text = raw[i] as string;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() !== '') lines.push({ text, line: i + 1 });
  }
  if (lines.length === 0) throw new SeriesFormatError(file, 0, `the file is empty; expected ${what}`);
  return lines;
}

/**
 * The finite float32 value of one field, or a SeriesFormatError naming the field: empty, NaN, missing
 * ('?'), not a number, or beyond float32's range. `where` is e.g. 'value 3' and `hint` says how to fix it.
 */
export function parseValue(field: string, file: string, line: number, where: string, hint = ''): number {
  const value = Number(field);
  const fix = hint === '' ? '' : `; ${hint}`;
  if (Number.isFinite(value)) {
    // Number('') and Number('  ') are 0, so an empty field has to be caught here.
    if (value === 0 && field.trim() === '') throw new SeriesFormatError(file, line, `${where} is empty${fix}`);
    const single = Math.fround(value);
    if (!Number.isFinite(single)) throw new SeriesFormatError(file, line, `${where} '${field.trim()}' is beyond the float32 range${fix}`);
    return single;
  }
  const text = field.trim();
  if (/^[+-]?nan$/i.test(text)) throw new SeriesFormatError(file, line, `${where} is NaN${fix}`);
  if (text === '?') throw new SeriesFormatError(file, line, `${where} is missing ('?')${fix}`);
  if (/^[+-]?inf(inity)?$/i.test(text)) throw new SeriesFormatError(file, line, `${where} is infinite${fix}`);
  throw new SeriesFormatError(file, line, `${where} '${text.length > 40 ? `${text.slice(0, 40)}...` : text}' is not a number${fix}`);
}

/** A growing float32 array, so a file's values are gathered without a number[] of millions of boxes. */
export class FloatBuffer {
  private data = new Float32Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed so far (a view: do not push after taking it). */
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}
