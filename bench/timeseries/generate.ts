// Writes the synthetic machine-vibration benchmark in the UCR layout, OUT/NAME/NAME_TRAIN.tsv and
// NAME_TEST.tsv (label, then the values, tab-separated), so it loads with --data ucr:OUT/NAME.
//   node dist/bench/timeseries/generate.js [--out runs/timeseries] [--name Vibration] [--seed 1]
//                                          [--train 3500] [--test 1400] [--length 512]
// The bytes are a function of the options alone: each record draws from its own stream, hashed from
// (seed, split, index), and values are written with a fixed number of decimals.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashSeed } from '../../src/data/rng.js';
import { Draw } from './random.js';
import { SAMPLE_RATE_HZ, VIBRATION_CLASSES, vibrationRecord, type VibrationClass } from './vibration.js';

interface Options {
  out: string;
  name: string;
  seed: number;
  train: number;
  test: number;
  length: number;
}

const DEFAULTS: Options = { out: 'runs/timeseries', name: 'Vibration', seed: 1, train: 3500, test: 1400, length: 512 };

function parseOptions(argv: readonly string[]): Options {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] as string;
    const value = argv[i + 1];
    const key = flag.replace(/^--/, '') as keyof Options;
    if (!flag.startsWith('--') || !(key in DEFAULTS)) throw new Error(`unknown option '${flag}'; options: ${Object.keys(DEFAULTS).map((k) => `--${k}`).join(' ')}`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (key === 'out' || key === 'name') {
      if (key === 'name' && !/^[A-Za-z0-9_-]+$/.test(value)) throw new Error(`--name '${value}' must be letters, digits, '_' or '-' (it names a folder and its files)`);
      options[key] = value;
      continue;
    }
    const n = Number(value);
    const least = key === 'seed' ? 0 : key === 'length' ? 64 : VIBRATION_CLASSES.length;
    if (!Number.isInteger(n) || n < least || n > 0xffffffff) throw new Error(`${flag} '${value}' must be an integer of at least ${least}`);
    options[key] = n;
  }
  return options;
}

/** Class of each record: as balanced as the count allows, in a seeded random order. */
function classOrder(seed: number, split: number, count: number): VibrationClass[] {
  const kinds = Array.from({ length: count }, (_, i) => VIBRATION_CLASSES[i % VIBRATION_CLASSES.length] as VibrationClass);
  const draw = new Draw(hashSeed(seed, split, 0xffffffff));
  for (let i = count - 1; i > 0; i--) {
    const j = draw.below(i + 1);
    [kinds[i], kinds[j]] = [kinds[j] as VibrationClass, kinds[i] as VibrationClass];
  }
  return kinds;
}

function writeSplit(options: Options, split: 'TRAIN' | 'TEST'): { file: string; bytes: number; sha256: string; perClass: Record<string, number> } {
  const splitIndex = split === 'TRAIN' ? 0 : 1;
  const count = split === 'TRAIN' ? options.train : options.test;
  const kinds = classOrder(options.seed, splitIndex, count);
  const record = new Float64Array(options.length);
  const lines: string[] = [];
  const perClass: Record<string, number> = {};
  kinds.forEach((kind, i) => {
    vibrationRecord(new Draw(hashSeed(options.seed, splitIndex, i)), kind, record);
    const fields: string[] = [kind];
    for (const v of record) fields.push(v.toFixed(4));
    lines.push(fields.join('\t'));
    perClass[kind] = (perClass[kind] ?? 0) + 1;
  });
  const folder = path.join(options.out, options.name);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${options.name}_${split}.tsv`);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(file, text);
  return { file, bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex'), perClass };
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  console.log(
    `synthetic vibration benchmark: ${VIBRATION_CLASSES.length} classes (${VIBRATION_CLASSES.join(', ')}), ` +
    `${options.length} steps at ${SAMPLE_RATE_HZ} Hz (${((1000 * options.length) / SAMPLE_RATE_HZ).toFixed(0)} ms), seed ${options.seed}`,
  );
  for (const split of ['TRAIN', 'TEST'] as const) {
    const { file, bytes, sha256, perClass } = writeSplit(options, split);
    const counts = VIBRATION_CLASSES.map((kind) => `${kind} ${perClass[kind] ?? 0}`).join(', ');
    console.log(`wrote ${file}: ${split === 'TRAIN' ? options.train : options.test} records (${counts}), ${(bytes / 1e6).toFixed(1)} MB, sha256 ${sha256}`);
  }
  console.log(`load it with --data ucr:${path.join(options.out, options.name)}`);
}

try {
  main();
} catch (error) {
  console.error(`generate: ${(error as Error).message}`);
  process.exit(2);
}
