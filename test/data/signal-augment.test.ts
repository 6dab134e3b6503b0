import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataLoader } from '../../src/data/loader.js';
import { Rng } from '../../src/data/rng.js';
import { cropLengthOf, drawSignalAugment, NO_SIGNAL_AUGMENT, transformSignal, type SignalDraw } from '../../src/data/signal-augment.js';
import { sharedFloats, type SequenceDataset } from '../../src/data/dataset.js';

/** One channel of L steps, value = step; the second channel is value = 100 + step. */
function ramp(length: number): Float32Array {
  return Float32Array.from({ length: 2 * length }, (_, i) => (i < length ? i : 100 + i - length));
}

function apply(src: Float32Array, length: number, draw: Partial<SignalDraw>, jitter = 0): number[][] {
  const full: SignalDraw = { cropStart: 0, cropLength: length, shift: 0, scales: null, ...draw };
  const out = new Float32Array(3 * 2 * length).fill(-1);
  transformSignal(src, 0, { channels: 2, length }, full, jitter, new Rng(1), out, 1);
  assert.ok(out.subarray(0, 2 * length).every((v) => v === -1) && out.subarray(4 * length).every((v) => v === -1), 'writes only its own sample');
  return [Array.from(out.subarray(2 * length, 3 * length)), Array.from(out.subarray(3 * length, 4 * length))];
}

describe('signal transforms with a fixed draw', () => {
  test('no draw copies the signal', () => {
    assert.deepEqual(apply(ramp(6), 6, {}), [[0, 1, 2, 3, 4, 5], [100, 101, 102, 103, 104, 105]]);
  });

  test('time shift is circular: later by s steps, what falls off the end comes back at the start', () => {
    assert.deepEqual(apply(ramp(6), 6, { shift: 2 })[0], [4, 5, 0, 1, 2, 3]);
    assert.deepEqual(apply(ramp(6), 6, { shift: -1 })[1], [101, 102, 103, 104, 105, 100]);
  });

  test('window crop stretches the crop back to the full length by linear interpolation', () => {
    // Steps 2..6 (5 values) onto 9 steps: position 2 + t/2.
    assert.deepEqual(apply(ramp(9), 9, { cropStart: 2, cropLength: 5 })[0], [2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6]);
    assert.deepEqual(apply(ramp(9), 9, { cropStart: 4, cropLength: 1 })[1], Array<number>(9).fill(104));
    assert.equal(cropLengthOf(0.8, 16), 13);
    assert.equal(cropLengthOf(0.01, 16), 1);
  });

  test('scaling multiplies each channel by its own factor, and the order is crop, shift, scale', () => {
    assert.deepEqual(apply(ramp(4), 4, { scales: Float64Array.from([2, 0.5]) }), [[0, 2, 4, 6], [50, 50.5, 51, 51.5]]);
    // Crop steps 1..3 onto 5 steps: 1, 1.5, 2, 2.5, 3; one step later: 3, 1, 1.5, 2, 2.5; times 2.
    assert.deepEqual(apply(ramp(5), 5, { cropStart: 1, cropLength: 3, shift: 1, scales: Float64Array.from([2, 1]) })[0], [6, 2, 3, 4, 5]);
  });
});

describe('signal augmentation draws', () => {
  test('shifts and crop starts cover their whole range and nothing else', () => {
    const rng = new Rng(9);
    const shifts = new Set<number>();
    const starts = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const draw = drawSignalAugment(rng, { ...NO_SIGNAL_AUGMENT, timeShift: 3, windowCrop: 0.75 }, 2, 16);
      shifts.add(draw.shift);
      starts.add(draw.cropStart);
      assert.equal(draw.cropLength, 12);
      assert.equal(draw.scales, null);
    }
    assert.deepEqual([...shifts].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]);
    assert.deepEqual([...starts].sort((a, b) => a - b), [0, 1, 2, 3, 4]);
    assert.deepEqual(drawSignalAugment(new Rng(1), NO_SIGNAL_AUGMENT, 2, 16), { cropStart: 0, cropLength: 16, shift: 0, scales: null });
  });

  test('scaling factors are N(1, sigma) and jitter is N(0, sigma): statistics over a loader', () => {
    const count = 400;
    const length = 64;
    const values = sharedFloats(count * length).fill(1);
    const ones: SequenceDataset = { kind: 'sequence', name: 'ones', values, labels: new Uint8Array(count), count, channels: 1, length, numClasses: 1, normalization: { mean: [0], std: [1] } };
    const stats = (xs: readonly number[]): { mean: number; std: number } => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
    };
    // Scaling alone: every value of a sample is its factor.
    const scaled = new DataLoader(ones, { batchSize: count, workers: 0, signalAugment: { ...NO_SIGNAL_AUGMENT, scaling: 0.2 } }).batch(0, 0).images;
    const factors = Array.from({ length: count }, (_, i) => scaled[i * length] as number);
    assert.ok(Array.from({ length: count }, (_, i) => scaled.subarray(i * length, (i + 1) * length).every((v) => v === factors[i])));
    const f = stats(factors);
    assert.ok(Math.abs(f.mean - 1) < 0.03 && Math.abs(f.std - 0.2) < 0.03, `factors ${JSON.stringify(f)}`);
    // Jitter alone: value - 1 is the noise.
    const jittered = new DataLoader(ones, { batchSize: count, workers: 0, signalAugment: { ...NO_SIGNAL_AUGMENT, jitter: 0.5 } }).batch(0, 0).images;
    const n = stats(Array.from(jittered, (v) => v - 1));
    assert.ok(Math.abs(n.mean) < 0.01 && Math.abs(n.std - 0.5) < 0.01, `noise ${JSON.stringify(n)}`);
  });

  test('Rng.normal is standard normal and Rng.uniform lies in [0, 1)', () => {
    const rng = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.04, `mean ${mean}, variance ${variance}`);
    assert.ok(xs.every(Number.isFinite));
    const us = Array.from({ length: 1000 }, () => rng.uniform());
    assert.ok(us.every((u) => u >= 0 && u < 1));
  });
});
