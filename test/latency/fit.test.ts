// The per-layer latency fit (src/latency/fit.ts): exact samples give back their coefficients; a width
// the gates cannot change leaves its terms at 0 instead of making the fit singular.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLayer } from '../../src/latency/index.js';
import type { LatencySample } from '../../src/cat/index.js';

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

test('samples of a bilinear cost give back its four coefficients, with no error', () => {
  const truth = { a: 2e-5, b: 3e-3, c: 1e-3, d: 0.05 };
  const samples: LatencySample[] = [];
  for (const nIn of [4, 8, 12, 16]) for (const nOut of [16, 32, 48, 64]) samples.push([nIn, nOut, truth.a * nIn * nOut + truth.b * nIn + truth.c * nOut + truth.d]);
  const fit = fitLayer(samples);
  for (const k of ['a', 'b', 'c', 'd'] as const) assert.ok(close(fit[k], truth[k]), `${k}: ${fit[k]} against ${truth[k]}`);
  assert.ok(fit.maxRelative < 1e-9);
});

test('a fixed input width leaves a and b at 0; noisy samples report their error', () => {
  const fit = fitLayer([[3, 4, 0.5], [3, 8, 0.9], [3, 12, 1.3], [3, 16, 1.7]]);
  assert.deepEqual([fit.a, fit.b], [0, 0]);
  assert.ok(close(fit.c, 0.1) && close(fit.d, 0.1));
  const noisy = fitLayer([[3, 4, 0.5], [3, 8, 1.0], [3, 12, 1.3], [3, 16, 1.7]]);
  assert.ok(noisy.maxRelative > 0.01 && noisy.rmsRelative <= noisy.maxRelative);
  assert.throws(() => fitLayer([]), /no samples/);
});
