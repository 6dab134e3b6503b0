// CAT on a 1-d residual network (Wang et al.'s ResNet, narrow): a MAC budget lands just under its
// target with binary gates, a large strength removes residual blocks and leaves a network that its
// history and weights rebuild, and a run stopped after a surgery and resumed ends bit-identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as E from '../../src/engine/index.js';
import { parseCatState, replayHistory, type Architecture, type CatState } from '../../src/cat/index.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import type { TrainConfig } from '../../src/train/config.js';
import { resumeRun, trainRun } from '../../src/train/run.js';
import type { RunSummary } from '../../src/train/summary.js';
import type { ResNet1d } from '../../src/models/index.js';
import { catConfig, fastCat } from '../helpers/run-config.js';
import { sineSeries, smallResNet1d } from './series-nets.js';

const LENGTH = 24;
const series = { train: sineSeries(96, 1, LENGTH), test: sineSeries(48, 2, LENGTH) };
const INPUT = [1, LENGTH];
const model = 'resnet1d-small (passed as a Module)';

/** The caller builds the network, so the caller seeds its initial weights (the same for every run). */
const network = (): { module: ResNet1d; inputShape: number[] } => {
  E.manualSeed(0);
  return { module: smallResNet1d(), inputShape: INPUT };
};

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

async function inDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'catrain-cat-series-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('resnet1d under --target-macs 0.5 lands within 3% under the budget, with binary gates', () =>
  inDir(async (dir) => {
    await trainRun(catConfig({ model, epochs: 4, batchSize: 16, cat: { ...fastCat, targetMacs: 0.5, widthMultiple: 1 } }), dir, { progress: false, datasets: series, network: network() });
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    const fraction = summary.final.macs / summary.baseline.macs;
    assert.ok(fraction <= 0.5 && fraction >= 0.5 * 0.97, `final MACs are ${fraction} of the dense network`);
    assert.equal(summary.gates_nonbinary, 0);
  }));

test('a large strength removes resnet1d blocks; history and weights rebuild the pruned network', () =>
  inDir(async (dir) => {
    await trainRun(catConfig({ model, epochs: 3, batchSize: 16, cat: { ...fastCat, strength: 1e4 } }), dir, { progress: false, datasets: series, network: network() });
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    const architecture = readJson<Architecture>(path.join(dir, 'architecture.json'));
    assert.equal(summary.blocks_removed, 3);
    assert.deepEqual(architecture.blocks, [{ id: 'layer1', removed: true }, { id: 'layer2', removed: true }, { id: 'layer3', removed: true }]);
    assert.ok(architecture.layers.every((l) => l.op !== 'conv1d' || l.weight_shape.length === 3));
    const rebuilt = network().module;
    replayHistory(rebuilt, INPUT, architecture.history);
    rebuilt.load(path.join(dir, 'model.safetensors'));
    E.scope(() => assert.deepEqual([...rebuilt.eval().call(E.randn([2, ...INPUT])).shape], [2, 3]));
    rebuilt.dispose();
  }));

function catState(dir: string): CatState {
  const checkpoint = loadCheckpoint<TrainConfig>(path.join(dir, 'checkpoint.safetensors'));
  E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  return (checkpoint.method as { cat: CatState }).cat;
}

test('a resnet1d CAT run stopped just after a surgery and resumed ends bit-identical to an uninterrupted one', () =>
  inDir(async (root) => {
    const config = catConfig({ model, epochs: 4, batchSize: 16, cat: { ...fastCat, strength: 3 } });
    const whole = path.join(root, 'whole');
    const split = path.join(root, 'split');
    await trainRun(config, whole, { progress: false, datasets: series, network: network() });
    let stoppedAt = -1;
    const first = await trainRun(config, split, {
      progress: false,
      datasets: series,
      network: network(),
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
    const resumed = await resumeRun(split, { progress: false, datasets: series, network: network() });
    assert.equal(resumed.completed, true);
    assert.deepEqual(readFileSync(path.join(split, 'model.safetensors')), readFileSync(path.join(whole, 'model.safetensors')));
    assert.deepEqual(readFileSync(path.join(split, 'architecture.json'), 'utf8'), readFileSync(path.join(whole, 'architecture.json'), 'utf8'));
    assert.deepEqual(catState(split), catState(whole));
  }));
