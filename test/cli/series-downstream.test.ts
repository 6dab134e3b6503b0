// The commands after `train` on a sequence run, from the command line: progress and export name
// signals (not images or pixels); info and bench take a sequence model's channels and length (and
// image models refuse them); a latency profile timed at another length is refused before a run
// directory exists; a sensor log trains, evaluates and exports.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { catrain } from '../helpers/cli.js';
import { writeSensorCsv, writeUcr } from '../helpers/series-data.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-series-down-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('a UCR run downstream', () => {
  const run = path.join(root, 'ucr-run');
  let data = '';
  let trainErr = '';
  before(() => {
    data = writeUcr(root, 'Motor');
    const r = catrain('train', '--model', 'lenet1d', '--data', data, '--epochs', '1', '--batch-size', '12', '--target-macs', '0.5', '--out', run);
    assert.equal(r.status, 0, r.stderr);
    trainErr = r.stderr;
  });

  test('training progress counts sequences per second, not images', () => {
    assert.match(trainErr, /epoch 1\/1 .* \d+ seq\/s/);
    assert.doesNotMatch(trainErr, /img\/s/);
  });

  test('info --run names channels, time steps and the class names', () => {
    const r = catrain('info', '--run', run);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /MACs for input \[1, 32\]/);
    assert.match(r.stdout, /1 channel x 32 time steps, 3 classes \(healthy, imbalance, looseness\)/);
  });

  test('export describes the input as raw signals laid out NCL', () => {
    for (const format of ['onnx', 'tfjs', 'safetensors']) {
      const r = catrain('export', '--run', run, '--format', format, '--out', path.join(root, `export-${format}`));
      assert.equal(r.status, 0, `${format}: ${r.stderr}`);
      assert.match(r.stdout, /\(input float32 \[N, 1, 32\] NCL, raw signal values(\)|; )/, format);
      // Only the safetensors weights leave the normalisation to the caller.
      assert.equal(/normalise it with the mean and std in the metadata first\)/.test(r.stdout), format === 'safetensors', format);
      assert.doesNotMatch(r.stdout, /NCHW|\[0, 1\]/, format);
    }
  });

  test('a latency profile timed at another input length is refused, naming both shapes and the fix', () => {
    const layer = { a: 0.001, b: 0.0001, c: 0.0001, d: 0.001, inWidth: 1, outWidth: 1, samples: [], rmsRelative: 0, maxRelative: 0 };
    const profile = {
      format: 1, model: 'lenet1d', runtime: 'libtorch', batch: 1, inputShape: [1, 128], threads: 1, denseMs: 0.1, remainderMs: 0.01,
      layers: Object.fromEntries(['0', '3', '7', '9', '11'].map((name) => [name, layer])), fit: { rmsRelative: 0, maxRelative: 0 }, created: '2026-12-04T00:00:00Z',
    };
    const file = path.join(root, 'profile-128.json');
    writeFileSync(file, JSON.stringify(profile));
    const out = path.join(root, 'never-latency');
    const r = catrain('train', '--model', 'lenet1d', '--data', data, '--epochs', '1', '--latency-profile', file, '--target-latency', '0.08', '--out', out, '--quiet');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /measured for inputs \[1, 128\], but this run's are \[1, 32\]: .*--channels 1 --input-length 32/);
    assert.equal(existsSync(out), false);
  });
});

describe('info, bench and latency-profile: a sequence model\'s input shape', () => {
  test('info --model takes --channels and --input-length, and MACs follow the length', () => {
    const shape = (...flags: string[]): { macs: number; params: number; input: number[] } => {
      const r = catrain('info', '--model', 'resnet1d', '--json', ...flags);
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { macs: number; params: number; input: number[] };
    };
    const short = shape('--channels', '3', '--input-length', '64');
    const long = shape('--channels', '3', '--input-length', '256');
    assert.deepEqual([short.input, long.input], [[3, 64], [3, 256]]);
    // The convolutions' MACs scale with the length; the classifier after the global pool (128 wide, 2
    // classes by default) and the parameters do not.
    const classifier = 128 * 2;
    assert.equal(long.macs - classifier, 4 * (short.macs - classifier));
    assert.equal(long.params, short.params);
  });

  test('image models refuse the sequence flags; a length too short for lenet1d is a bad argument', () => {
    const image = catrain('info', '--model', 'resnet20', '--input-length', '100');
    assert.equal(image.status, 2);
    assert.match(image.stderr, /--input-length describes a sequence model's input, but resnet20 takes images of \[3, 32, 32\]/);
    const bench = catrain('bench', 'train', '--model', 'lenet5', '--channels', '2');
    assert.equal(bench.status, 2);
    assert.match(bench.stderr, /--channels describes a sequence model's input, but lenet5 takes images/);
    const profile = catrain('latency-profile', '--model', 'vgg11', '--input-length', '64', '--out', path.join(root, 'never.json'));
    assert.equal(profile.status, 2);
    assert.equal(existsSync(path.join(root, 'never.json')), false);
    const short = catrain('info', '--model', 'lenet1d', '--input-length', '8');
    assert.equal(short.status, 2);
    assert.match(short.stderr, /lenet1d: inputLength must be at least 12/);
  });

  test('bench train times a sequence model on [N, C, L] batches', () => {
    const r = catrain('bench', 'train', '--model', 'lenet1d', '--batch', '4', '--steps', '1', '--warmup', '1', '--input-length', '48', '--channels', '2');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^lenet1d, batch 4: [\d.]+ sequences\/s, [\d.]+ ms\/step/);
  });
});

test('a sensor log: train with windows, eval, export', () => {
  const data = writeSensorCsv(path.join(root, 'line3.csv'));
  const run = path.join(root, 'csv-run');
  const trained = catrain('train', '--model', 'lenet1d', '--data', data, '--window', '32', '--stride', '16', '--epochs', '1', '--batch-size', '16', '--scaling', '0.1', '--target-macs', '0.5', '--out', run, '--quiet');
  assert.equal(trained.status, 0, trained.stderr);
  const evaluated = catrain('eval', '--run', run, '--json');
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const result = JSON.parse(evaluated.stdout) as { count: number; top1: number };
  assert.ok(result.count > 0, `evaluated ${result.count} windows`);
  const info = catrain('info', '--run', run);
  assert.match(info.stdout, /2 channels x 32 time steps, 3 classes/);
  const exported = catrain('export', '--run', run, '--format', 'onnx', '--out', path.join(root, 'line3.onnx'));
  assert.equal(exported.status, 0, exported.stderr);
  assert.match(exported.stdout, /\[N, 2, 32\] NCL, raw signal values/);
});
