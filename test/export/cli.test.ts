// `catrain export` end to end in a child process: each format written where --out says, and bad input
// (unknown format, unfinished run, existing or unwritable output) refused by name with a non-zero exit
// and nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LENET5_HISTORY, writePrunedRun } from './runs.js';
import { catrain } from '../helpers/cli.js';



test('catrain export writes each format, and refuses bad input with a clear message and no output', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-export-cli-'));
  try {
    const run = path.join(root, 'run');
    writePrunedRun(run, 'lenet5', 'mnist', LENET5_HISTORY);
    const out = path.join(root, 'out');
    mkdirSync(out);

    const onnx = catrain('export', '--run', run, '--format', 'onnx', '--out', path.join(out, 'lenet5.onnx'), '--json');
    assert.equal(onnx.status, 0, onnx.stderr);
    const report = JSON.parse(onnx.stdout) as { files: string[]; contract: { inputShape: number[]; classNames: string[] } };
    assert.deepEqual(report.files, [path.join(out, 'lenet5.onnx')]);
    assert.deepEqual(report.contract.inputShape, [1, 28, 28]);
    assert.ok(statSync(path.join(out, 'lenet5.onnx')).size > 100_000);

    const tfjs = catrain('export', '--run', run, '--format', 'tfjs', '--out', path.join(out, 'web'));
    assert.equal(tfjs.status, 0, tfjs.stderr);
    assert.deepEqual(readdirSync(path.join(out, 'web')).sort(), ['model.json', 'weights.bin']);

    const safetensors = catrain('export', '--run', run, '--format', 'safetensors', '--out', path.join(out, 'torch'));
    assert.equal(safetensors.status, 0, safetensors.stderr);
    assert.deepEqual(readdirSync(path.join(out, 'torch')).sort(), ['architecture.json', 'model.safetensors']);

    const before = readdirSync(out).sort();
    const refusals: [string[], number, RegExp][] = [
      [['--format', 'keras', '--out', path.join(out, 'x')], 2, /unknown export format 'keras'[^]*--format onnx/],
      [['--format', 'onnx', '--out', path.join(out, 'lenet5.onnx')], 2, /lenet5\.onnx already exists[^]*--force/],
      [['--format', 'onnx', '--out', path.join(root, 'missing', 'x.onnx')], 2, /its folder .*missing does not exist/],
    ];
    for (const [args, code, message] of refusals) {
      const result = catrain('export', '--run', run, ...args);
      assert.equal(result.status, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    const replaced = catrain('export', '--run', run, '--format', 'onnx', '--out', path.join(out, 'lenet5.onnx'), '--force');
    assert.equal(replaced.status, 0, replaced.stderr);

    // A run that has not finished (config.json only) has no pruned network to export.
    const unfinished = path.join(root, 'unfinished');
    mkdirSync(unfinished);
    writeFileSync(path.join(unfinished, 'config.json'), '{"model":"lenet5","data":"mnist"}');
    const refused = catrain('export', '--run', unfinished, '--format', 'onnx', '--out', path.join(out, 'none.onnx'));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /no finished model \(model\.safetensors \+ architecture\.json\)/);
    assert.ok(!existsSync(path.join(out, 'none.onnx')));
    assert.deepEqual(readdirSync(out).sort(), before, 'no output or temporary file is left behind');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
