// Small series files written by the tests themselves into a temp dir, and an assertion that a reader
// refused one with a SeriesFormatError at the expected file and line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { SeriesFormatError } from '../../src/data/series/index.js';

/** A fresh temp dir removed after the test file; `write(relative, text)` creates a file in it. */
export function seriesScratch(prefix: string): { dir: string; write: (relative: string, text: string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), `catrain-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (relative: string, text: string): string => {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  return { dir, write };
}

/** Asserts `load` throws a SeriesFormatError for `file` at `line` whose message matches `message`. */
export function assertRefused(load: () => unknown, file: string, line: number, message: RegExp): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(error instanceof SeriesFormatError, `expected a SeriesFormatError, got ${String(error)}`);
    assert.equal(error.file, file, error.message);
    assert.equal(error.line, line, error.message);
    assert.match(error.message, message);
    assert.ok(error.message.startsWith(line > 0 ? `${file}:${line}: ` : `${file}: `), error.message);
    return true;
  });
}

/** Float32 rounding of plain numbers, for exact comparisons with loaded values. */
export const f32 = (values: readonly number[]): number[] => values.map((v) => Math.fround(v));
