// Malformed input through the command line: truncated and corrupt data files (IDX, CIFAR batches,
// PNG/JPEG), damaged run files (safetensors, checkpoints, architecture.json, config.json), files of
// the wrong kind, wrong image sizes, labels out of range, empty datasets, NaN/Inf weights and invalid
// option values. Each case must exit non-zero with a message that names the problem, never abort or
// print a stack trace, and leave an existing run directory byte for byte as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import * as E from '../../src/engine/index.js';
import { catrain } from '../helpers/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'catrain-malformed-'));


/** An unsigned-byte IDX file: magic 0x00000803 (or rank), big-endian dims, data. */
function idx(dims: number[], data: Uint8Array, type = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(type, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** An MNIST-layout directory with `count` images per split; `edit` changes files before writing. */
function mnistDir(name: string, options: { count?: number; size?: number; label?: number; edit?: (files: Map<string, Buffer>) => void } = {}): string {
  const { count = 64, size = 28, label } = options;
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, Buffer>();
  for (const prefix of ['train', 't10k']) {
    const pixels = Uint8Array.from({ length: count * size * size }, (_, i) => (i * 7) % 256);
    const labels = Uint8Array.from({ length: count }, (_, i) => (i === count - 1 && label !== undefined ? label : i % 10));
    files.set(`${prefix}-images-idx3-ubyte`, idx([count, size, size], pixels));
    files.set(`${prefix}-labels-idx1-ubyte`, idx([count], labels));
  }
  options.edit?.(files);
  for (const [file, bytes] of files) writeFileSync(path.join(dir, file), bytes);
  return dir;
}

/** A CIFAR-10 binary directory with `perBatch` records per file; `edit` changes the files. */
function cifarDir(name: string, edit: (files: Map<string, Buffer>) => void): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, Buffer>();
  for (const file of ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) {
    const records = Buffer.alloc(4 * 3073);
    for (let r = 0; r < 4; r++) records[r * 3073] = r % 10;
    files.set(file, records);
  }
  edit(files);
  for (const [file, bytes] of files) writeFileSync(path.join(dir, file), bytes);
  return dir;
}

/** An image folder (train/ and val/, two classes of 8x8 PNGs); `edit` replaces files by name. */
function folderDir(name: string, edit: (dir: string) => void): string {
  const dir = path.join(root, name);
  for (const split of ['train', 'val']) {
    for (const cls of ['a', 'b']) {
      mkdirSync(path.join(dir, split, cls), { recursive: true });
      for (let i = 0; i < 2; i++) {
        const png = new PNG({ width: 8, height: 8 });
        png.data.fill(cls === 'a' ? 40 : 200);
        writeFileSync(path.join(dir, split, cls, `${i}.png`), PNG.sync.write(png));
      }
    }
  }
  edit(dir);
  return dir;
}

/** Every file under dir with its bytes, to check a run directory is left exactly as it was. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, entry);
    if (statSync(file).isFile()) files.set(entry, readFileSync(file).toString('base64'));
  }
  return files;
}

// One finished two-epoch run on a small MNIST subset, copied for each run-directory case.
const finished = path.join(root, 'finished');
const trained = catrain('train', '--model', 'lenet300', '--data', 'mnist', '--train-subset', '512', '--epochs', '2', '--batch-size', '64', '--workers', '0', '--no-channels-last', '--out', finished, '--quiet');
if (trained.status !== 0) throw new Error(`fixture run failed: ${trained.stderr}`);

function runCopy(name: string, edit: (dir: string) => void): string {
  const dir = path.join(root, name);
  cpSync(finished, dir, { recursive: true });
  edit(dir);
  return dir;
}

const truncate = (file: string, keep: number): void => writeFileSync(file, readFileSync(file).subarray(0, keep));

/** Writes model.safetensors with one weight set to `value`, through the engine. */
function poisonWeights(dir: string, value: number): void {
  const file = path.join(dir, 'model.safetensors');
  const { tensors, metadata } = E.loadTensors(file);
  const first = [...tensors.keys()].find((k) => k.endsWith('weight')) as string;
  E.noGrad(() => E.fill_(tensors.get(first) as E.Tensor, value));
  E.saveTensors(file, tensors, metadata);
  E.disposeAll(tensors);
}

interface Case {
  name: string;
  args: () => string[];
  message: RegExp;
  /** A run directory the command reads, which must be left unchanged. */
  run?: string;
}

const train = (data: string, model = 'lenet300', ...more: string[]): string[] => ['train', '--model', model, '--data', data, '--epochs', '1', '--workers', '0', '--out', path.join(root, `out-${Math.random().toString(36).slice(2)}`), ...more];

const CASES: Case[] = [
  // IDX (MNIST layout)
  { name: 'IDX images truncated', args: () => train(`mnist:${mnistDir('idx-trunc', { edit: (f) => f.set('train-images-idx3-ubyte', (f.get('train-images-idx3-ubyte') as Buffer).subarray(0, 5000)) })}`), message: /train-images-idx3-ubyte: IDX data has \d+ bytes but shape \[64, 28, 28\] needs 50176; the file is truncated or corrupt/ },
  { name: 'IDX header too short', args: () => train(`mnist:${mnistDir('idx-short', { edit: (f) => f.set('t10k-labels-idx1-ubyte', Buffer.from([0, 0])) })}`), message: /t10k-labels-idx1-ubyte: 2 bytes is too short for an IDX header/ },
  { name: 'IDX wrong magic', args: () => train(`mnist:${mnistDir('idx-magic', { edit: (f) => (f.get('train-labels-idx1-ubyte') as Buffer).writeUInt8(7, 0) })}`), message: /train-labels-idx1-ubyte: not an IDX file \(the first two bytes must be zero\)/ },
  { name: 'IDX of floats', args: () => train(`mnist:${mnistDir('idx-float', { edit: (f) => (f.get('train-images-idx3-ubyte') as Buffer).writeUInt8(0x0d, 2) })}`), message: /IDX element type 0xd is not supported \(expected 0x08, unsigned byte\)/ },
  { name: 'IDX corrupt gzip', args: () => train(`mnist:${mnistDir('idx-gzip', { edit: (f) => { const gz = gzipSync(f.get('train-images-idx3-ubyte') as Buffer); gz.writeUInt8((gz.readUInt8(gz.length - 6) ^ 0xff), gz.length - 6); f.delete('train-images-idx3-ubyte'); f.set('train-images-idx3-ubyte.gz', gz); } })}`), message: /train-images-idx3-ubyte\.gz: corrupt gzip data/ },
  { name: 'IDX labels fewer than images', args: () => train(`mnist:${mnistDir('idx-count', { edit: (f) => f.set('train-labels-idx1-ubyte', idx([10], new Uint8Array(10))) })}`), message: /train-labels-idx1-ubyte: 10 labels but .*train-images-idx3-ubyte has 64 images/ },
  { name: 'IDX label out of range', args: () => train(`mnist:${mnistDir('idx-label', { label: 12 })}`), message: /label 12 at index 63 is not below 10; the file is corrupt/ },
  { name: 'IDX file missing', args: () => train(`mnist:${mnistDir('idx-missing', { edit: (f) => f.delete('t10k-images-idx3-ubyte') })}`), message: /t10k-images-idx3-ubyte/ },
  { name: 'a PNG where an IDX file belongs', args: () => train(`mnist:${mnistDir('idx-kind', { edit: (f) => f.set('train-images-idx3-ubyte', Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])) })}`), message: /train-images-idx3-ubyte: not an IDX file/ },
  { name: 'wrong image size for the model', args: () => train(`mnist:${mnistDir('idx-size', { size: 20 })}`), message: /model 'lenet300' expects 28x28 images but mnist has 20x20/ },
  { name: 'empty dataset', args: () => train(`mnist:${mnistDir('idx-empty', { count: 0 })}`), message: /dataset mnist has no training images/ },
  // CIFAR binary batches
  { name: 'CIFAR batch truncated', args: () => train(`cifar10:${cifarDir('cifar-trunc', (f) => f.set('data_batch_3.bin', (f.get('data_batch_3.bin') as Buffer).subarray(0, 5000)))}`, 'resnet20'), message: /data_batch_3\.bin: 5000 bytes is not a multiple of the 3073-byte CIFAR-10 record; the file is truncated or not the binary version/ },
  { name: 'CIFAR label out of range', args: () => train(`cifar10:${cifarDir('cifar-label', (f) => ((f.get('test_batch.bin') as Buffer)[3073] = 11))}`, 'resnet20'), message: /test_batch\.bin: record 1 has label 11, not below 10; the file is corrupt/ },
  { name: 'CIFAR batch missing', args: () => train(`cifar10:${cifarDir('cifar-missing', (f) => f.delete('data_batch_1.bin'))}`, 'resnet20'), message: /data_batch_1\.bin not found; expected a directory with the binary version's files/ },
  { name: 'CIFAR python pickle instead of binary', args: () => train(`cifar10:${cifarDir('cifar-kind', (f) => f.set('data_batch_2.bin', Buffer.from('\x80\x02}q\x00(X\x05\x00\x00\x00batch')))}`, 'resnet20'), message: /data_batch_2\.bin: \d+ bytes is not a multiple of the 3073-byte CIFAR-10 record/ },
  // Image folders
  { name: 'PNG truncated', args: () => train(`folder:${folderDir('png-trunc', (d) => truncate(path.join(d, 'train', 'a', '1.png'), 40))}`, 'resnet18', '--image-size', '64'), message: /train\/a\/1\.png: corrupt or truncated PNG/ },
  { name: 'JPEG corrupt', args: () => train(`folder:${folderDir('jpeg-bad', (d) => writeFileSync(path.join(d, 'val', 'b', '9.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3])))}`, 'resnet18', '--image-size', '64'), message: /val\/b\/9\.jpg: corrupt or truncated JPEG/ },
  { name: 'text file named .png', args: () => train(`folder:${folderDir('png-kind', (d) => writeFileSync(path.join(d, 'train', 'b', 'notes.png'), 'just text'))}`, 'resnet18', '--image-size', '64'), message: /train\/b\/notes\.png: not a PNG or JPEG file/ },
  { name: 'folder without images', args: () => train(`folder:${folderDir('png-none', (d) => { for (const cls of ['a', 'b']) rmSync(path.join(d, 'val', cls), { recursive: true }); for (const cls of ['a', 'b']) mkdirSync(path.join(d, 'val', cls)); })}`, 'resnet18', '--image-size', '64'), message: /no \.png\/\.jpg\/\.jpeg files under .*val/ },
  // Run directories
  { name: 'model.safetensors truncated', args: () => ['eval', '--run', runCopy('st-trunc', (d) => truncate(path.join(d, 'model.safetensors'), 100))], message: /model\.safetensors/, run: path.join(root, 'st-trunc') },
  { name: 'model.safetensors is JSON', args: () => ['eval', '--run', runCopy('st-kind', (d) => writeFileSync(path.join(d, 'model.safetensors'), '{"not": "tensors"}'))], message: /model\.safetensors/, run: path.join(root, 'st-kind') },
  { name: 'checkpoint corrupt, on resume', args: () => ['train', '--resume', '--out', runCopy('ck-bad', (d) => { rmSync(path.join(d, 'model.safetensors')); rmSync(path.join(d, 'summary.json')); truncate(path.join(d, 'checkpoint.safetensors'), 64); })], message: /checkpoint\.safetensors/, run: path.join(root, 'ck-bad') },
  { name: 'architecture.json not JSON', args: () => ['info', '--run', runCopy('arch-json', (d) => writeFileSync(path.join(d, 'architecture.json'), '{"format": 1, "model": '))], message: /architecture\.json is not valid JSON/, run: path.join(root, 'arch-json') },
  { name: 'architecture.json of another network', args: () => ['eval', '--run', runCopy('arch-shape', (d) => { const a = JSON.parse(readFileSync(path.join(d, 'architecture.json'), 'utf8')) as { history: unknown[] }; a.history = [{ step: 1, kind: 'units', group: '1', keep: [0, 1, 2] }]; writeFileSync(path.join(d, 'architecture.json'), JSON.stringify(a)); })], message: /shape|size|mismatch/i, run: path.join(root, 'arch-shape') },
  { name: 'config.json not JSON, on resume', args: () => ['train', '--resume', '--out', runCopy('cfg-json', (d) => writeFileSync(path.join(d, 'config.json'), 'model: lenet300'))], message: /config\.json is not valid JSON/, run: path.join(root, 'cfg-json') },
  { name: 'config.json with an unknown model', args: () => ['eval', '--run', runCopy('cfg-model', (d) => { const c = JSON.parse(readFileSync(path.join(d, 'config.json'), 'utf8')) as { model: string }; c.model = 'resnet21'; writeFileSync(path.join(d, 'config.json'), JSON.stringify(c)); })], message: /trained with model 'resnet21', which is not built in or registered here/, run: path.join(root, 'cfg-model') },
  { name: 'NaN in the saved weights', args: () => ['eval', '--run', runCopy('w-nan', (d) => poisonWeights(d, Number.NaN))], message: /weight '.*weight' holds NaN; the run diverged or the file is damaged/, run: path.join(root, 'w-nan') },
  { name: 'infinity in the saved weights', args: () => ['eval', '--run', runCopy('w-inf', (d) => poisonWeights(d, Number.POSITIVE_INFINITY))], message: /holds infinity/, run: path.join(root, 'w-inf') },
  { name: 'not a run directory', args: () => ['eval', '--run', path.join(root, 'idx-trunc')], message: /config\.json is missing: .* is not a catrain run directory/ },
  // Invalid option values
  { name: 'negative epochs', args: () => train('mnist', 'lenet300', '--epochs', '-3'), message: /--epochs must be a positive integer/ },
  { name: 'strength out of range', args: () => train('mnist', 'lenet300', '--strength', '-0.5'), message: /strength \(--strength\) must be a number > 0 .*got -0\.5/ },
  { name: 'unknown model', args: () => train('mnist', 'lenet301'), message: /unknown model 'lenet301'/ },
  { name: 'target of 0', args: () => train('mnist', 'lenet300', '--target-macs', '0'), message: /targetMacs \(--target-macs\) must be a fraction in \(0, 1\) of the dense network, got 0/ },
  { name: 'target above 1', args: () => train('mnist', 'lenet300', '--target-params', '1.5'), message: /targetParams \(--target-params\) must be a fraction in \(0, 1\) of the dense network, got 1\.5/ },
  { name: 'NaN learning rate', args: () => train('mnist', 'lenet300', '--lr', 'NaN'), message: /--lr must be/ },
];

for (const c of CASES) {
  test(`malformed input: ${c.name}`, () => {
    const args = c.args();
    const before = c.run === undefined ? undefined : snapshot(c.run);
    const { status, signal, stderr } = catrain(...args);
    assert.equal(signal, null, `no abort: ${stderr}`);
    assert.ok(status !== 0 && status !== null, `exits non-zero: ${stderr}`);
    assert.match(stderr, /^catrain: /m);
    assert.match(stderr, c.message);
    assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
    if (c.run !== undefined) assert.deepEqual(snapshot(c.run), before, 'the run directory is unchanged');
  });
}

test('there are at least 30 malformed-input cases', () => assert.ok(CASES.length >= 30, `${CASES.length} cases`));

test.after(() => rmSync(root, { recursive: true, force: true }));
