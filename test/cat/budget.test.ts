// Budget targeting (docs/method.md section 6): the target path, and gamma's direction, bound and freeze.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustGamma, BUDGET_MARGIN, targetAt } from '../../src/cat/index.js';

const target = { kind: 'macs' as const, fraction: 0.5 };
const schedule = { start: 100, rampEnd: 500, freeze: 800, every: 20 };

test('the target path runs from 1 after the warm-up to just under the target, then stays', () => {
  assert.equal(targetAt(0, target, schedule), 1);
  assert.equal(targetAt(100, target, schedule), 1);
  const goal = 0.5 * (1 - BUDGET_MARGIN);
  assert.ok(Math.abs(targetAt(300, target, schedule) - (1 + goal) / 2) < 1e-12);
  assert.equal(targetAt(500, target, schedule), goal);
  assert.equal(targetAt(10_000, target, schedule), goal);
});

test('gamma rises above the path, falls below it, by at most 3% a time, and is frozen late', () => {
  assert.ok(adjustGamma(1, 300, 0.95, target, schedule) > 1, 'over budget: prune harder');
  assert.ok(adjustGamma(1, 300, 0.5, target, schedule) < 1, 'under the path: ease off');
  assert.ok(Math.abs(adjustGamma(1, 300, 1, target, schedule) - Math.exp(0.03)) < 1e-12, 'the step is bounded');
  assert.equal(adjustGamma(1, 310, 1, target, schedule), 1, 'only every 20 steps');
  assert.equal(adjustGamma(1, 820, 1, target, schedule), 1, 'frozen after the freeze step');
  assert.equal(adjustGamma(1, 40, 1, target, schedule), 1, 'not during the warm-up');
});
