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

/**
 * A sensor log in the layout `csv:FILE` reads: two channels and a label that changes every 2,048
 * rows; windows of 256 every 64 rows give more than the 256 training windows the shortened train
 * commands take (--train-subset 256), and a test part.
 */
export function writeSensorLog(file: string, rows = 24_000): string {
  const lines = ['time,current,vibration,label'];
  for (let i = 0; i < rows; i++) {
    const fault = Math.floor(i / 2048) % 2 === 1;
    const vibration = Math.sin(i * 0.3) + (fault ? 0.8 * Math.sin(i * 1.7) : 0);
    lines.push(`${i},${(Math.cos(i * 0.05) + 2).toFixed(4)},${vibration.toFixed(4)},${fault ? 'fault' : 'ok'}`);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
