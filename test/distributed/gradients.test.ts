// Data-parallel gradients are the whole batch's: one step with 2 (and 3) workers, each on its part of
// a batch of 8, gives the gradients one process computes on all 8, within 1e-5 relative. With
// BatchNorm, --sync-bn gives the whole batch's gradients and running statistics too; without it each
// worker normalises by its own examples (DDP's convention), and the gradients differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from '../../src/engine/index.js';
import { fixedBatch, type GradientNet, gradientsAndStatistics, gradientTestNet } from './grad-net.js';
import { runWorkers } from './spawn.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'grad-child.js');

function wholeBatch(kind: GradientNet): Record<string, number[]> {
  const model = gradientTestNet(kind);
  const { x, y } = fixedBatch();
  try {
    return E.scope(() => {
      E.crossEntropy(model.call(x), y).backward();
      return gradientsAndStatistics(model);
    });
  } finally {
    E.disposeAll([x, y]);
    model.dispose();
  }
}

/** Each worker's gradients and statistics, after one step in `mode`. */
async function workersStep(workers: number, mode: 'plain' | 'batchnorm' | 'sync-bn'): Promise<Record<string, number[]>[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'catrain-dp-grad-'));
  try {
    const exits = await runWorkers(child, workers, (rank) => [path.join(dir, `grads-${rank}.json`), mode], 60000);
    for (const exit of exits) assert.equal(exit.code, 0, `rank ${exit.rank}: ${exit.stderr}`);
    return Array.from({ length: workers }, (_, rank) => JSON.parse(readFileSync(path.join(dir, `grads-${rank}.json`), 'utf8')) as Record<string, number[]>);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isStatistic = (name: string): boolean => name.includes('running_');

/**
 * The largest difference per name, over the largest magnitude of its kind (all gradients, or all
 * running statistics): a gradient that is zero but for rounding (a bias before BatchNorm) has no
 * scale of its own.
 */
function worstRelative(want: Record<string, number[]>, have: Record<string, number[]>): [string, number][] {
  const scaleOf = (statistic: boolean): number =>
    Math.max(...Object.entries(want).flatMap(([name, values]) => (isStatistic(name) === statistic ? values.map(Math.abs) : [])));
  return Object.entries(want).map(([name, expected]) => {
    const got = have[name] ?? [];
    return [name, Math.max(...expected.map((w, i) => Math.abs(w - (got[i] ?? Number.NaN)))) / scaleOf(isStatistic(name))];
  });
}

for (const [workers, mode] of [[2, 'plain'], [3, 'plain'], [2, 'sync-bn'], [3, 'sync-bn']] as const) {
  test(`${workers} workers on parts of a batch give the whole batch's gradients (${mode === 'plain' ? 'MLP' : 'BatchNorm with --sync-bn'})`, async () => {
    const expected = wholeBatch(mode === 'plain' ? 'plain' : 'batchnorm');
    const ranks = await workersStep(workers, mode);
    ranks.forEach((got, rank) => {
      for (const [name, worst] of worstRelative(expected, got)) assert.ok(worst <= 1e-5, `rank ${rank} ${name}: largest difference ${worst} of the largest value`);
    });
  });
}

test("without --sync-bn each worker's BatchNorm uses its own examples' statistics", async () => {
  const expected = wholeBatch('batchnorm');
  const [rank0] = await workersStep(2, 'batchnorm');
  const worst = Math.max(...worstRelative(expected, rank0 ?? {}).filter(([name]) => !isStatistic(name)).map(([, w]) => w));
  assert.ok(worst > 1e-3, `the gradients should differ from the whole batch's, largest difference ${worst}`);
});
