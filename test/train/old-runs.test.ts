// Run directories written by an earlier catrain (test/fixtures/old-runs, made on commit 801b27f by
// make-old-runs.mjs) still resume, evaluate, describe themselves and export with this one. The
// stopped run, resumed here, must end exactly where the uninterrupted run ended there. The fixtures
// were made on a machine whose widest vector unit was AVX2; oneDNN picks its kernels by the CPU, and
// AVX-512 ones round differently (the last bits of the weights), so the resume is held to AVX2 too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catrain, catrainWithEnv } from '../helpers/cli.js';

// Tests run from dist/test/train; the fixtures stay in the source tree.
const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/old-runs');

test('a run stopped by an earlier version resumes to the bit-identical end; a finished one evaluates and exports', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-old-runs-'));
  try {
    const stopped = path.join(root, 'stopped');
    const done = path.join(root, 'done');
    cpSync(path.join(fixtures, 'stopped'), stopped, { recursive: true });
    cpSync(path.join(fixtures, 'done'), done, { recursive: true });

    const resumed = catrainWithEnv({ ONEDNN_MAX_CPU_ISA: 'AVX2' }, 'train', '--resume', '--out', stopped, '--quiet');
    assert.equal(resumed.status, 0, resumed.stderr);
    for (const file of ['model.safetensors', 'architecture.json']) {
      assert.deepEqual(readFileSync(path.join(stopped, file)), readFileSync(path.join(done, file)), `${file} as the earlier version trained it`);
    }
    // Times and throughput differ from run to run; the worker count and throughput are newer fields.
    const summary = (dir: string): unknown => {
      const { train_seconds: _t, epoch_seconds: _e, img_s: _i, img_s_per_worker: _p, workers: _w, ...rest } = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
      return rest;
    };
    assert.deepEqual(summary(stopped), summary(done));
    assert.equal((JSON.parse(readFileSync(path.join(stopped, 'summary.json'), 'utf8')) as { workers: number }).workers, 1);

    const evaluation = catrain('eval', '--run', done, '--json');
    assert.equal(evaluation.status, 0, evaluation.stderr);
    assert.equal((JSON.parse(evaluation.stdout) as { test_acc: number }).test_acc, (summary(done) as { test_acc: number }).test_acc);
    const info = catrain('info', '--run', done, '--json');
    assert.equal(info.status, 0, info.stderr);
    for (const format of ['onnx', 'tfjs', 'safetensors']) {
      const exported = catrain('export', '--run', done, '--format', format, '--out', path.join(root, `export-${format}`));
      assert.equal(exported.status, 0, `${format}: ${exported.stderr}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
