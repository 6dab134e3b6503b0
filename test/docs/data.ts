// A CIFAR-10 folder for the docs' commands: the first records of each real batch. The commands read
// real images, and evaluating the test split takes 500 images instead of 10,000.
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const RECORD_BYTES = 3073;

export function writeSmallCifar10(source: string, target: string, trainPerBatch = 128, test = 500): string {
  mkdirSync(target, { recursive: true });
  const files: [string, number][] = [1, 2, 3, 4, 5].map((i) => [`data_batch_${i}.bin`, trainPerBatch]);
  files.push(['test_batch.bin', test]);
  for (const [name, records] of files) {
    const bytes = Buffer.alloc(records * RECORD_BYTES);
    const fd = openSync(path.join(source, name), 'r');
    try {
      if (readSync(fd, bytes, 0, bytes.length, 0) !== bytes.length) throw new Error(`${path.join(source, name)} holds fewer than ${records} records`);
    } finally {
      closeSync(fd);
    }
    writeFileSync(path.join(target, name), bytes);
  }
  return target;
}
