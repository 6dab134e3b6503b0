// Initialisation matches PyTorch's defaults and torchvision's ResNet scheme, and is seedable.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { BatchNorm2d, Conv2d, Linear, init } from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';

function stats(t: E.Tensor): { maxAbs: number; std: number; mean: number } {
  return E.scope(() => ({ maxAbs: E.abs(t).max().item(), std: E.std(t).item(), mean: t.mean().item() }));
}

test('Conv2d and Linear default: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
  const conv = new Conv2d(64, 128, 3); // fan_in 576
  const lin = new Linear(400, 300);
  for (const [w, b, fanIn] of [[conv.weight.value, conv.bias?.value, 576], [lin.weight.value, lin.bias?.value, 400]] as const) {
    const bound = 1 / Math.sqrt(fanIn);
    const ws = stats(w);
    assert.ok(ws.maxAbs <= bound && ws.maxAbs > 0.99 * bound, `weight within and filling +-${bound}: max |w| ${ws.maxAbs}`);
    assert.ok(Math.abs(ws.std - bound / Math.sqrt(3)) < 0.02 * bound, `uniform std ${ws.std}`);
    assert.ok(stats(b as E.Tensor).maxAbs <= bound);
  }
  conv.dispose();
  lin.dispose();
});

test('kaimingNormal_(fan_out, relu) has std sqrt(2 / fan_out)', () => {
  const w = E.empty([256, 64, 3, 3]);
  init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
  const s = stats(w);
  const want = Math.sqrt(2 / (256 * 9));
  assert.ok(Math.abs(s.std - want) < 0.02 * want, `std ${s.std}, expected ${want}`);
  assert.ok(Math.abs(s.mean) < 0.01 * want * 10);
  assert.deepEqual(init.fans([256, 64, 3, 3]), { fanIn: 576, fanOut: 2304 });
  assert.equal(init.calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.throws(() => init.fans([3]), /at least 2 dimensions/);
  w.dispose();
});

test('BatchNorm starts at weight 1, bias 0, running mean 0, variance 1', () => {
  const bn = new BatchNorm2d(3);
  assert.deepEqual(bn.weight?.value.toArray(), [1, 1, 1]);
  assert.deepEqual(bn.bias?.value.toArray(), [0, 0, 0]);
  assert.deepEqual(bn.runningMean?.value.toArray(), [0, 0, 0]);
  assert.deepEqual(bn.runningVar?.value.toArray(), [1, 1, 1]);
  assert.equal(bn.numBatchesTracked?.value.item(), 0);
  bn.dispose();
});

test('manualSeed makes initial weights reproducible, and resetParameters redraws them', () => {
  E.manualSeed(11);
  const a = new Linear(8, 4);
  E.manualSeed(11);
  const b = new Linear(8, 4);
  assertClose(b.weight.value, a.weight.value, { atol: 0 });
  const holder = b.weight.value;
  b.resetParameters();
  assert.equal(b.weight.value, holder, 'reset fills in place');
  assert.ok(E.scope(() => E.abs(E.sub(a.weight.value, b.weight.value)).max().item()) > 0);
  assert.ok(b.weight.value.requiresGrad);
  a.dispose();
  b.dispose();
});
