import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadCifar10, loadCifar100 } from '../../src/data/cifar.js';
import { CIFAR10_DIR as REAL_CIFAR10 } from '../helpers/shared-data.js';

const dir = mkdtempSync(path.join(tmpdir(), 'catrain-cifar-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A CIFAR record's image: pixel p of channel c is (p + 50 * c + seed) mod 256, stored CHW. */
function chwImage(seed: number): Uint8Array {
  return Uint8Array.from({ length: 3072 }, (_, i) => (Math.floor(i / 1024) * 50 + (i % 1024) + seed) % 256);
}

function records(labelBytes: number[][]): Buffer {
  return Buffer.concat(labelBytes.map((labels, n) => Buffer.concat([Buffer.from(labels), chwImage(n)])));
}

describe('CIFAR-10', () => {
  const cifar10 = path.join(dir, 'cifar-10-batches-bin');
  mkdirSync(cifar10);

  test('records are parsed and stored HWC', () => {
    writeFileSync(path.join(cifar10, 'test_batch.bin'), records([[3], [9]]));
    const ds = loadCifar10(cifar10, 'test');
    assert.deepEqual([ds.count, ds.height, ds.width, ds.channels, ds.numClasses], [2, 32, 32, 3, 10]);
    assert.deepEqual(Array.from(ds.labels), [3, 9]);
    assert.equal(ds.classNames?.[3], 'cat');
    // Image 1, row 2, column 5, blue: CHW index 2*1024 + 2*32 + 5, HWC index (2*32 + 5)*3 + 2.
    assert.equal(ds.images[3072 + (2 * 32 + 5) * 3 + 2], chwImage(1)[2 * 1024 + 2 * 32 + 5]);
    // The parent folder of cifar-10-batches-bin works too.
    assert.equal(loadCifar10(dir, 'test').count, 2);
  });

  test('a truncated batch names the file and the record size', () => {
    writeFileSync(path.join(cifar10, 'test_batch.bin'), records([[3], [9]]).subarray(0, 3073 + 1000));
    assert.throws(() => loadCifar10(cifar10, 'test'), (e: Error) => e.message.startsWith('test_batch.bin: 4073 bytes is not a multiple of the 3073-byte CIFAR-10 record'));
  });

  test('a missing train batch or a bad label is named', () => {
    for (const i of [1, 2]) writeFileSync(path.join(cifar10, `data_batch_${i}.bin`), records([[1]]));
    assert.throws(() => loadCifar10(cifar10, 'train'), /data_batch_3\.bin: cannot read the CIFAR-10 batch \(ENOENT\)/);
    writeFileSync(path.join(cifar10, 'test_batch.bin'), records([[3], [10]]));
    assert.throws(() => loadCifar10(cifar10, 'test'), /test_batch\.bin: record 1 has label 10, not below 10/);
    assert.throws(() => loadCifar10(path.join(dir, 'nowhere'), 'test'), /CIFAR-10: .*test_batch\.bin not found/);
  });

  test('the real test batch: 10000 images, 1000 per class', { skip: !existsSync(REAL_CIFAR10) && `${REAL_CIFAR10} is absent` }, () => {
    const ds = loadCifar10(REAL_CIFAR10, 'test');
    assert.deepEqual([ds.count, ds.height, ds.width, ds.channels], [10000, 32, 32, 3]);
    const perClass = new Array<number>(10).fill(0);
    for (const label of ds.labels) perClass[label] = (perClass[label] ?? 0) + 1;
    assert.deepEqual(perClass, new Array<number>(10).fill(1000));
    assert.deepEqual(ds.classNames?.slice(0, 2), ['airplane', 'automobile']);
    // Natural images: the mean pixel is mid-range.
    let sum = 0;
    for (let i = 0; i < ds.images.length; i += 97) sum += ds.images[i] as number;
    const mean = sum / Math.ceil(ds.images.length / 97);
    assert.ok(mean > 100 && mean < 140, `mean pixel ${mean}`);
  });
});

describe('CIFAR-100', () => {
  const cifar100 = path.join(dir, 'cifar-100-binary');
  mkdirSync(cifar100);

  test('fine labels by default, coarse on request, images HWC', () => {
    writeFileSync(path.join(cifar100, 'train.bin'), records([[4, 30], [19, 99], [0, 0]]));
    const fine = loadCifar100(cifar100, 'train');
    assert.deepEqual([fine.count, fine.numClasses, fine.name], [3, 100, 'cifar100']);
    assert.deepEqual(Array.from(fine.labels), [30, 99, 0]);
    assert.equal(fine.images[2 * 3072 + 1], chwImage(2)[1024]);
    const coarse = loadCifar100(dir, 'train', { labels: 'coarse' });
    assert.deepEqual([coarse.numClasses, ...coarse.labels], [20, 4, 19, 0]);
  });

  test('truncation and label range are checked against the 3074-byte record', () => {
    writeFileSync(path.join(cifar100, 'test.bin'), records([[4, 30]]).subarray(0, 3073));
    assert.throws(() => loadCifar100(cifar100, 'test'), /test\.bin: 3073 bytes is not a multiple of the 3074-byte CIFAR-100 record/);
    writeFileSync(path.join(cifar100, 'test.bin'), records([[20, 30]]));
    assert.throws(() => loadCifar100(cifar100, 'test', { labels: 'coarse' }), /test\.bin: record 0 has label 20, not below 20/);
  });
});
