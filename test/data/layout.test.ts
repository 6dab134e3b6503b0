// The documented hand-off to the engine: NCHW batches become NCHW tensors; NHWC batches become a
// channels-last NCHW view by permute([0, 3, 1, 2]), with the same values and no copy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageDataset } from '../../src/data/dataset.js';
import { DataLoader } from '../../src/data/loader.js';

type Engine = typeof import('../../src/engine/index.js');

async function loadEngine(): Promise<Engine | string> {
  try {
    const engine = await import('../../src/engine/index.js');
    engine.zeros([1]).dispose();
    return engine;
  } catch (error) {
    return `the engine's native addon is not available (${(error as Error).message.split('\n')[0] ?? ''})`;
  }
}

const engine = await loadEngine();

test('an NHWC batch permuted to NCHW is channels-last and equals the NCHW batch', { skip: typeof engine === 'string' && engine }, () => {
  const E = engine as Engine;
  const count = 6;
  const images = Uint8Array.from({ length: count * 4 * 5 * 3 }, (_, i) => (i * 37) % 256);
  const dataset: ImageDataset = { name: 'cifar10', images, labels: new Uint8Array(count), count, height: 4, width: 5, channels: 3, numClasses: 10 };
  const options = { batchSize: 4, shuffle: true, augment: true, seed: 3, workers: 0 } as const;
  const nchw = new DataLoader(dataset, { ...options, layout: 'nchw' }).batch(0, 0);
  const nhwc = new DataLoader(dataset, { ...options, layout: 'nhwc' }).batch(0, 0);
  E.scope(() => {
    const reference = E.tensor(nchw.images, { shape: nchw.shape });
    const channelsLast = E.tensor(nhwc.images, { shape: nhwc.shape }).permute([0, 3, 1, 2]);
    assert.deepEqual(channelsLast.shape, [4, 3, 4, 5]);
    assert.equal(channelsLast.isContiguous('channels_last'), true);
    assert.equal(channelsLast.isContiguous(), false);
    assert.equal(channelsLast.sub(reference).abs().max().item(), 0);
    assert.equal(E.tensor(nhwc.labels).dtype, 'int64');
  });
});
