#!/usr/bin/env node
// Fixed-seed runs whose saved network must not change under a refactor: trains each, prints the
// SHA-256 of its model.safetensors and architecture.json, and with --check compares them with the
// hashes committed in bench/same-numbers.json (recorded on the code before the refactor).
//   node bench/same-numbers.mjs [--check] [--only NAME] [--cifar DIR] [--keep DIR]
// Needs the build (npm run build). The CIFAR run reads ../shared/data/cifar-10-batches-bin by default.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    only: { type: 'string' },
    cifar: { type: 'string', default: path.resolve(root, '..', 'shared', 'data', 'cifar-10-batches-bin') },
    keep: { type: 'string' },
  },
});

const RUNS = {
  'lenet300-params0.2': ['--model', 'lenet300', '--data', 'mnist', '--target-params', '0.2', '--epochs', '3'],
  'lenet5-per-example': ['--model', 'lenet5', '--data', 'mnist', '--per-example-gates', '--epochs', '2'],
  'resnet20-macs0.5-2048': ['--model', 'resnet20', '--data', `cifar10:${values.cifar}`, '--train-subset', '2048', '--target-macs', '0.5', '--epochs', '2'],
};

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const expected = JSON.parse(readFileSync(path.join(root, 'bench', 'same-numbers.json'), 'utf8'));
const work = values.keep ?? mkdtempSync(path.join(tmpdir(), 'catrain-same-'));
const results = {};
let mismatches = 0;
try {
  for (const [name, args] of Object.entries(RUNS)) {
    if (values.only !== undefined && values.only !== name) continue;
    const out = path.join(work, name);
    const started = Date.now();
    const run = spawnSync(process.execPath, [path.join(root, 'dist', 'src', 'cli', 'main.js'), 'train', ...args, '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error(`${name}: catrain train exited with ${run.status}`);
    results[name] = { 'model.safetensors': sha256(path.join(out, 'model.safetensors')), 'architecture.json': sha256(path.join(out, 'architecture.json')) };
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    for (const [file, hash] of Object.entries(results[name])) {
      const want = expected.runs?.[name]?.[file];
      const verdict = !values.check ? '' : want === hash ? '  same' : `  DIFFERENT (recorded ${want})`;
      if (values.check && want !== hash) mismatches++;
      console.log(`${name}  ${file}  ${hash}${verdict}`);
    }
    console.log(`${name}  ${seconds} s`);
  }
} finally {
  if (values.keep === undefined) rmSync(work, { recursive: true, force: true });
}
if (!values.check) console.log(JSON.stringify({ runs: results }, null, 2));
process.exit(mismatches === 0 ? 0 : 1);
