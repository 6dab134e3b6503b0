// The end-to-end check: `catrain sweep` on MNIST LeNet-300-100 with three MAC targets (300
// training images, one epoch), then `recommend`, then the sweep report; and a sweep whose last point
// finished training but was not recorded is completed without training it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepFile, SweepPoint } from '../../src/sweep/index.js';
import { catrain } from '../helpers/cli.js';



const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

test('sweep three MAC targets on MNIST, recommend one, continue an unrecorded point, report the sweep', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-sweep-cli-'));
  try {
    const out = path.join(root, 'sweep');
    // 0.005 of MNIST's 60000 training images: 300.
    const args = ['sweep', '--model', 'lenet300', '--data', 'mnist', '--targets', '0.3,0.5,0.7', '--subset', '0.005', '--epochs', '1', '--seed', '2', '--full-epochs', '12', '--out', out];
    const swept = catrain(...args, '--quiet');
    assert.equal(swept.status, 0, swept.stderr);
    const sweep = readJson<SweepFile>(path.join(out, 'sweep.json'));
    assert.deepEqual(sweep.points.map((p) => p.name), ['macs-0.3', 'macs-0.5', 'macs-0.7']);
    assert.equal(sweep.model, 'lenet300');
    assert.equal(sweep.epochs, 1);
    assert.equal(readJson<{ trainSubset: number }>(path.join(out, 'macs-0.3', 'config.json')).trainSubset, 300);
    for (const p of sweep.points) {
      // A one-epoch pilot lands near its budget; the fraction is measured on the saved network.
      assert.ok(p.macs_fraction <= p.setting.value + 0.05, `${p.name} kept ${p.macs_fraction} of the MACs`);
      assert.ok(p.test_acc > 0 && p.test_acc <= 100);
      assert.ok(p.latency_ms.batch1 > 0 && p.latency_ms.batch64 > p.latency_ms.batch1, `${p.name}: ${JSON.stringify(p.latency_ms)}`);
      assert.equal(p.command, `catrain train --model lenet300 --data mnist --epochs 12 --target-macs ${p.setting.value} --seed 2 --out runs/lenet300-${p.name}`);
    }
    assert.ok(sweep.pareto.length >= 1);

    const recommended = catrain('recommend', '--sweep', out, '--max-macs', '0.6', '--json');
    assert.equal(recommended.status, 0, recommended.stderr);
    const answer = JSON.parse(recommended.stdout) as { recommendation: SweepPoint };
    const within = sweep.points.filter((p) => p.macs <= 0.6 * sweep.dense.macs);
    assert.equal(answer.recommendation.test_acc, Math.max(...within.map((p) => p.test_acc)));
    assert.ok(answer.recommendation.macs <= 0.6 * sweep.dense.macs);

    const text = catrain('recommend', '--sweep', out, '--min-acc', '1', '--full-epochs', '30');
    assert.equal(text.status, 0, text.stderr);
    const cheapest = [...sweep.points].sort((a, b) => a.macs - b.macs)[0] as SweepPoint;
    assert.match(text.stdout, new RegExp(`recommended: ${cheapest.name} `));
    assert.match(text.stdout, new RegExp(`catrain train --model lenet300 --data mnist --epochs 30 --target-macs ${cheapest.setting.value} --seed 2`));

    const none = catrain('recommend', '--sweep', out, '--max-macs', '100');
    assert.equal(none.status, 3, 'no point has at most 100 MACs');
    assert.match(none.stderr, /no point of the sweep .* satisfies the constraint .*; the closest is macs-0.3/);

    // The last point trained but its measurement was never recorded (a kill in between).
    writeFileSync(path.join(out, 'sweep.json'), JSON.stringify({ ...sweep, points: sweep.points.slice(0, 2) }));
    const model = path.join(out, 'macs-0.7', 'model.safetensors');
    const trainedAt = statSync(model).mtimeMs;
    const continued = catrain(...args);
    assert.equal(continued.status, 0, continued.stderr);
    assert.match(continued.stderr, /macs-0.3: already recorded, skipped/);
    assert.match(continued.stdout, /^macs-0.7: top-1 /m);
    assert.equal(statSync(model).mtimeMs, trainedAt, 'the trained point was measured, not trained again');
    assert.deepEqual(readJson<SweepFile>(path.join(out, 'sweep.json')).points.map((p) => p.name), ['macs-0.3', 'macs-0.5', 'macs-0.7']);

    const report = catrain('report', '--sweep', out);
    assert.equal(report.status, 0, report.stderr);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    for (const p of sweep.points) assert.ok(html.includes(`"${p.name}"`), `${p.name} in the report data`);
    assert.doesNotMatch(html, /<script[^>]+src=/i, 'no external scripts');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
