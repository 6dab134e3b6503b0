// Resume through structural change (issue item 5): a CAT run stopped just after a surgery and then
// resumed rebuilds the pruned network from its history and ends with the same weights, gates and
// architecture as an uninterrupted run, bit for bit on CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as E from '../../src/engine/index.js';
import { parseCatState, type CatState } from '../../src/cat/index.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import type { TrainConfig } from '../../src/train/config.js';
import { resumeRun, trainRun } from '../../src/train/run.js';
import { syntheticDataset } from '../helpers/synthetic.js';
import { catConfig, fastCat } from '../helpers/run-config.js';

const datasets = { train: syntheticDataset(192, 1), test: syntheticDataset(64, 2) };

function catState(dir: string): CatState {
  const checkpoint = loadCheckpoint<TrainConfig>(path.join(dir, 'checkpoint.safetensors'));
  E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  return (checkpoint.method as { cat: CatState }).cat;
}

test('a CAT run stopped just after a surgery and resumed ends bit-identical to an uninterrupted one', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-cat-resume-'));
  try {
    const config = catConfig({ epochs: 5, cat: { ...fastCat, strength: 3 } });
    const whole = path.join(root, 'whole');
    const split = path.join(root, 'split');
    await trainRun(config, whole, { progress: false, datasets });

    let stoppedAt = -1;
    const first = await trainRun(config, split, {
      progress: false,
      datasets,
      onTrainer: (trainer, method) => {
        trainer.callbacks.push({
          onBatchEnd: (run) => {
            if (stoppedAt < 0 && parseCatState(method.state()).history.length > 0) {
              stoppedAt = run.step;
              run.stopTraining = true;
            }
          },
        });
      },
    });
    assert.equal(first.completed, false);
    assert.ok(stoppedAt > 0, 'the run pruned something before it was stopped');
    const atStop = catState(split);
    assert.ok(atStop.history.length > 0 && atStop.history.every((e) => e.step < stoppedAt), 'the checkpoint holds the surgery just made');

    const resumed = await resumeRun(split, { progress: false, datasets });
    assert.equal(resumed.completed, true);
    assert.deepEqual(readFileSync(path.join(split, 'model.safetensors')), readFileSync(path.join(whole, 'model.safetensors')));
    assert.deepEqual(readFileSync(path.join(split, 'architecture.json'), 'utf8'), readFileSync(path.join(whole, 'architecture.json'), 'utf8'));
    assert.deepEqual(catState(split), catState(whole));
    const accuracy = (dir: string): unknown => (JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { test_acc: number }).test_acc;
    assert.equal(accuracy(split), accuracy(whole));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
