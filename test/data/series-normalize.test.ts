import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { channelStatistics, classNamesOf, loadUcr, normalizeWith } from '../../src/data/series/index.js';
import { f32, seriesScratch } from '../helpers/series-files.js';

const { dir, write } = seriesScratch('series-norm');

describe('series classes and normalisation', () => {
  test('class names: numeric labels numerically, any text label makes it code-point order', () => {
    assert.deepEqual(classNamesOf(['10', '2', '-1', '2', '1.5', '1e0']), ['-1', '1e0', '1.5', '2', '10']);
    assert.deepEqual(classNamesOf(['b', 'B', '10', '9', 'a']), ['10', '9', 'B', 'a', 'b']);
  });

  test('channel statistics: population std per channel, std 1 for a constant channel', () => {
    // Two samples of [2 channels, 2 steps]: channel 0 holds 0, 2, 4, 6; channel 1 holds 5 everywhere.
    const values = new Float32Array([0, 2, 5, 5, 4, 6, 5, 5]);
    const { mean, std } = channelStatistics(values, 2, 2, 2);
    assert.deepEqual(mean, [3, 5]);
    assert.deepEqual(std, [Math.sqrt(5), 1]);
  });

  test('normalizeWith maps values to saved statistics; equal statistics copy bit for bit', () => {
    write('N/N_TRAIN.tsv', '1\t1\t3\n2\t5\t7\n');
    write('N/N_TEST.tsv', '1\t2\t2\n');
    const { test: split } = loadUcr(dir, 'N');
    assert.deepEqual(split.normalization, { mean: [4], std: [Math.sqrt(5)] });

    const same = normalizeWith(split, { mean: [4], std: [Math.sqrt(5)] });
    assert.notEqual(same.values, split.values);
    assert.ok(same.values.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(Array.from(same.values), Array.from(split.values));

    const saved = normalizeWith(split, { mean: [1], std: [0.5] });
    assert.deepEqual(saved.normalization, { mean: [1], std: [0.5] });
    assert.deepEqual(Array.from(saved.values), f32([2, 2]));
    assert.deepEqual(Array.from(split.values), f32([-2 / Math.sqrt(5), -2 / Math.sqrt(5)]), 'the input dataset is unchanged');
    assert.equal(path.basename(saved.name), 'N');

    assert.throws(() => normalizeWith(split, { mean: [0, 0], std: [1, 1] }), /2 means and 2 stds for 1 channels/);
    assert.throws(() => normalizeWith(split, { mean: [0], std: [0] }), /std of channel 0 is 0; it must be a positive number/);
  });

  test('more than 256 classes get 16-bit labels', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `c${String(i).padStart(3, '0')}\t${i}\t${i + 1}`).join('\n');
    write('Many/Many_TRAIN.tsv', rows);
    write('Many/Many_TEST.tsv', 'c299\t0\t0\n');
    const { train, test } = loadUcr(dir, 'Many');
    assert.ok(train.labels instanceof Uint16Array);
    assert.equal(train.numClasses, 300);
    assert.deepEqual(Array.from(test.labels), [299]);
  });
});
