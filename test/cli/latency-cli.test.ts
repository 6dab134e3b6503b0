// Latency from the command line: `catrain latency-profile` writes a profile that the fit and the
// runtime's timings agree with, on catrain's engine and on onnxruntime-node; `catrain train
// --latency-profile --target-latency` prunes against it and records the saved network measured on the
// runtime; a profile that cannot serve the run is refused before a run directory exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALL_ON, buildStructureGraph, checkedLatencyProfile, expectedComplexity, latencyModel, type LatencyProfile } from '../../src/cat/index.js';
import * as E from '../../src/engine/index.js';
import { createModel } from '../../src/models/index.js';
import type { RunSummary } from '../../src/train/summary.js';
import { catrain } from '../helpers/cli.js';

for (const runtime of ['libtorch', 'onnxruntime'] as const) {
  test(`latency-profile on ${runtime} measures every counted layer of LeNet-5 and fits it`, () => {
    const root = mkdtempSync(path.join(tmpdir(), 'catrain-latency-cli-'));
    try {
      const out = path.join(root, 'p.json');
      const r = catrain('latency-profile', '--model', 'lenet5', '--runtime', runtime, '--batch', '4', '--out', out, '--quiet');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`lenet5 on ${runtime}, batch 4, 1 threads: dense network [0-9.]+ ms`));
      assert.match(r.stdout, /fit against the layers' measurements: rms [0-9.]+%, max [0-9.]+% relative error/);
      assert.match(r.stdout, /whole network narrowed to 1: [0-9.]+ ms, 0\.25: [0-9.]+ ms, 0\.5: [0-9.]+ ms, 0\.75: [0-9.]+ ms; layers scaled by/);
      const profile = checkedLatencyProfile(JSON.parse(readFileSync(out, 'utf8')), out);
      assert.deepEqual([profile.runtime, profile.batch, profile.threads, profile.inputShape], [runtime, 4, 1, [1, 28, 28]]);
      assert.deepEqual(Object.keys(profile.layers), ['0', '3', '7', '9', '11']);
      // conv2 reads and writes prunable groups: 4 x 4 widths; the classifier's outputs stay at 10.
      assert.equal(profile.layers['3']?.samples.length, 16);
      assert.ok(profile.layers['11']?.samples.every(([, nOut]) => nOut === 10));
      assert.ok(profile.denseMs > 0 && Object.values(profile.layers).every((l) => l.samples.every(([, , ms]) => ms > 0)));
      // The calibration timed the network at four uniform widths, the narrower ones no larger.
      const points = profile.calibration?.points ?? [];
      assert.deepEqual(points.map((p) => p.fraction), [1, 0.25, 0.5, 0.75]);
      assert.ok(points.every((p) => p.measuredMs > 0 && p.layersMs > 0) && (points[1]?.layersMs ?? 0) < (points[0]?.layersMs ?? 0));
      // Random pruned networks, timed whole and predicted; the dense network timed a second time.
      assert.equal(profile.validation?.points.length, 8);
      assert.ok(profile.validation?.points.every((p) => p.measuredMs > 0 && Number.isFinite(p.predictedMs) && p.blocksRemoved === 0));
      assert.match(r.stdout, /model against 8 random pruned networks \(not fitted to\): rms [0-9.]+%/);
      assert.ok((profile.denseRepeatMs ?? 0) > 0);
      assert.match(r.stdout, /dense network timed again at the end: [0-9.]+ ms \([+-][0-9.]+%\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

/** A profile for LeNet-5 with made-up coefficients, so the budget and its floor are known exactly. */
function lenetProfile(): LatencyProfile {
  const model = createModel('lenet5');
  const graph = E.noGrad(() => buildStructureGraph(model, [1, 28, 28]));
  model.dispose();
  const layers = Object.fromEntries(graph.layers.map((l) => [l.module, { a: 1e-4, b: 1e-3, c: 2e-3, d: 0.01, inWidth: 1, outWidth: 1, samples: [], rmsRelative: 0, maxRelative: 0 }]));
  const draft: LatencyProfile = { format: 1, model: 'lenet5', runtime: 'libtorch', batch: 8, inputShape: [1, 28, 28], threads: 1, denseMs: 1, remainderMs: 0.02, layers, fit: { rmsRelative: 0, maxRelative: 0 }, created: '2026-12-04T00:00:00Z' };
  return { ...draft, denseMs: expectedComplexity(graph, ALL_ON, latencyModel(draft)).latency as number };
}

test('train --target-latency prunes to the modelled target and measures the saved network on the runtime', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-latency-train-'));
  try {
    const profile = lenetProfile();
    const file = path.join(root, 'lenet5.json');
    writeFileSync(file, JSON.stringify(profile));
    const target = 0.6 * profile.denseMs;
    const out = path.join(root, 'run');
    const r = catrain('train', '--model', 'lenet5', '--data', 'mnist', '--train-subset', '512', '--epochs', '3', '--batch-size', '64', '--latency-profile', file, '--target-latency', String(target), '--out', out, '--quiet');
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as RunSummary;
    const latency = summary.latency;
    assert.ok(latency !== undefined);
    assert.deepEqual([latency.runtime, latency.batch, latency.runs, latency.target_ms, latency.dense_ms], ['libtorch', 8, 30, target, profile.denseMs]);
    assert.ok(latency.predicted_ms <= target && latency.predicted_ms >= 0.95 * target, `predicted ${latency.predicted_ms} ms for a ${target} ms target`);
    assert.ok(latency.measured_ms > 0);
    // The dense network, rebuilt, was timed beside the saved one.
    assert.ok(Number.isFinite(latency.dense_measured_ms) && (latency.dense_measured_ms ?? 0) > 0, `dense ${latency.dense_measured_ms} ms`);
    const report = catrain('report', '--run', out, '--out', path.join(root, 'report.html'));
    assert.equal(report.status, 0, report.stderr);
    const html = readFileSync(path.join(root, 'report.html'), 'utf8');
    assert.match(html, /CAT, latency budget [0-9.]+ ms/);
    assert.match(html, new RegExp(`${latency.measured_ms.toFixed(3)} ms measured on libtorch at batch 8 \\(median of 30 runs\\), ${latency.predicted_ms.toFixed(3)} ms predicted, target.*, ${latency.dense_measured_ms?.toFixed(3)} ms beside it`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a latency profile that cannot serve the run is refused with the fix, and leaves no run directory', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-latency-bad-'));
  try {
    const profile = lenetProfile();
    const good = path.join(root, 'good.json');
    writeFileSync(good, JSON.stringify(profile));
    const notJson = path.join(root, 'broken.json');
    writeFileSync(notJson, '{"format": 1, "mod');
    const other = path.join(root, 'other.json');
    writeFileSync(other, JSON.stringify({ ...profile, model: 'resnet20', layers: { conv1: profile.layers['0'] } }));
    // Every gated layer at one unit still costs the d terms and the remainder.
    const floor = 0.02 + 5 * 0.01;
    const cases: [string[], number, RegExp][] = [
      [['--target-latency', '1'], 2, /targetLatency \(--target-latency\) needs latencyProfile \(--latency-profile\)/],
      [['--latency-profile', path.join(root, 'missing.json')], 1, /cannot read the latency profile .*missing\.json \(ENOENT\)/],
      [['--latency-profile', notJson], 1, /broken\.json is not JSON/],
      [['--latency-profile', other], 1, /latency profile \(of resnet20\) has no terms for 0, 3, 7/],
      [['--latency-profile', good, '--target-latency', String(profile.denseMs * 1.2)], 1, /is not below the dense network's/],
      [['--latency-profile', good, '--target-latency', String(floor / 2)], 1, /under the least this network can take on libtorch at batch 8/],
      [['--latency-profile', good, '--target-latency', '0.1', '--target-macs', '0.5'], 2, /give one budget, not targetMacs \(--target-macs\) and targetLatency \(--target-latency\)/],
    ];
    for (const [flags, status, message] of cases) {
      const out = path.join(root, 'never');
      const r = catrain('train', '--model', 'lenet5', '--data', 'mnist', '--train-subset', '256', '--epochs', '2', ...flags, '--out', out, '--quiet');
      assert.equal(r.status, status, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(existsSync(out), false, `${flags.join(' ')} left ${out}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
