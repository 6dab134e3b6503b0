// The resume contract (src/train/checkpoint.ts): an interrupted then resumed run ends with the same
// weights as an uninterrupted one, on CPU, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as E from '../../src/engine/index.js';
import type { TrainConfig } from '../../src/train/config.js';
import { catConfig } from '../helpers/run-config.js';
import { resumeRun, trainRun } from '../../src/train/run.js';
import { syntheticDataset } from '../helpers/synthetic.js';

const datasets = { train: syntheticDataset(192, 1), test: syntheticDataset(64, 2) };
const config: TrainConfig = catConfig({ epochs: 3, cat: null });

function weights(file: string): Map<string, number[]> {
  const { tensors } = E.loadTensors(file);
  const values = new Map([...tensors].map(([name, t]) => [name, t.toArray()]));
  E.disposeAll(tensors);
  return values;
}

test('an interrupted then resumed run ends with the same weights as an uninterrupted one', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-resume-'));
  try {
    const whole = path.join(root, 'whole');
    const split = path.join(root, 'split');
    const full = await trainRun(config, whole, { progress: false, datasets });
    assert.equal(full.completed, true);

    // Stop in the middle of the second epoch (6 batches per epoch), with data workers this time:
    // batches are a function of (seed, epoch, index), so workers must not change the result.
    const interrupted = await trainRun({ ...config, workers: 1 }, split, {
      progress: false,
      datasets,
      onTrainer: (trainer) => {
        trainer.callbacks.push({
          onBatchEnd: (run) => {
            if (run.step === 9) run.stopTraining = true;
          },
        });
      },
    });
    assert.equal(interrupted.completed, false);
    assert.deepEqual(interrupted.position, { epoch: 1, batchInEpoch: 3, step: 9 });
    const resumed = await resumeRun(split, { progress: false, datasets });
    assert.equal(resumed.completed, true);
    assert.equal(resumed.position.step, 18);

    const expected = weights(path.join(whole, 'model.safetensors'));
    const actual = weights(path.join(split, 'model.safetensors'));
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
    for (const [name, values] of expected) assert.deepEqual(actual.get(name), values, `parameter ${name} differs after resume`);
    assert.equal(resumed.test?.top1, full.test?.top1);
    assert.ok((full.test?.top1 ?? 0) > 40, `the model should learn the synthetic task, got ${full.test?.top1}%`);
    const epochs = (dir: string): number => readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').length;
    assert.equal(epochs(whole), 3);
    assert.equal(epochs(split), 3);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a new run refuses a directory that holds a run, and resume needs a checkpoint', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-rundir-'));
  try {
    const dir = path.join(root, 'run');
    await trainRun({ ...config, epochs: 1 }, dir, { progress: false, datasets });
    const before = readFileSync(path.join(dir, 'checkpoint.safetensors'));
    await assert.rejects(trainRun({ ...config, epochs: 1 }, dir, { progress: false, datasets }), /already holds a run/);
    assert.deepEqual(readFileSync(path.join(dir, 'checkpoint.safetensors')), before);
    await assert.rejects(trainRun(config, path.join(root, 'empty'), { resume: true, progress: false, datasets }), /no checkpoint/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('training leaves no tensors behind', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-leak-'));
  try {
    const before = E.memory().tensors;
    await trainRun({ ...config, epochs: 1 }, path.join(root, 'run'), { progress: false, datasets });
    assert.equal(E.memory().tensors, before);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
