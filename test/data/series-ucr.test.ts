import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadUcr } from '../../src/data/series/index.js';
import { assertRefused, f32, seriesScratch } from '../helpers/series-files.js';

const { dir, write } = seriesScratch('ucr');

/** Raw values of a normalised univariate dataset: v * std + mean. */
const raw = (values: Float32Array, mean: number, std: number): number[] => Array.from(values, (v) => Math.round((v * std + mean) * 1e4) / 1e4);

describe('loadUcr', () => {
  test('reads DIR/NAME/NAME_TRAIN.tsv: labels sorted numerically, values normalised with training statistics', () => {
    write('arch/Gun/Gun_TRAIN.tsv', '10\t1\t2\t3\n2\t3\t4\t5\n-1\t5\t6\t7\n2\t0\t0\t0\n');
    write('arch/Gun/Gun_TEST.tsv', '2\t1\t1\t1\n10\t9\t9\t9\n');
    const { train, test } = loadUcr(path.join(dir, 'arch'), 'Gun');
    assert.equal(train.name, `ucr:${path.join(dir, 'arch', 'Gun')}`);
    assert.deepEqual([train.kind, train.count, train.channels, train.length, train.numClasses], ['sequence', 4, 1, 3, 3]);
    assert.deepEqual(train.classNames, ['-1', '2', '10']);
    assert.deepEqual(Array.from(train.labels), [2, 1, 0, 1]);
    assert.deepEqual(Array.from(test.labels), [1, 2]);
    const all = [1, 2, 3, 3, 4, 5, 5, 6, 7, 0, 0, 0];
    const mean = all.reduce((a, b) => a + b) / all.length;
    const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
    assert.ok(Math.abs((train.normalization.mean[0] as number) - mean) < 1e-9);
    assert.ok(Math.abs((train.normalization.std[0] as number) - std) < 1e-9);
    assert.deepEqual(test.normalization, train.normalization);
    assert.deepEqual(Array.from(train.values), f32(all.map((v) => (v - mean) / std)));
    assert.deepEqual(raw(test.values, mean, std), [1, 1, 1, 9, 9, 9]);
    assert.ok(train.values.buffer instanceof SharedArrayBuffer && test.labels.buffer instanceof SharedArrayBuffer);
  });

  test('also reads DIR/NAME_TRAIN.tsv, comma-separated files and string labels', () => {
    write('flat/Pump_TRAIN.tsv', 'worn,1.5,2.5\nok,-1e1,0.25\r\n\nok,3,4\n');
    write('flat/Pump_TEST.tsv', 'ok,1,1\n');
    const { train, test } = loadUcr(path.join(dir, 'flat'), 'Pump');
    assert.deepEqual(train.classNames, ['ok', 'worn']);
    assert.deepEqual(Array.from(train.labels), [1, 0, 0]);
    assert.equal(test.count, 1);
    assert.equal(train.length, 2);
    const { mean, std } = train.normalization;
    assert.deepEqual(raw(train.values, mean[0] as number, std[0] as number), [1.5, 2.5, -10, 0.25, 3, 4]);
  });

  test('a missing dataset names both places it looked, and a .ts file found there', () => {
    assertRefused(() => loadUcr(path.join(dir, 'none'), 'X'), path.join(dir, 'none', 'X', 'X_TRAIN.tsv'), 0, /no such file, nor .*X_TRAIN\.tsv/);
    write('tsonly/Y/Y_TRAIN.ts', '@data\n');
    assertRefused(() => loadUcr(path.join(dir, 'tsonly'), 'Y'), path.join(dir, 'tsonly', 'Y', 'Y_TRAIN.tsv'), 0, /found .*Y_TRAIN\.ts, which is the sktime \.ts format: load it as uea:/);
    const lone = write('lone/Z/Z_TRAIN.tsv', '1\t2\n');
    assertRefused(() => loadUcr(path.join(dir, 'lone'), 'Z'), lone.replace('TRAIN', 'TEST'), 0, /no such file/);
  });

  const bad = (name: string, trainText: string, testText = '1\t1\t1\n') => {
    const file = write(`bad/${name}/${name}_TRAIN.tsv`, trainText);
    const testFile = write(`bad/${name}/${name}_TEST.tsv`, testText);
    return { file, testFile, load: () => loadUcr(path.join(dir, 'bad'), name) };
  };

  test('ragged rows, NaN, empty and non-numeric values are refused at their line', () => {
    let c = bad('Ragged', '1\t1\t2\n1\t1\t2\t3\n');
    assertRefused(c.load, c.file, 2, /has 3 values but line 1 has 2/);
    c = bad('Nan', '1\t1\t2\n\n2\t1\tNaN\n');
    assertRefused(c.load, c.file, 3, /value 2 \(field 3\) is NaN.*pads shorter series with NaN/);
    c = bad('Empty', '1\t1\t2\n2\t\t2\n');
    assertRefused(c.load, c.file, 2, /value 1 \(field 2\) is empty/);
    c = bad('Word', '1\t1\t2\n2\t1\tabc\n');
    assertRefused(c.load, c.file, 2, /value 2 \(field 3\) 'abc' is not a number/);
    c = bad('NoLabel', '1\t1\t2\n\t1\t2\n');
    assertRefused(c.load, c.file, 2, /label \(the first field\) is empty/);
  });

  test('empty files, .ts content and header rows are refused as not UCR', () => {
    let c = bad('Blank', '\n  \n');
    assertRefused(c.load, c.file, 0, /the file is empty/);
    c = bad('Sktime', '# comment\n@problemName x\n@data\n1,2:a\n');
    assertRefused(c.load, c.file, 1, /sktime \.ts format.*uea:/);
    c = bad('Header', 'label,x,y\n1,2,3\n');
    assertRefused(c.load, c.file, 1, /'x' where the first value should be: a UCR file has no header row.*csv:FILE/);
  });

  test('train/test length mismatch names both files; an unknown test label names its line', () => {
    let c = bad('Short', '1\t1\t2\t3\n2\t1\t2\t3\n', '1\t1\t2\n');
    assertRefused(c.load, c.testFile, 1, new RegExp(`have 2 time steps but those of the training split ${c.file.replace(/[.\\]/g, '\\$&')} have 3`));
    c = bad('Unknown', '1\t1\t2\n2\t1\t2\n', '1\t0\t0\n\n7\t1\t1\n');
    assertRefused(c.load, c.testFile, 3, /label '7' does not occur in the training split .*classes: 1, 2/);
  });
});
