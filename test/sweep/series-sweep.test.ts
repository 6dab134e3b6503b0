// Sweeps over time series: a UCR folder (its points' latency is measured on [N, C, L] input, which
// has no channels-last order) and a sensor log, whose --window, --stride, --label-column,
// --test-fraction and signal augmentations reach every point's config and the full-scale commands
// `recommend` prints. A sweep that cannot train on the data is refused before its directory exists.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { SweepFile } from '../../src/sweep/index.js';
import type { TrainConfig } from '../../src/train/index.js';
import { catrain } from '../helpers/cli.js';
import { writeSensorCsv, writeUcr } from '../helpers/series-data.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-series-sweep-'));
after(() => rmSync(root, { recursive: true, force: true }));

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

test('a sweep over a UCR folder records its points with their CPU latency', () => {
  const data = writeUcr(root, 'Pump');
  const out = path.join(root, 'ucr-sweep');
  const r = catrain('sweep', '--model', 'lenet1d', '--data', data, '--targets', '0.5', '--epochs', '1', '--batch-size', '12', '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const sweep = readJson<SweepFile>(path.join(out, 'sweep.json'));
  const point = sweep.points[0];
  assert.ok(point !== undefined);
  assert.ok(point.latency_ms.batch1 > 0 && point.latency_ms.batch64 > 0, JSON.stringify(point.latency_ms));
  const report = catrain('report', '--sweep', out);
  assert.equal(report.status, 0, report.stderr);
});

test('a sweep over a sensor log passes --window, --stride, --label-column, --test-fraction and the signal augmentations to every point and to the full-scale command', () => {
  const data = writeSensorCsv(path.join(root, 'press.csv'), { labelColumn: 'state' });
  const out = path.join(root, 'csv-sweep');
  const flags = ['--window', '32', '--stride', '16', '--label-column', 'state', '--test-fraction', '0.3', '--jitter', '0.05', '--scaling', '0.1', '--time-shift', '3', '--window-crop', '0.9'];
  const r = catrain('sweep', '--model', 'lenet1d', '--data', data, ...flags, '--targets', '0.5', '--epochs', '1', '--batch-size', '16', '--out', out, '--quiet');
  assert.equal(r.status, 0, r.stderr);
  const config = readJson<TrainConfig>(path.join(out, 'macs-0.5', 'config.json'));
  assert.deepEqual([config.window, config.stride, config.labelColumn, config.testFraction, config.jitter, config.scaling, config.timeShift, config.windowCrop], [32, 16, 'state', 0.3, 0.05, 0.1, 3, 0.9]);
  const sweep = readJson<SweepFile>(path.join(out, 'sweep.json'));
  assert.deepEqual(sweep.train_args, ['--batch-size', '16', ...flags]);
  const recommended = catrain('recommend', '--sweep', out, '--max-macs', '0.6');
  assert.equal(recommended.status, 0, recommended.stderr);
  assert.ok(recommended.stdout.includes(`--target-macs 0.5 --batch-size 16 ${flags.join(' ')} --out`), recommended.stdout);
  // The same sweep again continues it; with another window it is refused, not mixed in.
  const other = catrain('sweep', '--model', 'lenet1d', '--data', data, ...flags.map((flag, i) => (flags[i - 1] === '--stride' ? '8' : flag)), '--targets', '0.5', '--epochs', '1', '--batch-size', '16', '--out', out, '--quiet');
  assert.equal(other.status, 1, other.stderr);
  assert.match(other.stderr, /holds a sweep made with other settings: train options/);
});

test('sweeps that cannot train on time series are refused before their directory exists', () => {
  const data = writeUcr(root, 'Fan');
  const cases: [string[], number, RegExp][] = [
    [['--model', 'resnet20', '--data', data], 1, /model 'resnet20' takes images, but .*Fan holds sequences \(\[1, 32\]\): pick a sequence model/],
    [['--model', 'lenet1d', '--data', data, '--augment'], 2, /--augment is the image crop and flip; it does not apply to time series/],
    [['--model', 'lenet1d', '--data', `csv:${path.join(root, 'press.csv')}`], 2, /is a sensor log cut into windows: give --window N/],
    [['--model', 'lenet5', '--data', 'mnist', '--jitter', '0.1'], 2, /--jitter augment sequences, but mnist holds images/],
  ];
  for (const [args, status, message] of cases) {
    const out = path.join(root, 'never');
    const r = catrain('sweep', ...args, '--targets', '0.5', '--epochs', '1', '--out', out, '--quiet');
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(existsSync(out), false, `${args.join(' ')} left ${out}`);
  }
});
