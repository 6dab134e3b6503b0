import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { epochOrder, type Batch } from '../../src/data/batcher.js';
import { checkDataset, firstImages, firstSamples, sampleShape } from '../../src/data/dataset.js';
import { DataLoader, type DataLoaderOptions } from '../../src/data/loader.js';
import { NO_SIGNAL_AUGMENT, type SignalAugmentOptions } from '../../src/data/signal-augment.js';
import { syntheticSequences } from '../helpers/sequences.js';
import { syntheticDataset } from '../helpers/synthetic.js';

const data = syntheticSequences(53, 7, { channels: 2, length: 16 });
const augment: SignalAugmentOptions = { jitter: 0.1, scaling: 0.2, timeShift: 3, windowCrop: 0.8 };
const loaders: DataLoader[] = [];
function loader(extra: Partial<DataLoaderOptions> = {}, dataset = data): DataLoader {
  const made = new DataLoader(dataset, { batchSize: 8, shuffle: true, seed: 3, workers: 0, ...extra });
  loaders.push(made);
  return made;
}
after(async () => {
  await Promise.all(loaders.map((l) => l.close()));
});

const bytesOf = (batch: Batch): Buffer => Buffer.from(batch.images.buffer, batch.images.byteOffset, batch.images.byteLength);

describe('sequence batches', () => {
  test('a batch is [N, C, L] float32 holding the dataset values of the epoch order, with their labels', () => {
    const l = loader();
    const batch = l.batch(2, 1);
    assert.deepEqual([batch.shape, batch.layout, batch.size, batch.images.length], [[8, 2, 16], 'ncl', 8, 8 * 32]);
    const order = epochOrder(53, 3, 2, true);
    for (let i = 0; i < 8; i++) {
      const item = order[8 + i] as number;
      assert.deepEqual(batch.images.subarray(i * 32, (i + 1) * 32), data.values.subarray(item * 32, (item + 1) * 32), `sample ${i}`);
      assert.equal(batch.labels[i], BigInt(data.labels[item] as number));
    }
    const last = l.batch(0, l.batchesPerEpoch - 1);
    assert.deepEqual(last.shape, [53 % 8, 2, 16]);
    assert.deepEqual(sampleShape(data), [2, 16]);
  });

  test('without augmentation (evaluation, or every option off) the values are copied exactly', () => {
    const plain = loader({ shuffle: false });
    const off = loader({ shuffle: false, signalAugment: { ...NO_SIGNAL_AUGMENT } });
    assert.equal(off.settings.signalAugment, null);
    assert.deepEqual(plain.batch(0, 0).images, data.values.subarray(0, 8 * 32));
    assert.ok(bytesOf(off.batch(0, 0)).equals(bytesOf(plain.batch(0, 0))));
  });

  test('augmented batches are a function of (seed, epoch, batch) only', () => {
    const a = loader({ signalAugment: augment });
    const b = loader({ signalAugment: augment });
    assert.ok(bytesOf(a.batch(1, 2)).equals(bytesOf(b.batch(1, 2))));
    assert.ok(!bytesOf(a.batch(1, 2)).equals(bytesOf(loader({ shuffle: true }).batch(1, 2))));
    assert.ok(!bytesOf(a.batch(1, 2)).equals(bytesOf(a.batch(2, 2))));
    assert.ok(!bytesOf(a.batch(1, 2)).equals(bytesOf(loader({ signalAugment: augment, seed: 4 }).batch(1, 2))));
  });

  test('worker threads give the same bytes as the calling thread, augmented or not', async () => {
    for (const extra of [{}, { signalAugment: augment }]) {
      const inThread = loader({ ...extra, workers: 0 });
      const pooled = loader({ ...extra, workers: 2, prefetch: 3 });
      let count = 0;
      for await (const batch of pooled.epoch(1)) {
        const reference = inThread.batch(1, batch.index);
        assert.deepEqual([batch.shape, batch.layout], [reference.shape, reference.layout]);
        assert.ok(bytesOf(batch).equals(bytesOf(reference)), `batch ${batch.index}`);
        assert.deepEqual(batch.labels, reference.labels);
        count++;
      }
      assert.equal(count, inThread.batchesPerEpoch);
    }
  });

  test('shards of a batch put together are the whole batch, augmentation included', () => {
    const whole = loader({ signalAugment: augment }).batch(0, 3);
    const parts = [0, 1, 2].map((index) => loader({ signalAugment: augment, shard: { index, count: 3 } }).batch(0, 3));
    assert.deepEqual(parts.map((p) => p.shape[0]), [2, 3, 3]);
    assert.ok(Buffer.concat(parts.map(bytesOf)).equals(bytesOf(whole)));
    assert.deepEqual(parts.flatMap((p) => Array.from(p.labels)), Array.from(whole.labels));
  });

  test('image-only options are refused for sequences, and signal options for images, with the fix', () => {
    assert.throws(() => loader({ layout: 'nhwc' }), /layout 'nhwc' is an image layout; synthetic-sequences holds sequences, whose batches are always \[N, C, L\]/);
    assert.throws(() => loader({ augment: true }), /augment \(crop and flip\) is for images.*pass signalAugment instead/);
    assert.throws(() => loader({ normalize: false }), /normalised when loaded/);
    assert.throws(() => loader({ signalAugment: { ...augment, timeShift: 16 } }), /--time-shift 16 must be below the sequence length 16/);
    assert.throws(() => loader({ signalAugment: { ...augment, jitter: -1 } }), /--jitter \(a standard deviation\) must be a finite number >= 0, got -1/);
    assert.throws(() => loader({ signalAugment: { ...augment, windowCrop: 0 } }), /--window-crop .* must be in \(0, 1\], got 0/);
    assert.throws(() => loader({ signalAugment: augment }, syntheticDataset(4, 1) as never), /signalAugment is for sequences, but synthetic holds images/);
  });
});

describe('sequence datasets', () => {
  test('firstSamples copies the first sequences onto shared memory; firstImages still takes images', () => {
    const first = firstSamples(data, 5);
    assert.deepEqual([first.count, first.values.length, first.labels.length], [5, 5 * 32, 5]);
    assert.ok(first.values.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(first.values, data.values.subarray(0, 5 * 32));
    assert.deepEqual(first.normalization, data.normalization);
    assert.throws(() => firstSamples(data, 54), /cannot take the first 54 of its 53 sequences; choose 1 to 53/);
    const images = syntheticDataset(6, 2);
    assert.deepEqual(firstImages(images, 2).images, images.images.subarray(0, 2 * 28 * 28));
  });

  test('checkDataset checks sizes, finite values, labels and the statistics of sequences', () => {
    assert.equal(checkDataset(data), data);
    assert.throws(() => checkDataset({ ...data, count: 54 }), /values has 1696 floats, expected 54x2x16 = 1728/);
    const values = Float32Array.from(data.values);
    values[1 * 32 + 16 + 4] = Number.NaN;
    assert.throws(() => checkDataset({ ...data, values }), /value NaN in sequence 1, channel 1, step 4; every value must be finite/);
    assert.throws(() => checkDataset({ ...data, numClasses: 1 }), /label \d of sequence \d+ is not below numClasses 1/);
    assert.throws(() => checkDataset({ ...data, normalization: { mean: [0], std: [1] } }), /normalization has 1 means and 1 stds for 2 channels/);
  });
});
