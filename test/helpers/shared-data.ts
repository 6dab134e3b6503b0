// The data sets shared between checkouts: ../shared beside the repository (CI puts it there too).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/data/cifar-10-batches-bin beside the repository, found from this file (dist/test/helpers). */
export const CIFAR10_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cifar-10-batches-bin');
export const HAVE_CIFAR10 = existsSync(path.join(CIFAR10_DIR, 'test_batch.bin'));
/** A skip reason for the tests that need the real CIFAR-10, or false when it is there. */
export const NO_CIFAR10: false | string = HAVE_CIFAR10 ? false : `CIFAR-10 test batch not found at ${CIFAR10_DIR}`;
