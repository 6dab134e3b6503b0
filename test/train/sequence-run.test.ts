import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as E from '../../src/engine/index.js';
import { Flatten, Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { checkModelFitsData } from '../../src/train/setup.js';
import { ConfigError } from '../../src/train/config.js';
import { resumeRun, trainRun } from '../../src/train/run.js';
import { catConfig } from '../helpers/run-config.js';
import { catrain } from '../helpers/cli.js';
import { readRunData, withNormalization } from '../../src/train/run-data.js';
import { RunDirectory } from '../../src/train/run-dir.js';
import { syntheticSequences } from '../helpers/sequences.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-seq-run-'));
after(() => rmSync(root, { recursive: true, force: true }));

const C = 2;
const L = 32;
const datasets = { train: syntheticSequences(192, 1, { channels: C, length: L }), test: syntheticSequences(96, 2, { channels: C, length: L }) };
datasets.train.normalization = { mean: [0.25, -0.5], std: [2, 3] };
datasets.test.normalization = datasets.train.normalization;
/** A user network over [N, C, L]: flatten, one hidden layer, logits; the same initial weights every time. */
function network(): { module: Sequential; inputShape: number[] } {
  E.manualSeed(11);
  return { module: new Sequential(new Flatten(), new Linear(C * L, 24), new ReLU(), new Linear(24, 3)), inputShape: [C, L] };
}
const config = catConfig({ model: 'user-mlp1d', data: 'synthetic-sequences', epochs: 3, batchSize: 32, lr: 0.1, jitter: 0.05, scaling: 0.1, timeShift: 4, windowCrop: 0.9, channelsLast: true });

describe('training on sequences', () => {
  test('a CAT run on an in-memory SequenceDataset learns, records [C, L] as its input and saves the normalisation', async () => {
    const out = path.join(root, 'cat');
    const result = await trainRun(config, out, { progress: false, datasets, network: network() });
    assert.ok(result.completed);
    assert.ok((result.test?.top1 ?? 0) > 60, `top-1 ${result.test?.top1}`);
    const architecture = JSON.parse(readFileSync(path.join(out, 'architecture.json'), 'utf8')) as { input_shape: number[] };
    assert.deepEqual(architecture.input_shape, [C, L]);
    const data = JSON.parse(readFileSync(path.join(out, 'data.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(data, { kind: 'sequence', name: 'synthetic-sequences', channels: C, length: L, num_classes: 3, class_names: ['class-0', 'class-1', 'class-2'], normalization: { mean: [0.25, -0.5], std: [2, 3] }, train_count: datasets.train.count, test_count: datasets.test.count });
    const info = catrain('info', '--run', out);
    assert.equal(info.status, 0, info.stderr);
    assert.match(info.stdout, /MACs for input \[2, 32\]/);
    assert.match(info.stdout, /data synthetic-sequences: 2 channels x 32 time steps, 3 classes \(class-0, class-1, class-2\); normalised per channel with mean \[0\.2500, -0\.5000\], std \[2\.000, 3\.000\]/);
    // Reloading with the saved statistics leaves data normalised with them as it is; other channels are refused.
    const saved = readRunData(new RunDirectory(out));
    assert.ok(saved !== null);
    assert.equal(withNormalization(datasets.test, saved.normalization), datasets.test);
    assert.throws(() => withNormalization(syntheticSequences(4, 3, { channels: 3, length: L }), saved.normalization), /normalised over 2 channels, but synthetic-sequences has 3/);
  });

  test('an interrupted sequence run resumes to the same weights as an uninterrupted one', async () => {
    const dense = { ...config, cat: null, epochs: 2 };
    const whole = path.join(root, 'whole');
    await trainRun(dense, whole, { progress: false, datasets, network: network() });
    const split = path.join(root, 'split');
    // With data workers this time: they must make the batches the calling thread made.
    const first = await trainRun({ ...dense, workers: 2 }, split, {
      progress: false, datasets, network: network(),
      callbacks: [{ onBatchEnd: (run) => { if (run.step === 8) run.stopTraining = true; } }],
    });
    assert.equal(first.completed, false);
    const resumed = await resumeRun(split, { progress: false, datasets, network: network() });
    assert.ok(resumed.completed);
    assert.ok(readFileSync(path.join(split, 'model.safetensors')).equals(readFileSync(path.join(whole, 'model.safetensors'))));
  });

  test('settings only the data can check are refused as settings, before any run directory exists', async () => {
    const out = path.join(root, 'refused');
    await assert.rejects(trainRun({ ...config, timeShift: L }, out, { progress: false, datasets, network: network() }), (e: Error) => e instanceof ConfigError && /--time-shift 32 must be below the sequence length 32/.test(e.message));
    await assert.rejects(trainRun({ ...config, jitter: -0.1 }, out, { progress: false, datasets, network: network() }), /--jitter \(a standard deviation\) must be a finite number >= 0/);
    assert.equal(existsSync(out), false);
  });

  test('a sequence set needs a sequence model, named in the error', () => {
    assert.throws(() => checkModelFitsData('lenet5', datasets.train), /model 'lenet5' takes images, but synthetic-sequences holds sequences \(\[2, 32\]\): pick a sequence model/);
    assert.doesNotThrow(() => checkModelFitsData('resnet1d', datasets.train));
  });
});
