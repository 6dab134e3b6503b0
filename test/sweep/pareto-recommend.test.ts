// Pareto fronts and the recommendation rules on made-up points (docs/report.md states the rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestPoint, paretoFront, recommend, type SweepFile, type SweepPoint } from '../../src/sweep/index.js';
import { sweepFronts } from '../../src/sweep/pareto.js';

const DENSE = { macs: 1000, params: 2000 };

function point(name: string, test_acc: number, macs: number, latency = macs / 100, train_seconds = 10): SweepPoint {
  return {
    name,
    dir: name,
    setting: { kind: 'target-macs', value: macs / DENSE.macs },
    test_acc,
    macs,
    params: 2 * macs,
    macs_fraction: macs / DENSE.macs,
    params_fraction: macs / DENSE.macs,
    train_seconds,
    latency_ms: { batch1: latency, batch64: 40 * latency },
    command: `catrain train ${name}`,
  };
}

function sweepOf(points: SweepPoint[]): SweepFile {
  const fronts = sweepFronts(points);
  return {
    format: 1, model: 'm', data: 'mnist', subset: 0.1, epochs: 1, full_epochs: 15, dense: DENSE,
    settings: points.map((p) => p.setting), train_args: [], points, pareto: fronts.macs, fronts, latency_threads: 1,
  };
}

// a: small and weak; b: dominated by c (less accurate, more MACs); c, d: on the front; e: equals d.
const a = point('a', 90, 200);
const b = point('b', 92, 600);
const c = point('c', 95, 500);
const d = point('d', 97, 800, 3);
const e = point('e', 97, 800, 9);
const points = [b, d, a, c, e];

test('the accuracy-vs-MACs front drops dominated points, keeps ties, and is ordered cheapest first', () => {
  assert.deepEqual(paretoFront(points).map((p) => p.name), ['a', 'c', 'd', 'e']);
  assert.deepEqual(paretoFront([]), []);
  assert.deepEqual(paretoFront([b]).map((p) => p.name), ['b']);
});

test('fronts against latency and training time use those costs', () => {
  // By latency, e (same accuracy as d, slower) is dominated by d.
  assert.deepEqual(paretoFront(points, 'latency').map((p) => p.name), ['a', 'd']);
  const slow = point('slow', 99, 100, 1, 500);
  const fast = point('fast', 80, 900, 9, 1);
  assert.deepEqual(paretoFront([slow, fast], 'train_seconds').map((p) => p.name), ['fast', 'slow']);
  assert.deepEqual(paretoFront([slow, fast], 'macs').map((p) => p.name), ['slow']);
});

test('--min-acc: the fewest MACs among the points accurate enough', () => {
  const sweep = sweepOf(points);
  assert.equal(recommend(sweep, { minAcc: 94 })?.name, 'c');
  assert.equal(recommend(sweep, { minAcc: 95 })?.name, 'c', 'the bound is inclusive');
  assert.equal(recommend(sweep, { minAcc: 96 })?.name, 'd', 'between equal MACs and accuracy, the lower latency');
  assert.equal(recommend(sweep, { minAcc: 50 })?.name, 'a');
  assert.equal(recommend(sweep, { minAcc: 98 }), null);
  assert.equal(closestPoint(sweep, { minAcc: 98 })?.name, 'd', 'the closest is the most accurate');
});

test('--max-macs: the most accurate point within the ceiling, as a fraction (≤ 1) or a count (> 1)', () => {
  const sweep = sweepOf(points);
  assert.equal(recommend(sweep, { maxMacs: 0.6 })?.name, 'c', 'b fits too but is less accurate');
  assert.equal(recommend(sweep, { maxMacs: 600 })?.name, 'c');
  assert.equal(recommend(sweep, { maxMacs: 0.5 })?.name, 'c', 'the bound is inclusive');
  assert.equal(recommend(sweep, { maxMacs: 1 })?.name, 'd');
  assert.equal(recommend(sweep, { maxMacs: 0.1 }), null);
  assert.equal(recommend(sweep, { maxMacs: 150 }), null);
  assert.equal(closestPoint(sweep, { maxMacs: 0.1 })?.name, 'a', 'the closest has the fewest MACs');
});

test('--max-latency-ms: the most accurate point within the batch-1 latency ceiling', () => {
  const sweep = sweepOf(points);
  assert.equal(recommend(sweep, { maxLatencyMs: 5 })?.name, 'd');
  assert.equal(recommend(sweep, { maxLatencyMs: 2.5 })?.name, 'a');
  assert.equal(recommend(sweep, { maxLatencyMs: 1 }), null);
  assert.equal(closestPoint(sweep, { maxLatencyMs: 1 })?.name, 'a');
  assert.equal(closestPoint(sweepOf([]), { maxLatencyMs: 1 }), null);
});
