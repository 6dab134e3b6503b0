// CAT runs end to end (docs/method.md section 5): strength 0 keeps the full network; a very large strength
// removes everything removable and leaves a valid, trainable network; pruning frees tensors while
// training continues; the saved network is the deployed one; a user's own Module trains like a zoo model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as E from '../../src/engine/index.js';
import { replayHistory, type Architecture } from '../../src/cat/index.js';
import { trainRun } from '../../src/train/run.js';
import { withBuffersRestored } from '../../src/nn/index.js';
import { makeOptimizer } from '../../src/train/setup.js';
import type { RunSummary } from '../../src/train/summary.js';
import { syntheticDataset } from '../helpers/synthetic.js';
import { catConfig, fastCat } from '../helpers/run-config.js';
import { TinyResNet } from './nets.js';

const mnistLike = { train: syntheticDataset(192, 1), test: syntheticDataset(64, 2) };
const small = { train: syntheticDataset(128, 3, 12), test: syntheticDataset(64, 4, 12) };

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'catrain-cat-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'strength 0 trains the full network',
  withDir(async (dir) => {
    const result = await trainRun(catConfig({ cat: { ...fastCat, strength: 0 } }), dir, { progress: false, datasets: mnistLike });
    assert.equal(result.completed, true);
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    assert.equal(summary.method, 'dense');
    assert.deepEqual(summary.final, summary.baseline);
    assert.equal(summary.macs_reduction, 0);
  }),
);

test(
  'a very large strength removes everything removable; the network left is valid and trainable',
  withDir(async (dir) => {
    const config = catConfig({ model: 'tiny-resnet (passed as a Module)', epochs: 4, cat: { ...fastCat, strength: 1e4 } });
    await trainRun(config, dir, { progress: false, datasets: small, network: { module: new TinyResNet(1, 4), inputShape: [1, 12, 12] } });
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    const architecture = readJson<Architecture>(path.join(dir, 'architecture.json'));
    assert.equal(summary.method, 'cat');
    assert.equal(summary.blocks_removed, 3);
    assert.ok(architecture.blocks.every((b) => b.removed));
    assert.ok(summary.macs_reduction > 0.6, `MACs reduced by ${summary.macs_reduction}`);
    assert.ok(Number.isFinite(summary.test_loss));

    // Rebuilt from its history and weights alone, the pruned network still trains.
    E.manualSeed(0);
    const rebuilt = new TinyResNet(1, 4);
    replayHistory(rebuilt, [1, 12, 12], architecture.history);
    rebuilt.load(path.join(dir, 'model.safetensors'));
    const optimizer = makeOptimizer(config, rebuilt);
    const x = E.keep(E.randn([8, 1, 12, 12]));
    const y = E.keep(E.randint(0, 4, [8]));
    const lossOf = (): number => E.noGrad(() => E.scope(() => E.crossEntropy(rebuilt.call(x), y).item()));
    const before = lossOf();
    for (let i = 0; i < 5; i++) {
      E.scope(() => {
        E.crossEntropy(rebuilt.call(x), y).backward();
        optimizer.step(0.05);
      });
    }
    assert.ok(lossOf() < before, 'the pruned network learns');
    E.disposeAll([x, y]);
    optimizer.dispose();
    rebuilt.dispose();
  }),
);

test(
  'pruning during training frees tensors, shrinks the network, and every gate ends binary',
  withDir(async (dir) => {
    const tensors: number[] = [];
    const fractions: number[] = [];
    await trainRun(catConfig({ epochs: 5, cat: { ...fastCat, strength: 3 } }), dir, {
      progress: false,
      datasets: mnistLike,
      callbacks: [
        {
          onEpochEnd: (_run, logs) => {
            tensors.push(E.memory().tensors);
            fractions.push(Number(logs.extra?.macs_fraction));
          },
        },
      ],
    });
    assert.ok((fractions.at(-1) as number) < (fractions[0] as number), `MACs fraction per epoch: ${fractions.join(', ')}`);
    assert.ok(fractions.slice(0, -1).some((f) => f < 1), 'structures are removed while training, not only at the end');
    assert.ok((tensors.at(-1) as number) <= (tensors[0] as number), `live tensors per epoch: ${tensors.join(', ')}`);
    const log = readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const field of ['train_loss', 'train_acc', 'test_loss', 'test_acc', 'macs', 'params', 'expected_macs', 'expected_params', 'alive_units', 'alive_blocks', 'gamma', 'epoch_s']) {
      assert.ok(field in (log[0] as object), `log.jsonl has ${field}`);
    }
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    for (const field of ['test_acc', 'baseline', 'final', 'macs_reduction', 'params_reduction', 'blocks_removed', 'units_removed', 'gates_nonbinary', 'gates_rounded', 'train_seconds', 'epoch_seconds']) {
      assert.ok(field in summary, `summary.json has ${field}`);
    }
    assert.equal(summary.epoch_seconds.length, 5);
    assert.ok(summary.units_removed > 0);
    assert.equal(summary.gates_nonbinary, 0, 'every gate of the saved network is 0 or 1');
    assert.ok(summary.gates_rounded >= 0);
    // The saved network is exactly the deployed one: final sizes are those of architecture.json.
    const architecture = readJson<Architecture>(path.join(dir, 'architecture.json'));
    assert.deepEqual(summary.final, { macs: architecture.macs, params: architecture.params });
    const widths = architecture.layers.map((l) => l.weight_shape);
    assert.equal(widths[0]?.[0], architecture.groups[0]?.width);
  }),
);

