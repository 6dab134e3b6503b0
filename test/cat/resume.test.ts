// Resume through structural change (issue item 5): a CAT run stopped just after a surgery and then
// resumed rebuilds the pruned network from its history and ends with the same weights, gates and
// architecture as an uninterrupted run, bit for bit on CPU: on an MLP, and on a residual network
// whose coupled stage widths (one group across the residual sums) were pruned before the stop.
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
import { TinyResNet } from './nets.js';

const mnistLike = { train: syntheticDataset(192, 1), test: syntheticDataset(64, 2) };
const small = { train: syntheticDataset(128, 3, 12), test: syntheticDataset(64, 4, 12) };

function catState(dir: string): CatState {
  const checkpoint = loadCheckpoint<TrainConfig>(path.join(dir, 'checkpoint.safetensors'));
  E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  return (checkpoint.method as { cat: CatState }).cat;
}

interface ResumeCase {
  name: string;
  config: TrainConfig;
  datasets: typeof mnistLike;
  /** A fresh dense network for each run, when the case trains one it built itself. */
  network?: () => { module: TinyResNet; inputShape: number[] };
  /** Whether the stop came after this pruning event (else it waits for the next surgery). */
  stopAfter: (history: CatState['history']) => boolean;
}

/** The caller builds this network, so the caller seeds its initial weights (the same for both runs). */
const tinyResNet = (): { module: TinyResNet; inputShape: number[] } => {
  E.manualSeed(0);
  return { module: new TinyResNet(1, 4), inputShape: [1, 12, 12] };
};

const coupled = (history: CatState['history']): boolean => history.some((e) => e.kind === 'units' && (e.group === 'stem' || e.group === 'blocks.1.shortcut.0'));

const CASES: ResumeCase[] = [
  { name: 'an MLP', config: catConfig({ epochs: 5, cat: { ...fastCat, strength: 3 } }), datasets: mnistLike, stopAfter: (h) => h.length > 0 },
  {
    name: 'a residual network with coupled stage widths',
    config: catConfig({ model: 'tiny-resnet (passed as a Module)', epochs: 5, cat: { ...fastCat, strength: 3 } }),
    datasets: small,
    network: tinyResNet,
    stopAfter: coupled,
  },
  {
    name: 'a residual network with fixed stage widths',
    config: catConfig({ model: 'tiny-resnet (passed as a Module)', epochs: 5, cat: { ...fastCat, strength: 3, residualChannels: 'fixed' } }),
    datasets: small,
    network: tinyResNet,
    stopAfter: (h) => h.length > 0,
  },
];

for (const c of CASES) test(`${c.name}: a CAT run stopped just after a surgery and resumed ends bit-identical to an uninterrupted one`, async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-cat-resume-'));
  try {
    const { config, datasets } = c;
    const whole = path.join(root, 'whole');
    const split = path.join(root, 'split');
    await trainRun(config, whole, { progress: false, datasets, network: c.network?.() });

    let stoppedAt = -1;
    const first = await trainRun(config, split, {
      progress: false,
      datasets,
      network: c.network?.(),
      onTrainer: (trainer, method) => {
        trainer.callbacks.push({
          onBatchEnd: (run) => {
            if (stoppedAt < 0 && c.stopAfter(parseCatState(method.state()).history)) {
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
    assert.ok(c.stopAfter(atStop.history) && atStop.history.every((e) => e.step < stoppedAt), 'the checkpoint holds the surgery just made');

    const resumed = await resumeRun(split, { progress: false, datasets, network: c.network?.() });
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
