import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { batchesPerEpoch, BatchMaker, epochOrder, type Batch } from '../../src/data/batcher.js';
import { sharedBytes, type ImageDataset } from '../../src/data/dataset.js';
import { DataLoader, WorkerPool, type DataLoaderOptions } from '../../src/data/loader.js';
import { Rng } from '../../src/data/rng.js';

/** A CIFAR-shaped synthetic dataset with reproducible random pixels; label = index % 10. */
function synthetic(count: number, side = 8, shared = false): ImageDataset {
  const bytes = count * side * side * 3;
  const images = shared ? sharedBytes(bytes) : new Uint8Array(bytes);
  const rng = new Rng(42);
  for (let i = 0; i < bytes; i++) images[i] = rng.nextU32() & 255;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'cifar10', images, labels, count, height: side, width: side, channels: 3, numClasses: 10 };
}

const data = synthetic(203);
const options: DataLoaderOptions = { batchSize: 16, shuffle: true, augment: true, seed: 5 };
const loaders: DataLoader[] = [];
function loader(extra: Partial<DataLoaderOptions> = {}, dataset = data): DataLoader {
  const made = new DataLoader(dataset, { ...options, ...extra });
  loaders.push(made);
  return made;
}
after(async () => {
  await Promise.all(loaders.map((l) => l.close()));
});

