// A diverging run stops with a clear error and leaves the last good checkpoint untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, type TrainConfig } from '../../src/train/config.js';
import { NonFiniteLossError } from '../../src/train/callbacks/nan-guard.js';
import { resumeRun, trainRun } from '../../src/train/run.js';
import { syntheticDataset } from '../helpers/synthetic.js';

test('NaN loss stops training and never overwrites the checkpoint', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-nan-'));
  try {
    const datasets = { train: syntheticDataset(64, 3), test: syntheticDataset(32, 4) };
    const config: TrainConfig = { ...DEFAULT_CONFIG, model: 'lenet300', data: 'mnist', epochs: 2, batchSize: 32, warmupEpochs: 0, augment: false, workers: 0, channelsLast: false, lr: 0.01 };
    const dir = path.join(root, 'run');
    // One good epoch, then interrupt so a checkpoint exists.
    await trainRun(config, dir, {
      progress: false,
      datasets,
      onTrainer: (t) => t.callbacks.push({ onEpochEnd: (run) => void (run.stopTraining = true) }),
    });
    const checkpoint = readFileSync(path.join(dir, 'checkpoint.safetensors'));
    // Resume with a learning rate that overflows the weights.
    const saved = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as TrainConfig;
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...saved, lr: 1e38, schedule: 'constant' }));
    await assert.rejects(resumeRun(dir, { progress: false, datasets }), (error: unknown) => {
      assert.ok(error instanceof NonFiniteLossError);
      assert.match(error.message, /diverged.*learning rate/);
      return true;
    });
    assert.deepEqual(readFileSync(path.join(dir, 'checkpoint.safetensors')), checkpoint);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