test(
  '--min-units and --protect are recorded in the config and honoured by surgery',
  withDir(async (dir) => {
    const cat = { ...fastCat, strength: 1e4, minUnits: 3, protect: ['3'], widthMultiple: 1 };
    await trainRun(catConfig({ cat }), dir, { progress: false, datasets: mnistLike });
    const saved = readJson<{ cat: typeof cat }>(path.join(dir, 'config.json')).cat;
    assert.deepEqual([saved.minUnits, saved.protect], [3, ['3']]);
    const architecture = readJson<Architecture>(path.join(dir, 'architecture.json'));
    assert.deepEqual(architecture.groups.map((g) => [g.id, g.width]), [['1', 3]]);
    assert.deepEqual(architecture.layers.find((l) => l.module === '3')?.weight_shape, [100, 3]);
  }),
);

test('the two-point layer estimator leaves BatchNorm statistics as they were and trains to the end', async () => {
  const model = new TinyResNet(1, 4);
  model.train();
  const x = E.keep(E.randn([4, 1, 12, 12]));
  const before = E.scope(() => model.stateDict().get('blocks.1.bn1.running_mean')!.toArray());
  withBuffersRestored(model, () => E.noGrad(() => E.scope(() => void model.call(x))));
  assert.deepEqual(E.scope(() => model.stateDict().get('blocks.1.bn1.running_mean')!.toArray()), before);
  E.noGrad(() => E.scope(() => void model.call(x)));
  assert.notDeepEqual(E.scope(() => model.stateDict().get('blocks.1.bn1.running_mean')!.toArray()), before, 'a plain forward does update them');
  x.dispose();
  model.dispose();

  await withDir(async (dir) => {
    const config = catConfig({ model: 'tiny-two-point', epochs: 3, cat: { ...fastCat, strength: 50, layerEstimator: 'two-point' } });
    const result = await trainRun(config, dir, { progress: false, datasets: small, network: { module: new TinyResNet(1, 4), inputShape: [1, 12, 12] } });
    assert.equal(result.completed, true);
    assert.ok(readJson<RunSummary>(path.join(dir, 'summary.json')).blocks_removed > 0);
  })();
});

test(
  'a budget lands the saved network just under the target',
  withDir(async (dir) => {
    await trainRun(catConfig({ epochs: 5, cat: { ...fastCat, targetParams: 0.4, widthMultiple: 1 } }), dir, { progress: false, datasets: mnistLike });
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    const fraction = summary.final.params / summary.baseline.params;
    assert.ok(fraction <= 0.4 && fraction >= 0.4 * 0.97, `final parameters are ${fraction} of the dense network`);
  }),
);

test(
  'with widths rounded to a multiple, the settled network keeps the multiple and stays within the budget',
  withDir(async (dir) => {
    await trainRun(catConfig({ epochs: 5, cat: { ...fastCat, targetParams: 0.4, widthMultiple: 8 } }), dir, { progress: false, datasets: mnistLike });
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    const fraction = summary.final.params / summary.baseline.params;
    // One step of 8 units of the first layer is 2.4% of lenet300's parameters: the landing is that coarse.
    assert.ok(fraction <= 0.4 && fraction >= 0.4 - 2 * 0.024, `final parameters are ${fraction} of the dense network`);
    const architecture = readJson<Architecture>(path.join(dir, 'architecture.json'));
    for (const group of architecture.groups) assert.equal(group.width % 8, 0, `${group.id} is ${group.width} wide`);
  }),
);
