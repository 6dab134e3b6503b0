// CIFAR-10 and CIFAR-100 from the "binary version" archives. A CIFAR-10 record is 1 label byte and
// 3072 image bytes (1024 red, 1024 green, 1024 blue, each row-major 32x32); a CIFAR-100 record has a
// coarse and a fine label byte first. Images are stored HWC, as every ImageDataset is.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkDataset, sharedBytes, sharedLabels, type ImageDataset, type Split } from './dataset.js';

const SIDE = 32;
const PIXELS = SIDE * SIDE;
const IMAGE_BYTES = 3 * PIXELS;

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

interface CifarFormat {
  title: string;
  /** Label bytes before the image: 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100. */
  labelBytes: number;
  /** Which label byte to keep, and how many classes it has. */
  labelIndex: number;
  numClasses: number;
}

const CIFAR10: CifarFormat = { title: 'CIFAR-10', labelBytes: 1, labelIndex: 0, numClasses: 10 };
const CIFAR100_FINE: CifarFormat = { title: 'CIFAR-100', labelBytes: 2, labelIndex: 1, numClasses: 100 };
const CIFAR100_COARSE: CifarFormat = { title: 'CIFAR-100', labelBytes: 2, labelIndex: 0, numClasses: 20 };

function readRecords(file: string, format: CifarFormat): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the ${format.title} batch (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  const record = format.labelBytes + IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new Error(`${path.basename(file)}: ${bytes.length} bytes is not a multiple of the ${record}-byte ${format.title} record; the file is truncated or not the binary version (${file})`);
  }
  return bytes;
}

/** Parses whole binary batch files into one dataset; each file is checked before any is converted. */
function parseCifar(files: readonly string[], format: CifarFormat, name: string, classNames: readonly string[]): ImageDataset {
  const batches = files.map((file) => readRecords(file, format));
  const record = format.labelBytes + IMAGE_BYTES;
  const count = batches.reduce((sum, bytes) => sum + bytes.length / record, 0);
  const images = sharedBytes(count * IMAGE_BYTES);
  const labels = sharedLabels(count, format.numClasses);
  let n = 0;
  batches.forEach((bytes, b) => {
    for (let r = 0; r < bytes.length; r += record, n++) {
      const label = bytes[r + format.labelIndex] as number;
      if (label >= format.numClasses) {
        throw new Error(`${path.basename(files[b] as string)}: record ${r / record} has label ${label}, not below ${format.numClasses}; the file is corrupt (${files[b] as string})`);
      }
      labels[n] = label;
      // CHW planes -> HWC pixels.
      const src = r + format.labelBytes;
      const dst = n * IMAGE_BYTES;
      for (let p = 0; p < PIXELS; p++) {
        images[dst + 3 * p] = bytes[src + p] as number;
        images[dst + 3 * p + 1] = bytes[src + PIXELS + p] as number;
        images[dst + 3 * p + 2] = bytes[src + 2 * PIXELS + p] as number;
      }
    }
  });
  return checkDataset({ name, images, labels, count, height: SIDE, width: SIDE, channels: 3, numClasses: format.numClasses, classNames });
}

/** dir itself, or its archive folder (cifar-10-batches-bin, cifar-100-binary) when dir is the parent. */
function resolveDir(dir: string, firstFile: string, archiveFolder: string, title: string, expected: string): string {
  if (existsSync(path.join(dir, firstFile))) return dir;
  const nested = path.join(dir, archiveFolder);
  if (existsSync(path.join(nested, firstFile))) return nested;
  throw new Error(`${title}: ${path.join(dir, firstFile)} not found; expected a directory with the binary version's files (${expected}), as unpacked from ${archiveFolder === 'cifar-10-batches-bin' ? 'cifar-10-binary.tar.gz' : 'cifar-100-binary.tar.gz'}`);
}

/** Class names from a label-names text file (one a line) when present and complete, else the fallback. */
function readNames(file: string, count: number, fallback: readonly string[]): readonly string[] {
  if (!existsSync(file)) return fallback;
  const names = readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return names.length === count ? names : fallback;
}

/** CIFAR-10 from dir: data_batch_1..5.bin (50000 images) for train, test_batch.bin (10000) for test. */
export function loadCifar10(dir: string, split: Split): ImageDataset {
  const root = resolveDir(dir, split === 'train' ? 'data_batch_1.bin' : 'test_batch.bin', 'cifar-10-batches-bin', 'CIFAR-10', 'data_batch_1.bin .. data_batch_5.bin, test_batch.bin');
  const files = split === 'train' ? [1, 2, 3, 4, 5].map((i) => path.join(root, `data_batch_${i}.bin`)) : [path.join(root, 'test_batch.bin')];
  return parseCifar(files, CIFAR10, 'cifar10', readNames(path.join(root, 'batches.meta.txt'), 10, CIFAR10_CLASSES));
}

export interface Cifar100Options {
  /** 'fine' (100 classes, the default) or 'coarse' (20 superclasses). */
  labels?: 'fine' | 'coarse';
}

/** CIFAR-100 from dir: train.bin (50000 images) or test.bin (10000), with fine or coarse labels. */
export function loadCifar100(dir: string, split: Split, options: Cifar100Options = {}): ImageDataset {
  const file = split === 'train' ? 'train.bin' : 'test.bin';
  const root = resolveDir(dir, file, 'cifar-100-binary', 'CIFAR-100', 'train.bin, test.bin');
  const coarse = options.labels === 'coarse';
  const format = coarse ? CIFAR100_COARSE : CIFAR100_FINE;
  const fallback = Array.from({ length: format.numClasses }, (_, i) => String(i));
  const names = readNames(path.join(root, coarse ? 'coarse_label_names.txt' : 'fine_label_names.txt'), format.numClasses, fallback);
  return parseCifar([path.join(root, file)], format, 'cifar100', names);
}
