// The memory requirement: 5,000 training steps of a small CNN keep the live tensor count constant
// and grow RSS by less than 5% after warm-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';

const TOTAL_STEPS = 5000;
const WARMUP_STEPS = 300;
const LR = 0.2;

interface Net {
  w1: E.Tensor; // conv 1 -> 4, 3x3
  b1: E.Tensor;
  w2: E.Tensor; // linear 4 -> 3
  b2: E.Tensor;
}

function params(net: Net): E.Tensor[] {
  return [net.w1, net.b1, net.w2, net.b2];
}

/** One SGD step on a fixed batch; returns the loss before the update. */
function step(net: Net, x: E.Tensor, y: E.Tensor): number {
  return E.scope(() => {
    const features = E.conv2d(x, net.w1, net.b1, { padding: 1 }).relu();
    const pooled = E.adaptiveAvgPool2d(features, 1).flatten(1);
    const logits = E.linear(pooled, net.w2, net.b2);
    const loss = E.crossEntropy(logits, y);
    loss.backward();
    E.noGrad(() => {
      for (const p of params(net)) {
        const g = p.grad;
        assert.ok(g !== null, 'every parameter received a gradient');
        p.add_(g, -LR);
      }
    });
    for (const p of params(net)) p.zeroGrad();
    return loss.item();
  });
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

test(`${TOTAL_STEPS} training steps of a small CNN: constant live tensors, RSS growth under 5% after warm-up`, (t) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  const threads = E.getNumThreads();
  E.setNumThreads(1);
  const start = E.memory();
  try {
    E.manualSeed(1234);
    const net: Net = E.scope(() =>
      E.noGrad(() => ({
        w1: E.randn([4, 1, 3, 3]).mul(0.5).requireGrad(),
        b1: E.zeros([4]).requireGrad(),
        w2: E.randn([3, 4]).mul(0.5).requireGrad(),
        b2: E.zeros([3]).requireGrad(),
      })),
    );
    const x = E.randn([8, 1, 8, 8]);
    const y = E.tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int64' });
    // Make the classes learnable: shift each image's mean by its class.
    const shift = E.tensor([-1, 0, 1, -1, 0, 1, -1, 0], { shape: [8, 1, 1, 1] });
    const inputs = E.scope(() => x.add(shift.mul(1.5)));
    E.disposeAll([x, shift]);

    const losses: number[] = [];
    for (let i = 0; i < WARMUP_STEPS; i++) losses.push(step(net, inputs, y));

    gc?.();
    const warm = E.memory();
    const { rss: rssWarm, heapTotal: heapWarm } = process.memoryUsage();
    const t0 = performance.now();
    for (let i = WARMUP_STEPS; i < TOTAL_STEPS; i++) losses.push(step(net, inputs, y));
    const seconds = (performance.now() - t0) / 1000;
    gc?.();
    const end = E.memory();
    const { rss: rssEnd, heapTotal: heapEnd } = process.memoryUsage();

    const growth = (rssEnd - rssWarm) / rssWarm;
    const first = losses[0] as number;
    const last = losses[losses.length - 1] as number;
    t.diagnostic(`steps: ${losses.length} (${WARMUP_STEPS} warm-up), ${seconds.toFixed(2)} s for the measured ${TOTAL_STEPS - WARMUP_STEPS}`);
    t.diagnostic(`live tensors: ${start.tensors} at start, ${warm.tensors} after warm-up, ${end.tensors} at the end`);
    t.diagnostic(`tensor bytes: ${warm.bytes} after warm-up, ${end.bytes} at the end`);
    t.diagnostic(`rss: ${mib(rssWarm)} after warm-up, ${mib(rssEnd)} at the end, growth ${(growth * 100).toFixed(2)}%`);
    t.diagnostic(`V8 heap (part of rss): ${mib(heapWarm)} after warm-up, ${mib(heapEnd)} at the end; rss outside the V8 heap: ${mib(rssWarm - heapWarm)} -> ${mib(rssEnd - heapEnd)}`);
    t.diagnostic(`loss: ${first.toFixed(4)} at step 1, ${last.toFixed(4)} at step ${losses.length}`);

    assert.equal(losses.length, TOTAL_STEPS);
    assert.equal(warm.tensors, start.tensors + 6, 'only the 4 parameters and the 2 batch tensors are live after warm-up');
    assert.equal(end.tensors, warm.tensors, 'the live tensor count stayed constant');
    assert.equal(end.bytes, warm.bytes, 'the live tensor bytes stayed constant');
    assert.ok(growth < 0.05, `RSS grew by ${(growth * 100).toFixed(2)}% after warm-up (limit 5%)`);
    assert.ok(losses.every(Number.isFinite), 'every loss is finite');
    assert.ok(last < first * 0.7, `the loss decreased (from ${first} to ${last})`);
    const lastHundred = losses.slice(-100);
    assert.ok(Math.max(...lastHundred) < first, 'the loss stayed below its starting value at the end of training');

    E.disposeAll([params(net), inputs, y]);
    assert.equal(E.memory().tensors, start.tensors, 'disposing the parameters and batch frees everything');
  } finally {
    E.setNumThreads(threads);
  }
});
