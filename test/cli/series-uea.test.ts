// A multivariate UEA dataset (sktime .ts files) through the command line: train with CAT, evaluate,
// describe and export, as a user types it. The reader itself is tested in test/data/series-uea.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { catrain } from '../helpers/cli.js';
import { writeUea } from '../helpers/series-data.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-uea-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('uea:DIR/NAME: a two-channel set trains with CAT, evaluates, shows its data and exports', () => {
  const data = writeUea(root, 'Motion', { length: 40 });
  const run = path.join(root, 'run');
  const trained = catrain('train', '--model', 'lenet1d', '--data', data, '--epochs', '1', '--batch-size', '12', '--target-macs', '0.5', '--out', run, '--quiet');
  assert.equal(trained.status, 0, trained.stderr);
  const evaluated = catrain('eval', '--run', run, '--json');
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.equal((JSON.parse(evaluated.stdout) as { count: number }).count, 18);
  const info = catrain('info', '--run', run);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /2 channels x 40 time steps, 3 classes \(healthy, imbalance, looseness\)/);
  const exported = catrain('export', '--run', run, '--format', 'onnx', '--out', path.join(root, 'motion.onnx'));
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(exported.stdout, /\[N, 2, 40\] NCL, raw signal values/);
  assert.ok(existsSync(path.join(root, 'motion.onnx')));
});
