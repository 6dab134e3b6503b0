// Dataset specs as written on the command line ("cifar10:/data/cifar-10-batches-bin"), parsed into a
// typed description and loaded.
import { loadCifar10, loadCifar100 } from './cifar.js';
import type { ImageDataset, Split } from './dataset.js';
import { loadImageFolder, type ImageFolderOptions } from './folder.js';
import type { ResizeMode } from './image.js';
import { loadFashionMnist, loadMnist } from './mnist.js';

export type DatasetSpec =
  | { kind: 'mnist'; dir?: string }
  | { kind: 'fashion-mnist'; dir?: string }
  | { kind: 'cifar10'; dir: string }
  | { kind: 'cifar100'; dir: string }
  | { kind: 'folder'; dir: string };

export type DatasetKind = DatasetSpec['kind'];

/** Every form parseDatasetSpec accepts, as shown in its errors and in CLI help. */
export const DATASET_SPEC_FORMS: readonly string[] = [
  'mnist (or mnist:DIR)',
  'fashion-mnist (or fashion-mnist:DIR)',
  'cifar10:DIR',
  'cifar100:DIR',
  'folder:DIR (needs an image size)',
];

const formsList = (): string => DATASET_SPEC_FORMS.join(', ');

/** Parses "kind" or "kind:DIR"; an unknown kind or a missing DIR throws an error listing the valid forms. */
export function parseDatasetSpec(text: string): DatasetSpec {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const dir = colon < 0 ? undefined : text.slice(colon + 1);
  if (dir === '') throw new Error(`dataset '${text}': the directory after ':' is empty; valid forms: ${formsList()}`);
  switch (kind) {
    case 'mnist':
    case 'fashion-mnist':
      return dir === undefined ? { kind } : { kind, dir };
    case 'cifar10':
    case 'cifar100':
    case 'folder':
      if (dir === undefined) throw new Error(`dataset '${text}' needs a directory: ${kind}:DIR; valid forms: ${formsList()}`);
      return { kind, dir };
    default:
      throw new Error(`unknown dataset '${text}'; valid forms: ${formsList()}`);
  }
}

export interface LoadDatasetOptions {
  /** For folder:DIR (required there): the fixed size images are center-resized to. */
  imageSize?: ImageFolderOptions['imageSize'];
  /** For folder:DIR: 'bilinear' (default) or 'nearest'. */
  resize?: ResizeMode;
}

/** Loads one split of a dataset given as a spec string (see DATASET_SPEC_FORMS) or a parsed spec. */
export function loadDataset(spec: string | DatasetSpec, split: Split, options: LoadDatasetOptions = {}): ImageDataset {
  const parsed = typeof spec === 'string' ? parseDatasetSpec(spec) : spec;
  switch (parsed.kind) {
    case 'mnist':
      return loadMnist(split, parsed.dir);
    case 'fashion-mnist':
      return loadFashionMnist(split, parsed.dir);
    case 'cifar10':
      return loadCifar10(parsed.dir, split);
    case 'cifar100':
      return loadCifar100(parsed.dir, split);
    case 'folder': {
      if (options.imageSize === undefined) {
        throw new Error(`folder:${parsed.dir}: images must be resized to one size; give an image size (e.g. --image-size 64)`);
      }
      const folderOptions: ImageFolderOptions = { imageSize: options.imageSize };
      if (options.resize !== undefined) folderOptions.resize = options.resize;
      return loadImageFolder(parsed.dir, split, folderOptions);
    }
  }
}
