import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadSensorCsv, SeriesFormatError } from '../../src/data/series/index.js';
import { assertRefused, seriesScratch } from '../helpers/series-files.js';

const { write } = seriesScratch('csv');

/** A log of `rows` rows: time, a = row index, b = 100 + row index, and label(row). */
function log(rows: number, label: (row: number) => string, separator = ','): string {
  const lines = [['timestamp', 'a', 'label', 'b'].join(separator)];
  for (let r = 0; r < rows; r++) lines.push([`2024-01-01T00:00:${r}`, r, label(r), 100 + r].join(separator));
  return `${lines.join('\n')}\n`;
}

/** The raw value of channel c at step t of window k (undoing the normalisation). */
function rawAt(split: { values: Float32Array; channels: number; length: number; normalization: { mean: readonly number[]; std: readonly number[] } }, k: number, c: number, t: number): number {
  const v = split.values[(k * split.channels + c) * split.length + t] as number;
  return Math.round(v * (split.normalization.std[c] as number) + (split.normalization.mean[c] as number)) + 0; // + 0 turns -0 into 0
}

describe('loadSensorCsv', () => {
  test('windows every stride rows; the first 80% of rows train, the rest test, with no shared row', () => {
    const file = write('steady.csv', log(100, (r) => (r < 50 ? 'idle' : 'run')));
    const out = loadSensorCsv(file, { window: 10, stride: 5 });
    assert.equal(out.train.name, `csv:${file}`);
    assert.equal(out.splitRow, 80);
    assert.deepEqual(out.channelNames, ['a', 'b']);
    assert.deepEqual([out.train.channels, out.train.length], [2, 10]);
    // Train rows 0..79: starts 0, 5, ..., 70 (15 windows), of which 45 spans the change at row 50.
    assert.equal(out.train.count, 14);
    assert.equal(out.mixedWindows.train, 1);
    // Test rows 80..99: starts 80, 85, 90.
    assert.equal(out.test.count, 3);
    assert.equal(out.mixedWindows.test, 0);
    assert.deepEqual(out.train.classNames, ['idle', 'run']);
    const trainStarts = Array.from({ length: out.train.count }, (_, k) => rawAt(out.train, k, 0, 0));
    assert.deepEqual(trainStarts, [0, 5, 10, 15, 20, 25, 30, 35, 40, 50, 55, 60, 65, 70]);
    assert.deepEqual(Array.from(out.train.labels), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const testStarts = Array.from({ length: out.test.count }, (_, k) => rawAt(out.test, k, 0, 0));
    assert.deepEqual(testStarts, [80, 85, 90]);
    const lastTrainRow = Math.max(...trainStarts) + 9;
    assert.ok(lastTrainRow < Math.min(...testStarts), 'a test window shares a row with a training window');
    // Channel-major: channel b of a window is its rows' b column.
    assert.deepEqual(Array.from({ length: 10 }, (_, t) => rawAt(out.test, 2, 1, t)), [190, 191, 192, 193, 194, 195, 196, 197, 198, 199]);
  });

  test('default stride is the window; other separators, label columns and test fractions', () => {
    const text = log(40, (r) => String(r % 20 < 10 ? 2 : 10), ';').replace('label', 'state');
    const file = write('semi.csv', text);
    const out = loadSensorCsv(file, { window: 5, labelColumn: 'state', testFraction: 0.5 });
    assert.equal(out.splitRow, 20);
    assert.equal(out.train.count, 4);
    assert.equal(out.test.count, 4);
    assert.deepEqual(out.train.classNames, ['2', '10']);
    assert.deepEqual(Array.from(out.test.labels), [0, 0, 1, 1]);
  });

  test('normalisation comes from the training windows only', () => {
    const file = write('norm.csv', 'a,label\n1,x\n3,x\n1,x\n3,x\n100,x\n100,x\n');
    const out = loadSensorCsv(file, { window: 2, testFraction: 1 / 3 });
    assert.deepEqual(out.train.normalization, { mean: [2], std: [1] });
    assert.deepEqual(Array.from(out.test.values), [98, 98]);
  });

  test('refuses a missing label column, bad values, ragged rows, and .ts content', () => {
    let file = write('nolabel.csv', 'time,a,b\n0,1,2\n');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 1, /no 'label' column \(it has 'time', 'a', 'b'\)/);
    file = write('nan.csv', 'a,label\n1,x\nNaN,x\n');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 3, /column 'a' is NaN/);
    file = write('empty-value.csv', 'a,label\n1,x\n,x\n');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 3, /column 'a' is empty/);
    file = write('word.csv', 'a,label\n1,x\n\nhigh,x\n');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 4, /column 'a' 'high' is not a number/);
    file = write('ragged.csv', 'a,b,label\n1,2,x\n1,x\n');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 3, /has 2 fields but the header \(line 1\) has 3/);
    file = write('nolabelvalue.csv', 'a,label\n1,x\n2,\n');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 3, /label \(column 'label'\) is empty/);
    file = write('sktime.csv', '@problemName x\n@data\n');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 1, /sktime \.ts format/);
    file = write('blank.csv', '');
    assertRefused(() => loadSensorCsv(file, { window: 1 }), file, 0, /the file is empty/);
    assertRefused(() => loadSensorCsv(`${file}.gone`, { window: 1 }), `${file}.gone`, 0, /no such file/);
  });

  test('refuses too few rows for a window, all-mixed windows, and a test label not in training', () => {
    let file = write('short.csv', log(20, () => 'x'));
    assertRefused(() => loadSensorCsv(file, { window: 5 }), file, 0, /the test part has 4 rows \(rows 17 to 20 of 20, testFraction 0\.2\) but a window needs 5/);
    file = write('flicker.csv', log(40, (r) => (r % 2 === 0 ? 'x' : 'y')));
    assertRefused(() => loadSensorCsv(file, { window: 4 }), file, 0, /every train window of 4 rows spans a label change \(8 skipped\)/);
    file = write('novel.csv', log(30, (r) => (r < 25 ? 'x' : 'y')));
    // Test rows 24..29: row 24 (line 26) is x, rows 25.. are y; windows of 3 from row 24: [24..26] mixed, [27..29] y.
    assertRefused(() => loadSensorCsv(file, { window: 3 }), file, 29, /label 'y' does not occur in the training split/);
    assert.throws(() => loadSensorCsv(file, { window: 0 }), /window 0 is not a positive integer/);
    assert.throws(() => loadSensorCsv(file, { window: 2, testFraction: 1 }), (e: unknown) => e instanceof RangeError && !(e instanceof SeriesFormatError));
  });
});
