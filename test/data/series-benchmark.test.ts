import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { loadUcr } from '../../src/data/series/index.js';
import { VIBRATION_CLASSES } from '../../bench/timeseries/vibration.js';
import { seriesScratch } from '../helpers/series-files.js';

const { dir } = seriesScratch('vibration');
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'timeseries', 'generate.js');

function generate(out: string, seed: number): string {
  const result = spawnSync(process.execPath, [script, '--out', out, '--seed', String(seed), '--train', '21', '--test', '14', '--length', '64'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

const bytes = (out: string, split: string): Buffer => readFileSync(path.join(out, 'Vibration', `Vibration_${split}.tsv`));

describe('bench/timeseries generator', () => {
  test('the same seed writes the same bytes, another seed others; the files load as UCR', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => path.join(dir, name)) as [string, string, string];
    const printed = generate(a, 7);
    generate(b, 7);
    generate(c, 8);
    assert.match(printed, /wrote .*Vibration_TRAIN\.tsv: 21 records \(healthy 3, imbalance 3/);
    for (const split of ['TRAIN', 'TEST']) {
      assert.ok(bytes(a, split).equals(bytes(b, split)), `${split} differs between two runs with seed 7`);
      assert.ok(!bytes(a, split).equals(bytes(c, split)), `${split} is the same for seeds 7 and 8`);
    }
    const { train, test } = loadUcr(a, 'Vibration');
    assert.deepEqual([train.count, test.count, train.length, train.channels], [21, 14, 64, 1]);
    assert.deepEqual(train.classNames, [...VIBRATION_CLASSES].sort());
    assert.ok(Math.abs(train.normalization.mean[0] as number) < 1 && (train.normalization.std[0] as number) > 0.01);
  });

  test('bad options are refused with exit code 2', () => {
    const result = spawnSync(process.execPath, [script, '--out', path.join(dir, 'x'), '--length', '8'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--length '8' must be an integer of at least 64/);
  });
});
