// What a data-parallel run shows beyond its log: summary.json's worker count and throughput (median
// over the epochs), the run report's facts and the dashboard's run page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeRun } from '../../src/dashboard/index.js';
import { runPage } from '../../src/dashboard/pages/run-page.js';
import { renderRunReport } from '../../src/report/index.js';
import { DEFAULT_CONFIG, throughputOf } from '../../src/train/index.js';

test('throughput is the median over the epochs; an epoch of one process counts as its worker', () => {
  const two = throughputOf([
    { workers: 2, img_s: 400, img_s_per_worker: 200 },
    { workers: 2, img_s: 300, img_s_per_worker: 150 },
    { workers: 2, img_s: 500, img_s_per_worker: 250 },
  ]);
  assert.deepEqual(two, { workers: 2, imgS: 400, imgSPerWorker: 200 });
  assert.deepEqual(throughputOf([{ img_s: 100 }, { img_s: 300 }]), { workers: 1, imgS: 200, imgSPerWorker: 200 });
  // A resumed run's last epoch says how many trained it at the end.
  assert.equal(throughputOf([{ workers: 2, img_s: 1 }, { img_s: 1 }]).workers, 1);
  assert.ok(Number.isNaN(throughputOf([]).imgS));
});

test('the report and the dashboard show the worker count and the throughput of all and of one', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-dp-report-'));
  try {
    const dir = path.join(root, 'two');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...DEFAULT_CONFIG, model: 'lenet300', data: 'mnist', epochs: 2 }));
    const lines = [1, 2].map((epoch) => ({ epoch, step: 10 * epoch, test_acc: 90 + epoch, train_acc: 90, train_loss: 0.3, epoch_s: 2, workers: 2, img_s: 800 + epoch, img_s_per_worker: 400 + epoch }));
    writeFileSync(path.join(dir, 'log.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const report = renderRunReport(dir);
    assert.match(report, /<dt>workers<\/dt><dd>2<\/dd>/);
    assert.match(report, /802 training images\/s \(402 per worker\), median over the epochs/);
    const row = describeRun({ id: 'two', dir, sweepId: null });
    assert.equal(row.workers, 2);
    assert.match(runPage(row), /<span id="workers">2 workers<\/span>/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
