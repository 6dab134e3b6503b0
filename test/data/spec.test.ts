import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { loadDataset, parseDatasetSpec } from '../../src/data/spec.js';

function fashionInstalled(): boolean {
  try {
    execFileSync('dpkg', ['-L', 'dataset-fashion-mnist'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('parseDatasetSpec', () => {
  test('every valid form', () => {
    assert.deepEqual(parseDatasetSpec('mnist'), { kind: 'mnist' });
    assert.deepEqual(parseDatasetSpec('mnist:/data/mnist'), { kind: 'mnist', dir: '/data/mnist' });
    assert.deepEqual(parseDatasetSpec('fashion-mnist'), { kind: 'fashion-mnist' });
    assert.deepEqual(parseDatasetSpec('cifar10:/d/cifar-10-batches-bin'), { kind: 'cifar10', dir: '/d/cifar-10-batches-bin' });
    assert.deepEqual(parseDatasetSpec('cifar100:rel/dir'), { kind: 'cifar100', dir: 'rel/dir' });
    assert.deepEqual(parseDatasetSpec('folder:C:/images'), { kind: 'folder', dir: 'C:/images' });
  });

  test('an unknown kind lists the valid forms; a missing directory is named', () => {
    assert.throws(() => parseDatasetSpec('imagenet:/x'), (e: Error) =>
      e.message.startsWith("unknown dataset 'imagenet:/x'; valid forms: mnist (or mnist:DIR), fashion-mnist (or fashion-mnist:DIR), cifar10:DIR, cifar100:DIR, folder:DIR"));
    assert.throws(() => parseDatasetSpec('cifar10'), /dataset 'cifar10' needs a directory: cifar10:DIR/);
    assert.throws(() => parseDatasetSpec('folder:'), /the directory after ':' is empty/);
  });
});

describe('loadDataset', () => {
  test('mnist test split from the default location', () => {
    const ds = loadDataset('mnist', 'test');
    assert.deepEqual([ds.name, ds.count, ds.height, ds.width, ds.channels], ['mnist', 10000, 28, 28, 1]);
  });

  test('fashion-mnist loads from the Debian package, or says how to install it', () => {
    if (fashionInstalled()) {
      const ds = loadDataset('fashion-mnist', 'test');
      assert.deepEqual([ds.name, ds.count, ds.classNames?.[9]], ['fashion-mnist', 10000, 'Ankle boot']);
    } else {
      assert.throws(() => loadDataset('fashion-mnist', 'test'), /apt-get install dataset-fashion-mnist/);
    }
  });

  test('folder without an image size, and cifar10 in a missing directory, are clear errors', () => {
    assert.throws(() => loadDataset('folder:/tmp', 'train'), /give an image size \(e\.g\. --image-size 64\)/);
    assert.throws(() => loadDataset({ kind: 'cifar10', dir: '/nonexistent' }, 'train'), /CIFAR-10: \/nonexistent\/data_batch_1\.bin not found/);
  });
});