async function collect(iterable: AsyncIterable<Batch>): Promise<Batch[]> {
  const batches: Batch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

function assertSameBatch(actual: Batch, expected: Batch): void {
  assert.deepEqual([actual.epoch, actual.index, actual.size, actual.layout, actual.shape], [expected.epoch, expected.index, expected.size, expected.layout, expected.shape]);
  assert.ok(Buffer.from(actual.images.buffer, actual.images.byteOffset, actual.images.byteLength).equals(Buffer.from(expected.images.buffer, expected.images.byteOffset, expected.images.byteLength)), `images of batch ${expected.index}`);
  assert.deepEqual(actual.labels, expected.labels);
}

describe('epoch order and batches', () => {
  test('an epoch is a permutation; the same (seed, epoch) repeats it, another epoch or seed does not', () => {
    const order = epochOrder(203, 5, 0, true);
    assert.deepEqual(Array.from(order).sort((a, b) => a - b), Array.from({ length: 203 }, (_, i) => i));
    assert.deepEqual(epochOrder(203, 5, 0, true), order);
    assert.notDeepEqual(epochOrder(203, 5, 1, true), order);
    assert.notDeepEqual(epochOrder(203, 6, 0, true), order);
    assert.deepEqual(Array.from(epochOrder(5, 5, 3, false)), [0, 1, 2, 3, 4]);
  });

  test('batch counts and sizes follow dropLast', () => {
    assert.equal(batchesPerEpoch(203, 16, false), 13);
    assert.equal(batchesPerEpoch(203, 16, true), 12);
    const l = loader({ workers: 0 });
    assert.equal(l.batchesPerEpoch, 13);
    const last = l.batch(0, 12);
    assert.deepEqual([last.size, last.shape, last.images.length, last.labels.length], [11, [11, 3, 8, 8], 11 * 192, 11]);
    assert.equal(loader({ workers: 0, dropLast: true }).batchesPerEpoch, 12);
    assert.throws(() => l.batch(0, 13), /batch 13 is out of range: an epoch has 13 batches/);
  });

  test('same seed and epoch give the same bytes; another epoch gives another order', () => {
    const a = loader({ workers: 0 });
    const b = loader({ workers: 0 });
    for (const index of [0, 7, 12]) assertSameBatch(b.batch(3, index), a.batch(3, index));
    assert.notDeepEqual(a.batch(4, 0).labels, a.batch(3, 0).labels);
    // Labels follow the shuffled images: label = dataset index % 10.
    const order = epochOrder(203, 5, 3, true);
    assert.deepEqual(Array.from(a.batch(3, 1).labels, Number), Array.from(order.subarray(16, 32), (i) => i % 10));
  });

  test('augmentation draws come from (seed, epoch, batch) only', () => {
    const plain = loader({ workers: 0, augment: false, shuffle: false });
    const maker = new BatchMaker(data, { ...plain.settings, augment: { padding: 4, flip: true } });
    // Unaugmented and augmented batches of the same images differ, but each is reproducible.
    assert.notDeepEqual(maker.make(0, 0).images, plain.batch(0, 0).images);
    assert.deepEqual(maker.make(0, 0).images, new BatchMaker(data, maker.settings).make(0, 0).images);
    assert.notDeepEqual(maker.make(0, 0).images, maker.make(1, 0).images);
  });
});

describe('DataLoader', () => {
  test('worker output equals in-thread output byte for byte, in order, in both layouts', async () => {
    for (const layout of ['nchw', 'nhwc'] as const) {
      const reference = loader({ workers: 0, layout });
      const threaded = loader({ workers: 2, prefetch: 3, layout });
      const batches = await collect(threaded.epoch(2));
      assert.deepEqual(batches.map((b) => b.index), Array.from({ length: 13 }, (_, i) => i));
      batches.forEach((batch, i) => assertSameBatch(batch, reference.batch(2, i)));
      const inThread = await collect(reference.epoch(2));
      inThread.forEach((batch, i) => assertSameBatch(batch, batches[i] as Batch));
    }
  });

  test('startBatch resumes mid-epoch with the tail of the full epoch', async () => {
    const l = loader({ workers: 1 });
    const full = await collect(l.epoch(1));
    const tail = await collect(l.epoch(1, { startBatch: 9 }));
    assert.equal(tail.length, 4);
    tail.forEach((batch, i) => assertSameBatch(batch, full[9 + i] as Batch));
    assert.deepEqual(await collect(l.epoch(1, { startBatch: 13 })), []);
    await assert.rejects(collect(l.epoch(1, { startBatch: 14 })), /startBatch is 14, but an epoch has 13 batches/);
  });

  test('a dataset not on a SharedArrayBuffer is shared once; the caller keeps its array', async () => {
    const plain = synthetic(40, 4);
    const l = loader({ workers: 1, batchSize: 8 }, plain);
    assert.ok(!(plain.images.buffer instanceof SharedArrayBuffer));
    const [first] = await collect(l.epoch(0));
    assertSameBatch(first as Batch, loader({ workers: 0, batchSize: 8 }, plain).batch(0, 0));
  });

  test('close() stops every worker, is idempotent, and rejects an iteration in progress', async () => {
    const before = process.report.getReport() as { workers: unknown[] };
    const l = loader({ workers: 2, prefetch: 2 });
    const iterator = l.epoch(0)[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.index, 0);
    assert.equal(l.runningWorkers, 2);
    await l.close();
    await l.close();
    assert.equal(l.runningWorkers, 0);
    assert.equal((process.report.getReport() as { workers: unknown[] }).workers.length, before.workers.length);
    // Batches already made may still be delivered; the first one that was not rejects.
    await assert.rejects(async () => {
      for (let step = 0; step < 20; step++) await iterator.next();
    }, /DataLoader closed/);
    await assert.rejects(collect(l.epoch(0)), /epoch\(\) after close\(\)/);
  });

  test("a worker's error rejects the request with its message", async () => {
    const l = loader({ workers: 0 });
    const pool = new WorkerPool({ data: synthetic(20, 4, true), settings: { ...l.settings, batchSize: 8 } }, 1);
    try {
      await assert.rejects(pool.request(0, 99), /DataLoader worker 0: batch 99 is out of range: an epoch has 3 batches/);
      assert.equal((await pool.request(0, 2)).size, 4); // the worker carries on
    } finally {
      await pool.close();
    }
    assert.equal(pool.running, 0);
  });

  test('options are checked, naming the option and the value', () => {
    assert.throws(() => loader({ batchSize: 0 }), /DataLoader: batchSize is 0, expected an integer >= 1/);
    assert.throws(() => loader({ workers: -1 }), /workers is -1/);
    assert.throws(() => loader({ seed: 1.5 }), /seed is 1\.5/);
    assert.throws(() => loader({ layout: 'chw' as 'nchw' }), /layout is 'chw', expected 'nchw' or 'nhwc'/);
    assert.throws(() => loader({ augment: { padding: -1, flip: true } }), /augment\.padding is -1/);
  });

  test('CIFAR batch-128 augmentation fills every batch in both layouts', () => {
    // Its speed is a benchmark question (bench/), not a test's: here only what it produces.
    const cifar = synthetic(1024, 32);
    for (const layout of ['nchw', 'nhwc'] as const) {
      const l = loader({ workers: 0, batchSize: 128, layout }, cifar);
      for (let i = 0; i < 8; i++) {
        const batch = l.batch(1, i);
        assert.equal(batch.size, 128, `${layout} batch ${i}`);
        assert.ok(batch.images.some((v) => v !== 0), `${layout} batch ${i} has pixels`);
      }
    }
  });
});
