// An image-folder dataset: DIR/<class>/*.png|jpg|jpeg, or DIR/train/<class>/... and DIR/val/<class>/...
// (DIR/test/ is accepted for val/). Classes are the train folder's subfolders in sorted order, so both
// splits agree on labels. Every image is decoded and center-resized to one size (see centerResize),
// which makes the dataset a fixed-size array like the others.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkDataset, sharedBytes, sharedLabels, type ImageDataset, type Split } from './dataset.js';
import { centerResize, decodeImage, type ResizeMode } from './image.js';

export interface ImageFolderOptions {
  /** Output size: N for N x N, or [height, width]. Required: images in a folder differ in size. */
  imageSize: number | readonly [number, number];
  /** How images are resampled; 'bilinear' by default. */
  resize?: ResizeMode;
}

const IMAGE_FILE = /\.(png|jpe?g)$/i;

// Code-point order, independent of the locale, so labels are the same on every machine.
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort(byCodePoint);
}

const isDir = (dir: string): boolean => existsSync(dir) && statSync(dir).isDirectory();

/** The class root of each split: DIR/train and DIR/val (or DIR/test) when DIR/train exists, else DIR itself. */
function splitRoots(dir: string): { train: string; test: string | undefined } {
  if (!isDir(dir)) throw new Error(`folder:${dir}: not a directory; expected one subfolder of images per class`);
  const train = path.join(dir, 'train');
  if (!isDir(train)) return { train: dir, test: undefined };
  const test = ['val', 'test'].map((name) => path.join(dir, name)).find(isDir);
  return { train, test };
}

function parseSize(size: ImageFolderOptions['imageSize']): [number, number] {
  const [height, width] = typeof size === 'number' ? [size, size] : size;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`image folder: imageSize ${JSON.stringify(size)} is not a positive integer or [height, width] pair`);
  }
  return [height, width];
}

/** Loads one split of an image folder as 3-channel RGB images of options.imageSize. */
export function loadImageFolder(dir: string, split: Split, options: ImageFolderOptions): ImageDataset {
  const [height, width] = parseSize(options.imageSize);
  const roots = splitRoots(dir);
  const classNames = subfolders(roots.train);
  if (classNames.length === 0) throw new Error(`folder:${dir}: ${roots.train} has no class subfolders; expected ${roots.train}/<class>/<image>.png`);
  const root = split === 'train' ? roots.train : roots.test;
  if (root === undefined) {
    throw new Error(`folder:${dir}: no test split; add ${path.join(dir, 'train')}/ and ${path.join(dir, 'val')}/ with the same class subfolders`);
  }
  const extra = subfolders(root).filter((name) => !classNames.includes(name));
  if (extra.length > 0) throw new Error(`folder:${dir}: ${root} has classes not in ${roots.train}: ${extra.join(', ')}`);

  const files: { file: string; label: number }[] = [];
  classNames.forEach((name, label) => {
    const classDir = path.join(root, name);
    if (!isDir(classDir)) return;
    for (const entry of readdirSync(classDir).filter((file) => IMAGE_FILE.test(file)).sort(byCodePoint)) {
      files.push({ file: path.join(classDir, entry), label });
    }
  });
  if (files.length === 0) throw new Error(`folder:${dir}: no .png/.jpg/.jpeg files under ${root}/<class>/`);

  const imageBytes = height * width * 3;
  const images = sharedBytes(files.length * imageBytes);
  const labels = sharedLabels(files.length, classNames.length);
  files.forEach(({ file, label }, i) => {
    centerResize(decodeImage(readFileSync(file), file), height, width, images, i * imageBytes, options.resize ?? 'bilinear');
    labels[i] = label;
  });
  return checkDataset({ name: 'folder', images, labels, count: files.length, height, width, channels: 3, numClasses: classNames.length, classNames });
}
