// safetensors exports: PyTorch state keys and the pruned shapes, the contract in the metadata,
// architecture.json beside the weights, and a network rebuilt from those two files alone computes
// exactly what the run's network computes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as E from '../../src/engine/index.js';
import { replayHistory, type Architecture } from '../../src/cat/index.js';
import { createModel } from '../../src/models/index.js';
import { catrainLogits, exportRun, maxAbsDifference, type PixelBatch } from '../../src/export/index.js';
import { loadRunNetwork } from '../../src/train/load-run.js';
import { RESNET20_HISTORY, writePrunedRun } from './runs.js';

test('pruned ResNet-20: safetensors keys and shapes are the pruned state dict, and reloading it reproduces the logits', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-st-'));
  try {
    const run = path.join(root, 'run');
    writePrunedRun(run, 'resnet20', 'cifar10:/data/cifar-10-batches-bin', RESNET20_HISTORY);
    const out = path.join(root, 'torch');
    const { contract } = exportRun(run, 'safetensors', out);
    const { tensors, metadata } = E.loadTensors(path.join(out, 'model.safetensors'));
    const loaded = loadRunNetwork(run, { device: 'cpu' });
    const rebuilt = createModel('resnet20');
    try {
      const state = E.scope(() => new Map([...loaded.model.stateDict()].map(([k, v]) => [k, [...v.shape]] as const)));
      assert.deepEqual([...tensors.keys()], [...state.keys()], 'same keys in the same (PyTorch) order');
      for (const [key, tensor] of tensors) assert.deepEqual([...tensor.shape], state.get(key), key);
      assert.deepEqual([...(tensors.get('layer3.1.conv1.weight')?.shape ?? [])], [40, 64, 3, 3]);
      assert.deepEqual([...(tensors.get('layer3.1.bn1.running_mean')?.shape ?? [])], [40]);
      assert.deepEqual([...tensors.keys()].filter((k) => k.startsWith('layer2.1.')), [], 'the removed block (identity shortcut) has no tensors');
      assert.ok(tensors.has('layer2.2.conv1.weight'));
      assert.equal(tensors.get('bn1.num_batches_tracked')?.dtype, 'int64');
      assert.equal(metadata.format, 'pt');
      assert.match(metadata.normalization ?? '', /by the caller/);
      assert.deepEqual(JSON.parse(metadata.class_names ?? '[]').slice(0, 2), ['airplane', 'automobile']);

      // Rebuild from the exported folder alone: architecture.json's history, then the weights.
      const architecture = JSON.parse(readFileSync(path.join(out, 'architecture.json'), 'utf8')) as Architecture;
      replayHistory(rebuilt, architecture.input_shape, architecture.history);
      rebuilt.loadStateDict(tensors);
      E.manualSeed(3);
      const pixels: PixelBatch = { data: Float32Array.from(E.scope(() => E.rand([4, 3, 32, 32]).data<'float32'>())), shape: [4, 3, 32, 32] };
      const difference = maxAbsDifference(catrainLogits(rebuilt, pixels, contract), catrainLogits(loaded.model, pixels, contract));
      assert.equal(difference, 0);
    } finally {
      for (const t of tensors.values()) t.dispose();
      loaded.model.dispose();
      rebuilt.dispose();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
