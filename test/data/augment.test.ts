import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drawAugment, normalizationFor, normalizationTable, STANDARD_AUGMENT, transformImage, type AugmentDraw, type Layout } from '../../src/data/augment.js';
import { hashSeed, Rng } from '../../src/data/rng.js';

const H = 5;
const W = 7;
const C = 3;
/** Pixel (y, x, c) = 1 + y * 40 + x * 4 + c: distinct and never 0, so padding is recognisable. */
const image = Uint8Array.from({ length: H * W * C }, (_, i) => 1 + Math.floor(i / (W * C)) * 40 + (Math.floor(i / C) % W) * 4 + (i % C));
const identity = normalizationTable({ mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] }, C); // value v -> v

/** Runs transformImage on the test image and returns out(y, x, c) as a function. */
function apply(draw: AugmentDraw, layout: Layout = 'nchw', table = identity): (y: number, x: number, c: number) => number {
  const out = new Float32Array(2 * H * W * C).fill(-1);
  transformImage(image, 0, { height: H, width: W, channels: C }, draw, table, out, 1, layout);
  assert.ok(out.subarray(0, H * W * C).every((v) => v === -1), 'sample 0 untouched');
  const base = H * W * C;
  return (y, x, c) => out[base + (layout === 'nchw' ? (c * H + y) * W + x : (y * W + x) * C + c)] as number;
}
const src = (y: number, x: number, c: number): number => (y < 0 || y >= H || x < 0 || x >= W ? 0 : (image[(y * W + x) * C + c] as number));

function forAll(check: (y: number, x: number, c: number) => void): void {
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) check(y, x, c);
}

describe('transformImage', () => {
  test('no shift and no flip copies the image, in both layouts', () => {
    for (const layout of ['nchw', 'nhwc'] as const) {
      const out = apply({ dy: 0, dx: 0, flip: false }, layout);
      forAll((y, x, c) => assert.equal(out(y, x, c), src(y, x, c)));
    }
  });

  test('flip mirrors each row', () => {
    const out = apply({ dy: 0, dx: 0, flip: true });
    forAll((y, x, c) => assert.equal(out(y, x, c), src(y, W - 1 - x, c)));
  });

  test('every crop offset within the padding, with and without flip, is the shifted image with zeros outside', () => {
    for (const layout of ['nchw', 'nhwc'] as const) {
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          for (const flip of [false, true]) {
            const out = apply({ dy, dx, flip }, layout);
            forAll((y, x, c) => assert.equal(out(y, x, c), src(y + dy, (flip ? W - 1 - x : x) + dx, c), `${layout} ${dy} ${dx} ${flip} at ${y},${x},${c}`));
          }
        }
      }
    }
  });

  test('normalisation is (v / 255 - mean) / std per channel in float32, padding included', () => {
    const norm = normalizationFor('cifar10', 3);
    assert.deepEqual(norm, { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] });
    const out = apply({ dy: -1, dx: 2, flip: false }, 'nchw', normalizationTable(norm, 3));
    forAll((y, x, c) => {
      const v = src(y - 1, x + 2, c);
      assert.equal(out(y, x, c), Math.fround((v / 255 - (norm.mean[c] as number)) / (norm.std[c] as number)));
    });
    assert.deepEqual(normalizationFor('mnist', 1), { mean: [0.1307], std: [0.3081] });
    assert.deepEqual(normalizationFor('folder', 3), { mean: [0, 0, 0], std: [1, 1, 1] });
    assert.throws(() => normalizationTable({ mean: [0], std: [0] }, 1), /std\[0\] is 0/);
  });
});

describe('drawAugment and Rng', () => {
  test('xoshiro128** matches the reference output for state (1, 2, 3, 4)', () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    assert.deepEqual([rng.nextU32(), rng.nextU32()], [11520, 0]);
  });

  test('offsets stay within the padding, cover it, and flips are about half', () => {
    const rng = new Rng(hashSeed(7));
    const seen = new Set<number>();
    let flips = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const draw = drawAugment(rng, STANDARD_AUGMENT);
      assert.ok(Math.abs(draw.dy) <= 4 && Math.abs(draw.dx) <= 4 && Number.isInteger(draw.dy) && Number.isInteger(draw.dx));
      seen.add(draw.dy * 100 + draw.dx);
      if (draw.flip) flips++;
    }
    assert.equal(seen.size, 81);
    assert.ok(Math.abs(flips / n - 0.5) < 0.05, `flip rate ${flips / n}`);
    assert.deepEqual(drawAugment(rng, null), { dy: 0, dx: 0, flip: false });
    assert.deepEqual(drawAugment(rng, { padding: 0, flip: false }), { dy: 0, dx: 0, flip: false });
  });

  test('hashSeed separates nearby inputs and seeds above 2^32', () => {
    const seeds = new Set([hashSeed(0, 1, 0), hashSeed(0, 1, 1), hashSeed(1, 1, 0), hashSeed(0, 2, 0), hashSeed(2 ** 32, 1, 0)]);
    assert.equal(seeds.size, 5);
  });
});
