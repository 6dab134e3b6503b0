// Data-parallel gradients are the whole batch's: one step of an MLP with 2 (and 3) workers, each on
// its part of a batch of 8, gives the gradients one process computes on all 8, within 1e-5 relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from '../../src/engine/index.js';
import { fixedBatch, gradientTestNet } from './grad-net.js';
import { runWorkers } from './spawn.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'grad-child.js');

function wholeBatchGradients(): Record<string, number[]> {
  const model = gradientTestNet();
  const { x, y } = fixedBatch();
  try {
    return E.scope(() => {
      E.crossEntropy(model.call(x), y).backward();
      return Object.fromEntries(model.namedParameters().map(([name, p]) => [name, [...((p.grad as E.Tensor).data() as Float32Array)]]));
    });
  } finally {
    E.disposeAll([x, y]);
    model.dispose();
  }
}

for (const workers of [2, 3]) {
  test(`${workers} workers on parts of a batch give the whole batch's gradients`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'catrain-dp-grad-'));
    try {
      const exits = await runWorkers(child, workers, (rank) => [path.join(dir, `grads-${rank}.json`)], 60000);
      for (const exit of exits) assert.equal(exit.code, 0, `rank ${exit.rank}: ${exit.stderr}`);
      const expected = wholeBatchGradients();
      for (let rank = 0; rank < workers; rank++) {
        const got = JSON.parse(readFileSync(path.join(dir, `grads-${rank}.json`), 'utf8')) as Record<string, number[]>;
        for (const [name, want] of Object.entries(expected)) {
          const have = got[name] ?? [];
          const scale = Math.max(...want.map(Math.abs));
          const worst = Math.max(...want.map((w, i) => Math.abs(w - (have[i] ?? Number.NaN))));
          assert.ok(worst <= 1e-5 * scale, `rank ${rank} ${name}: largest difference ${worst} against a largest gradient of ${scale}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
