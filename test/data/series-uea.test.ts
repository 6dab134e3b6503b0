import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadUea } from '../../src/data/series/index.js';
import { assertRefused, f32, seriesScratch } from '../helpers/series-files.js';

const { dir, write } = seriesScratch('uea');

const HEADER = [
  '# Two channels, three steps.',
  '@problemName Motion',
  '@timeStamps false',
  '@missing false',
  '@univariate false',
  '@dimensions 2',
  '@equalLength true',
  '@seriesLength 3',
  '@classLabel true walking standing running',
  '@data',
].join('\n');

describe('loadUea', () => {
  test('reads channels split by ":" and the label last, channel-major, with per-channel statistics', () => {
    write('Multi/Motion/Motion_TRAIN.ts', `${HEADER}\n1,2,3:10,10,10:walking\n3,4,5:10,10,10:standing\n`);
    write('Multi/Motion/Motion_TEST.ts', `${HEADER.toUpperCase().replace('@CLASSLABEL TRUE WALKING STANDING RUNNING', '@classLabel true walking standing running')}\n# a comment\n 0,0,0 : 11,10,9 :standing\n`);
    const { train, test } = loadUea(path.join(dir, 'Multi'), 'Motion');
    assert.equal(train.name, `uea:${path.join(dir, 'Multi', 'Motion')}`);
    assert.deepEqual([train.count, train.channels, train.length, train.numClasses], [2, 2, 3, 2]);
    assert.deepEqual(train.classNames, ['standing', 'walking']);
    assert.deepEqual(Array.from(train.labels), [1, 0]);
    assert.deepEqual(Array.from(test.labels), [0]);
    const std0 = Math.sqrt(((1 - 3) ** 2 + 1 + 0 + 0 + 1 + 4) / 6);
    assert.deepEqual(train.normalization.mean, [3, 10]);
    assert.ok(Math.abs((train.normalization.std[0] as number) - std0) < 1e-12);
    // A constant channel keeps std 1, so it is zero in training and in its own units in the test split.
    assert.equal(train.normalization.std[1], 1);
    assert.deepEqual(Array.from(train.values), f32([-2 / std0, -1 / std0, 0, 0, 0, 0, 0, 1 / std0, 2 / std0, 0, 0, 0]));
    assert.deepEqual(Array.from(test.values), f32([-3 / std0, -3 / std0, -3 / std0, 1, 0, -1]));
  });

  const bad = (name: string, trainText: string, testText = `${HEADER}\n1,2,3:1,2,3:walking\n`) => {
    const file = write(`bad/${name}_TRAIN.ts`, trainText);
    const testFile = write(`bad/${name}_TEST.ts`, testText);
    return { file, testFile, load: () => loadUea(path.join(dir, 'bad'), name) };
  };

  test('refuses time stamps, unequal length, regression and unlabelled files at the tag', () => {
    let c = bad('Stamps', HEADER.replace('@timeStamps false', '@timeStamps true'));
    assertRefused(c.load, c.file, 3, /@timeStamps true: series with time stamps are not supported/);
    c = bad('Unequal', HEADER.replace('@equalLength true', '@EqualLength false'));
    assertRefused(c.load, c.file, 7, /@equalLength false: series of different lengths are not supported/);
    c = bad('Regress', HEADER.replace('@classLabel true walking standing running', '@targetLabel true'));
    assertRefused(c.load, c.file, 9, /regression problem/);
    c = bad('NoLabels', HEADER.replace('@classLabel true walking standing running', '@classLabel false'));
    assertRefused(c.load, c.file, 9, /@classLabel false/);
    c = bad('NoData', HEADER.replace('@data', ''));
    assertRefused(c.load, c.file, 0, /no @data line/);
  });

  test('refuses missing, NaN and non-numeric values, ragged channels and lengths, and undeclared labels', () => {
    let c = bad('Missing', `${HEADER}\n1,2,3:1,?,3:walking\n`);
    assertRefused(c.load, c.file, 11, /value 2 of channel 2 is missing \('\?'\); missing values are not supported/);
    c = bad('Nan', `${HEADER}\n1,2,3:1,2,3:walking\nNaN,2,3:1,2,3:walking\n`);
    assertRefused(c.load, c.file, 12, /value 1 of channel 1 is NaN/);
    c = bad('Word', `${HEADER}\n1,2,x:1,2,3:walking\n`);
    assertRefused(c.load, c.file, 11, /value 3 of channel 1 'x' is not a number/);
    c = bad('Empty', `${HEADER}\n1,,3:1,2,3:walking\n`);
    assertRefused(c.load, c.file, 11, /value 2 of channel 1 is empty/);
    c = bad('Channels', `${HEADER}\n1,2,3:walking\n`);
    assertRefused(c.load, c.file, 11, /has 1 channels but the header declares 2/);
    c = bad('Length', HEADER.replace('@seriesLength 3\n', '') + '\n1,2,3:1,2,3:walking\n1,2,3:1,2:walking\n');
    assertRefused(c.load, c.file, 11, /channel 2 has 2 values but line 10 has 3/);
    c = bad('Undeclared', `${HEADER}\n1,2,3:1,2,3:jumping\n`);
    assertRefused(c.load, c.file, 11, /label 'jumping' is not among those @classLabel declares/);
  });

  test('refuses UCR text passed as .ts, a test label not in training, and a channel mismatch naming both files', () => {
    let c = bad('Ucr', '1\t2\t3\n');
    assertRefused(c.load, c.file, 1, /data before the @data line.*ucr:DIR\/NAME/);
    c = bad('Unknown', `${HEADER}\n1,2,3:1,2,3:walking\n`, `${HEADER}\n1,2,3:1,2,3:walking\n1,2,3:1,2,3:running\n`);
    assertRefused(c.load, c.testFile, 12, /label 'running' does not occur in the training split/);
    const oneChannel = HEADER.replace('@dimensions 2', '@dimensions 1');
    c = bad('Mismatch', `${HEADER}\n1,2,3:1,2,3:walking\n`, `${oneChannel}\n1,2,3:walking\n`);
    assertRefused(c.load, c.testFile, 11, /have 1 channels but those of the training split .*Mismatch_TRAIN\.ts have 2/);
  });
});
