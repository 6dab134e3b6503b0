// Autograd: gradients of every differentiable op family checked against central differences in
// float64 (a gradcheck), and the semantics of requiresGrad, leaves, accumulation, detach, grad mode,
// retainGrad and retainGraph.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { Tensor } from '../../src/engine/index.js';
import { native } from '../../src/engine/native.js';
import { assertClose, checkGradient, numericGradient } from '../helpers/check.js';

const TIGHT = { atol: 1e-6, rtol: 1e-6 };
const LOOSE = { atol: 1e-4, rtol: 1e-4 };

/** Seeded standard-normal float64 leaf that requires grad. */
function leaf(shape: number[], seed: number, options: { scale?: number; shift?: number } = {}): Tensor {
  E.manualSeed(seed);
  const { scale = 1, shift = 0 } = options;
  return E.noGrad(() => E.randn(shape, { dtype: 'float64' }).mul(scale).add(shift)).requireGrad();
}

/** Seeded float64 leaf with values in [low, high) (for logs, divisors, pow bases). */
function positive(shape: number[], seed: number, low = 0.5, high = 2): Tensor {
  E.manualSeed(seed);
  return E.noGrad(() => E.rand(shape, { dtype: 'float64' }).mul(high - low).add(low)).requireGrad();
}

/** Values bounded away from 0 by at least 0.1 (relu, abs, clamp kinks). */
function awayFromZero(shape: number[], seed: number): Tensor {
  E.manualSeed(seed);
  return E.noGrad(() => {
    const u = E.rand(shape, { dtype: 'float64' });
    const sign = E.bernoulli(shape, 0.5, { dtype: 'float64' }).mul(2).sub(1);
    return u.add(0.1).mul(sign);
  }).requireGrad();
}

/**
 * A fixed, non-uniform projection to a scalar: sum(y * R) with R a deterministic pattern. A plain
 * sum would hide errors (e.g. batch norm's output sums to a constant, softmax's rows sum to 1).
 */
function proj(y: Tensor): Tensor {
  const n = y.numel;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.cos(1.7 * i + 0.3) + 0.1 * i;
  return y.mul(E.tensor(r, { shape: [...y.shape] })).sum();
}

const i64 = (values: number[]): Tensor => E.tensor(values, { dtype: 'int64' });
/** Reads .grad through a function so that TypeScript does not narrow the getter after a null check. */
const gradOf = (t: Tensor): Tensor | null => t.grad;

// ---------------------------------------------------------------------------------------------
describe('gradcheck helper', () => {
  test('numericGradient of sum(x^3) is 3x^2', () => {
    const x = E.tensor(new Float64Array([0.5, -1, 2]));
    const g = numericGradient((t) => t.pow(3).sum(), x);
    assertClose(g, [0.75, 3, 12], { atol: 1e-6 });
    assert.deepEqual(x.toArray(), [0.5, -1, 2]); // x is untouched
  });

  test('checkGradient rejects a wrong analytic gradient', () => {
    // detach hides one factor from autograd: analytic gradient x, true gradient 2x
    const x = leaf([4], 1);
    assert.throws(() => checkGradient((t) => t.detach().mul(t).sum(), [x]), /gradient of input 0/);
  });

  test('checkGradient needs a scalar output and an input that requires grad', () => {
    const x = leaf([3], 2);
    assert.throws(() => checkGradient((t) => t.mul(2), [x]));
    assert.throws(() => checkGradient((t) => t.sum(), [x.detach()]));
  });

  test('assertClose reports the first mismatching index and both values', () => {
    assert.throws(() => assertClose(E.tensor([1, 2, 3]), [1, 2.5, 3], { atol: 1e-3 }), /index 1: actual 2, expected 2\.5/);
    assert.throws(() => assertClose(E.tensor([[1, 2]]), [[1], [2]]), /shape/);
    assert.throws(() => assertClose([1, 2], [1, 2, 3]), /elements/);
    assert.throws(() => assertClose([NaN], [0]));
    assertClose([100.001], [100], { atol: 0, rtol: 1e-4 });
  });
});

// ---------------------------------------------------------------------------------------------
describe('gradcheck: elementwise', () => {
  test('add and sub with broadcasting and alpha', () => {
    checkGradient((a, b) => proj(a.add(b, 2)), [leaf([2, 3], 1), leaf([3], 2)], TIGHT);
    checkGradient((a, b) => proj(a.sub(b, 0.5)), [leaf([2, 3], 3), leaf([2, 1], 4)], TIGHT);
    checkGradient((a) => proj(a.add(3).sub(1.5)), [leaf([4], 5)], TIGHT);
  });

  test('mul and div (tensor and scalar)', () => {
    checkGradient((a, b) => proj(a.mul(b)), [leaf([2, 3], 6), leaf([2, 1], 7)], TIGHT);
    checkGradient((a, b) => proj(a.div(b)), [leaf([3, 2], 8), positive([2], 9)], TIGHT);
    checkGradient((a) => proj(a.mul(-2.5).div(4)), [leaf([5], 10)], TIGHT);
  });

  test('pow with scalar and tensor exponents', () => {
    checkGradient((a) => proj(a.pow(3)), [leaf([5], 11)], TIGHT);
    checkGradient((a) => proj(a.pow(0.5)), [positive([5], 12)], TIGHT);
    checkGradient((a, b) => proj(a.pow(b)), [positive([4], 13), leaf([4], 14)], TIGHT);
  });

  test('exp, log, sqrt, sigmoid, tanh', () => {
    checkGradient((a) => proj(a.exp()), [leaf([6], 15)], TIGHT);
    checkGradient((a) => proj(a.log()), [positive([6], 16)], TIGHT);
    checkGradient((a) => proj(a.sqrt()), [positive([6], 17)], TIGHT);
    checkGradient((a) => proj(a.sigmoid()), [leaf([6], 18, { scale: 2 })], TIGHT);
    checkGradient((a) => proj(a.tanh()), [leaf([6], 19, { scale: 2 })], TIGHT);
  });

  test('relu, abs, neg, clamp away from their kinks', () => {
    const x = awayFromZero([10], 20);
    const analytic = checkGradient((a) => proj(a.relu()), [x], TIGHT)[0]!;
    // relu's gradient is the projection weight where x > 0 and exactly 0 elsewhere
    const xs = x.toArray();
    xs.forEach((v, i) => {
      if (v < 0) assert.equal(analytic[i], 0);
    });
    assert.ok(xs.some((v) => v > 0) && xs.some((v) => v < 0), 'the test input must straddle 0');
    checkGradient((a) => proj(a.abs()), [awayFromZero([8], 21)], TIGHT);
    checkGradient((a) => proj(a.neg()), [leaf([3], 22)], TIGHT);
    checkGradient((a) => proj(a.clamp(-0.05, 0.05)), [awayFromZero([8], 23)], TIGHT);
    checkGradient((a) => proj(E.clamp(a, -0.6, 0.6)), [E.tensor(new Float64Array([-1, -0.3, 0.2, 0.9])).requireGrad()], TIGHT);
  });

  test('where, maximum', () => {
    const cond = E.tensor([true, false, true, false]);
    checkGradient((a, b) => proj(E.where(cond, a, b)), [leaf([4], 24), leaf([4], 25)], TIGHT);
    const a = E.tensor(new Float64Array([1, -2, 3])).requireGrad();
    const b = E.tensor(new Float64Array([0, 0.5, 4])).requireGrad();
    checkGradient((p, q) => proj(E.maximum(p, q)), [a, b], TIGHT);
  });
});

// ---------------------------------------------------------------------------------------------
describe('gradcheck: reductions', () => {
  test('sum and mean over all and over dims', () => {
    checkGradient((a) => a.sum(), [leaf([2, 3], 30)], TIGHT);
    checkGradient((a) => a.mean(), [leaf([2, 3], 31)], TIGHT);
    checkGradient((a) => proj(a.sum(1)), [leaf([2, 3, 2], 32)], TIGHT);
    checkGradient((a) => proj(a.sum([0, 2], true)), [leaf([2, 3, 2], 33)], TIGHT);
    checkGradient((a) => proj(a.mean(0)), [leaf([3, 4], 34)], TIGHT);
    checkGradient((a) => proj(a.mean([1, 2])), [leaf([2, 3, 2], 35)], TIGHT);
  });

  test('logsumexp, variance, std, amax, max', () => {
    checkGradient((a) => proj(E.logsumexp(a, 1)), [leaf([3, 4], 36)], TIGHT);
    checkGradient((a) => proj(E.variance(a, 1)), [leaf([3, 4], 37)], TIGHT);
    checkGradient((a) => proj(E.std(a, 0, true)), [leaf([3, 4], 38)], TIGHT);
    checkGradient((a) => proj(E.amax(a, 1)), [leaf([3, 4], 39)], TIGHT);
    checkGradient((a) => E.maxDim(a, 0).values.sum(), [leaf([3, 4], 40)], TIGHT);
  });
});

// ---------------------------------------------------------------------------------------------
describe('gradcheck: shape operations', () => {
  test('reshape, view, permute, transpose, flatten', () => {
    checkGradient((a) => proj(a.reshape([3, 2]).mul(a.reshape([3, 2]))), [leaf([2, 3], 41)], TIGHT);
    checkGradient((a) => proj(a.view([6])), [leaf([2, 3], 42)], TIGHT);
    checkGradient((a) => proj(a.permute([2, 0, 1]).contiguous()), [leaf([2, 3, 4], 43)], TIGHT);
    checkGradient((a) => proj(a.transpose(0, 1)), [leaf([2, 3], 44)], TIGHT);
    checkGradient((a) => proj(a.flatten(1).unsqueeze(0).squeeze(0)), [leaf([2, 2, 2], 45)], TIGHT);
  });

  test('narrow, select, expand', () => {
    checkGradient((a) => proj(a.narrow(1, 1, 2)), [leaf([3, 4], 46)], TIGHT);
    checkGradient((a) => proj(E.select(a, 0, 2)), [leaf([3, 4], 47)], TIGHT);
    checkGradient((a) => proj(a.expand([4, 3])), [leaf([1, 3], 48)], TIGHT);
  });

  test('cat and stack route gradients to each input', () => {
    checkGradient((a, b) => proj(E.cat([a, b], 1)), [leaf([2, 3], 49), leaf([2, 1], 50)], TIGHT);
    checkGradient((a, b) => proj(E.stack([a, b], 0)), [leaf([3], 51), leaf([3], 52)], TIGHT);
  });

  test('indexSelect accumulates into repeated indices', () => {
    const index = i64([2, 0, 2, 2]);
    const x = leaf([3, 2], 53);
    const analytic = checkGradient((a) => a.indexSelect(0, index).sum(), [x], TIGHT)[0]!;
    // row 2 was selected three times, row 0 once, row 1 never
    assertClose(analytic, [1, 1, 0, 0, 3, 3], TIGHT);
    checkGradient((a) => proj(a.indexSelect(1, i64([1, 1, 0]))), [leaf([2, 3], 54)], TIGHT);
  });
});

// ---------------------------------------------------------------------------------------------
describe('gradcheck: dense and convolution layers', () => {
  test('matmul (2-d, matrix-vector, batched) and mm', () => {
    checkGradient((a, b) => proj(a.matmul(b)), [leaf([3, 4], 60), leaf([4, 2], 61)], TIGHT);
    checkGradient((a, b) => proj(a.matmul(b)), [leaf([3, 4], 62), leaf([4], 63)], TIGHT);
    checkGradient((a, b) => proj(a.matmul(b)), [leaf([2, 3, 4], 64), leaf([4, 2], 65)], TIGHT);
    checkGradient((a, b) => proj(E.mm(a, b)), [leaf([2, 3], 66), leaf([3, 2], 67)], TIGHT);
  });

  test('linear with and without bias', () => {
    checkGradient((x, w, b) => proj(E.linear(x, w, b)), [leaf([4, 3], 68), leaf([2, 3], 69), leaf([2], 70)], TIGHT);
    checkGradient((x, w) => proj(E.linear(x, w)), [leaf([2, 5], 71), leaf([3, 5], 72)], TIGHT);
  });

  test('conv2d with stride 2, padding 1, groups 2 and bias', () => {
    checkGradient(
      (x, w, b) => proj(E.conv2d(x, w, b, { stride: 2, padding: 1, groups: 2 })),
      [leaf([2, 4, 5, 5], 73), leaf([6, 2, 3, 3], 74), leaf([6], 75)],
      TIGHT,
    );
  });

  test('conv2d with dilation and asymmetric stride, no bias', () => {
    checkGradient((x, w) => proj(E.conv2d(x, w, null, { stride: [1, 2], dilation: 2, padding: [1, 0] })), [leaf([1, 2, 5, 6], 76), leaf([3, 2, 2, 2], 77)], TIGHT);
  });
});

// ---------------------------------------------------------------------------------------------
describe('gradcheck: normalisation, pooling, softmax, losses', () => {
  test('batchNorm in training (input, weight and bias)', () => {
    checkGradient(
      (x, w, b) => proj(E.batchNorm(x, { weight: w, bias: b, training: true })),
      [leaf([4, 3, 2, 2], 80, { scale: 2, shift: 1 }), leaf([3], 81, { shift: 1 }), leaf([3], 82)],
      TIGHT,
    );
    // 2-d input
    checkGradient((x) => proj(E.batchNorm(x, { training: true })), [leaf([5, 2], 83)], TIGHT);
  });

  test('batchNorm in eval is affine in x', () => {
    const rm = E.tensor(new Float64Array([0.5, -1]));
    const rv = E.tensor(new Float64Array([2, 0.5]));
    checkGradient((x, w) => proj(E.batchNorm(x, { weight: w, runningMean: rm, runningVar: rv, training: false })), [leaf([3, 2], 84), leaf([2], 85)], TIGHT);
  });

  test('maxPool2d (disjoint and overlapping windows)', () => {
    checkGradient((x) => proj(E.maxPool2d(x, 2)), [leaf([1, 2, 4, 4], 86)], TIGHT);
    checkGradient((x) => proj(E.maxPool2d(x, 3, { stride: 1, padding: 1 })), [leaf([2, 1, 4, 4], 87)], TIGHT);
  });

  test('avgPool2d and adaptiveAvgPool2d', () => {
    checkGradient((x) => proj(E.avgPool2d(x, 2)), [leaf([1, 2, 4, 4], 88)], TIGHT);
    checkGradient((x) => proj(E.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })), [leaf([1, 2, 5, 5], 89)], TIGHT);
    checkGradient((x) => proj(E.adaptiveAvgPool2d(x, 3)), [leaf([1, 2, 5, 5], 90)], TIGHT);
    checkGradient((x) => proj(E.adaptiveAvgPool2d(x, 1)), [leaf([2, 3, 3, 3], 91)], TIGHT);
  });

  test('logSoftmax and softmax', () => {
    checkGradient((x) => proj(x.logSoftmax(1)), [leaf([3, 5], 92)], TIGHT);
    checkGradient((x) => proj(x.logSoftmax(0)), [leaf([3, 5], 93)], TIGHT);
    checkGradient((x) => proj(x.softmax(-1)), [leaf([2, 4], 94)], TIGHT);
  });

  test('crossEntropy (mean, sum, none, weights, label smoothing) and nllLoss', () => {
    const target = i64([0, 3, 1, 3]);
    checkGradient((x) => E.crossEntropy(x, target), [leaf([4, 5], 95)], TIGHT);
    checkGradient((x) => E.crossEntropy(x, target, { reduction: 'sum' }), [leaf([4, 5], 96)], TIGHT);
    checkGradient((x) => proj(E.crossEntropy(x, target, { reduction: 'none' })), [leaf([4, 5], 97)], TIGHT);
    const weight = E.tensor(new Float64Array([1, 2, 0.5, 1.5, 1]));
    checkGradient((x) => E.crossEntropy(x, target, { weight, labelSmoothing: 0.1 }), [leaf([4, 5], 98)], TIGHT);
    checkGradient((x) => E.nllLoss(x.logSoftmax(1), target), [leaf([4, 5], 99)], TIGHT);
  });

  test('crossEntropy gradient equals (softmax - onehot) / N', () => {
    const x = E.tensor(new Float64Array([1, 2, 3, 1, 1, 1]), { shape: [2, 3] }).requireGrad();
    E.crossEntropy(x, i64([2, 0])).backward();
    const p0 = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219];
    assertClose(x.grad!, [[p0[0]! / 2, p0[1]! / 2, (p0[2]! - 1) / 2], [(1 / 3 - 1) / 2, 1 / 6, 1 / 6]], TIGHT);
  });

  test('a small MLP end to end (linear -> relu -> linear -> crossEntropy)', () => {
    const x = E.tensor(new Float64Array([0.5, -1, 2, 0.1, 1.5, -0.3]), { shape: [2, 3] });
    const target = i64([1, 0]);
    checkGradient(
      (w1, b1, w2) => E.crossEntropy(E.linear(E.linear(x, w1, b1).tanh(), w2), target),
      [leaf([4, 3], 100), leaf([4], 101), leaf([2, 4], 102)],
      TIGHT,
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('autograd semantics', () => {
  test('requiresGrad flags propagate through ops', () => {
    const a = E.tensor([1, 2, 3]);
    assert.equal(a.requiresGrad, false);
    assert.equal(a.mul(2).requiresGrad, false);
    const x = E.tensor([1, 2, 3]).requireGrad();
    assert.equal(x.requiresGrad, true);
    assert.equal(x.mul(a).requiresGrad, true);
    assert.equal(a.add(x).sum().requiresGrad, true);
    assert.equal(E.ones([2], { requiresGrad: true }).requiresGrad, true);
    assert.equal(E.randn([2], { requiresGrad: true }).requiresGrad, true);
    x.requiresGrad = false;
    assert.equal(x.requiresGrad, false);
    assert.equal(x.mul(2).requiresGrad, false);
    // only floating tensors can require grad
    assert.throws(() => E.arange(3).requireGrad());
  });

  test('isLeaf', () => {
    const a = E.tensor([1, 2]);
    assert.equal(a.isLeaf, true);
    assert.equal(a.mul(2).isLeaf, true); // no history: a leaf
    const x = E.tensor([1, 2]).requireGrad();
    assert.equal(x.isLeaf, true);
    const y = x.mul(2);
    assert.equal(y.isLeaf, false);
    assert.equal(y.detach().isLeaf, true);
  });

  test('grad is null before backward and holds dL/dx after', () => {
    const x = E.tensor(new Float64Array([1, -2, 3])).requireGrad();
    assert.equal(gradOf(x), null);
    const y = x.mul(x).sum();
    y.backward();
    const g = x.grad;
    assert.ok(g !== null);
    assert.equal(g.dtype, 'float64');
    assertClose(g, [2, -4, 6], TIGHT);
  });

  test('gradients accumulate over two backward calls; zeroGrad resets to null', () => {
    const x = E.tensor(new Float64Array([1, 2])).requireGrad();
    x.mul(x).sum().backward();
    x.mul(3).sum().backward();
    assertClose(x.grad!, [2 + 3, 4 + 3], TIGHT);
    x.zeroGrad();
    assert.equal(gradOf(x), null);
    x.mul(5).sum().backward();
    assertClose(x.grad!, [5, 5], TIGHT);
  });

  test('grad can be assigned and cleared', () => {
    const x = E.tensor([1, 2]).requireGrad();
    x.grad = E.tensor([0.5, 0.25]);
    assertClose(x.grad!, [0.5, 0.25], TIGHT);
    x.mul(2).sum().backward();
    assertClose(x.grad!, [2.5, 2.25], TIGHT);
    x.grad = null;
    assert.equal(gradOf(x), null);
  });

  test('float32 gradients match to a loose tolerance', () => {
    const x = E.tensor([0.3, -1.2, 2.5]).requireGrad();
    x.tanh().mul(x).sum().backward();
    const expected = [0.3, -1.2, 2.5].map((v) => Math.tanh(v) + v * (1 - Math.tanh(v) ** 2));
    assert.equal(x.grad!.dtype, 'float32');
    assertClose(x.grad!, expected, LOOSE);
  });

  test('detach cuts the graph and shares the data', () => {
    const x = E.tensor(new Float64Array([1, 2, 3])).requireGrad();
    const d = x.detach();
    assert.equal(d.requiresGrad, false);
    x.detach().mul(x).sum().backward(); // d/dx (c * x) with c = x held constant
    assertClose(x.grad!, [1, 2, 3], TIGHT);
    // everything behind the detach point receives nothing
    const w = E.tensor(new Float64Array([2])).requireGrad();
    const h = x.mul(w).detach().requireGrad();
    h.sum().backward();
    assert.equal(gradOf(w), null);
    assertClose(h.grad!, [1, 1, 1], TIGHT);
    E.noGrad(() => d.fill_(7));
    assertClose(x, [7, 7, 7], TIGHT);
  });

  test('noGrad: no history inside, the callback value is returned, grad mode is restored', () => {
    const x = E.tensor([1, 2]).requireGrad();
    assert.equal(E.isGradEnabled(), true);
    const y = E.noGrad(() => {
      assert.equal(E.isGradEnabled(), false);
      return x.mul(2);
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(y.isLeaf, true);
    assertClose(y, [2, 4], TIGHT);
    assert.equal(E.isGradEnabled(), true);
    assert.equal(x.mul(2).requiresGrad, true);
    // nested noGrad restores the outer (disabled) mode, then the enabled one
    E.noGrad(() => {
      E.noGrad(() => undefined);
      assert.equal(E.isGradEnabled(), false);
    });
    assert.equal(E.isGradEnabled(), true);
  });

  test('noGrad restores grad mode when the callback throws', () => {
    assert.throws(
      () =>
        E.noGrad(() => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(E.isGradEnabled(), true);
    const x = E.tensor([1]).requireGrad();
    assert.equal(x.mul(2).requiresGrad, true);
    // a libtorch error inside noGrad, too
    assert.throws(() => E.noGrad(() => E.tensor([1, 2]).add(E.tensor([1, 2, 3]))), E.TorchError);
    assert.equal(E.isGradEnabled(), true);
  });

  test(
    'noGrad rejects an async callback and still restores grad mode',
    () => {
      try {
        assert.throws(() => E.noGrad(async () => 1), /synchronous/);
        assert.equal(E.isGradEnabled(), true);
      } finally {
        // never leak disabled grad mode into later tests (the public API cannot undo the leak)
        native.setGradEnabled(true);
      }
    },
  );

  test('enableGrad inside noGrad records history; the outer mode comes back afterwards', () => {
    const x = E.tensor([1, 2]).requireGrad();
    const z = E.noGrad(() => {
      const inner = E.enableGrad(() => {
        assert.equal(E.isGradEnabled(), true);
        return x.mul(3);
      });
      assert.equal(E.isGradEnabled(), false);
      assert.equal(x.mul(3).requiresGrad, false);
      return inner;
    });
    assert.equal(z.requiresGrad, true);
    z.sum().backward();
    assertClose(x.grad!, [3, 3], TIGHT);
    assert.equal(E.isGradEnabled(), true);
  });

  test('backward(gradient) on a non-scalar output', () => {
    const x = E.tensor(new Float64Array([1, 2, 3])).requireGrad();
    const y = x.mul(x); // dy_i/dx_i = 2 x_i
    y.backward(E.tensor(new Float64Array([1, 0.5, -2])));
    assertClose(x.grad!, [2, 2, -12], TIGHT);
    // without a gradient, a non-scalar backward is an error
    assert.throws(() => x.mul(2).backward());
  });

  test('retainGrad keeps the gradient of a non-leaf', () => {
    const x = E.tensor(new Float64Array([1, -1, 2])).requireGrad();
    const h = x.mul(2).retainGrad();
    const other = x.mul(2); // not retained
    h.pow(2).sum().add(other.sum()).backward();
    assertClose(h.grad!, [4, -4, 8], TIGHT); // d(h^2)/dh = 2h
    assert.equal(gradOf(other), null);
    assertClose(x.grad!, [8 + 2, -8 + 2, 16 + 2], TIGHT); // 2 * 2h + 2
  });

  test('backward twice needs retainGraph', () => {
    const x = E.tensor(new Float64Array([1, 2])).requireGrad();
    const y = x.exp().sum(); // exp saves its output for backward
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assertClose(x.grad!, [2 * Math.E, 2 * Math.exp(2)], TIGHT);
    // the graph is now freed: a third backward fails
    assert.throws(() => y.backward());
    // and without retainGraph the second call fails straight away
    const x2 = E.tensor(new Float64Array([1, 2])).requireGrad();
    const y2 = x2.exp().sum();
    y2.backward();
    assert.throws(() => y2.backward());
  });

  test('backward on a tensor that does not require grad is an error', () => {
    assert.throws(() => E.tensor([1, 2]).sum().backward());
  });

  test('in-place ops on a leaf that requires grad fail, but work under noGrad (optimiser step)', () => {
    const w = E.tensor(new Float64Array([1, 2])).requireGrad();
    assert.throws(() => w.add_(1), E.TorchError);
    w.mul(w).sum().backward();
    E.noGrad(() => {
      E.add_(w, w.grad!, -0.1); // SGD step
    });
    assertClose(w, [0.8, 1.6], TIGHT);
    assert.equal(w.requiresGrad, true);
    assert.equal(w.isLeaf, true);
  });

  test('modifying a saved tensor in place makes backward fail (version counter)', () => {
    const x = E.tensor(new Float64Array([1, 2])).requireGrad();
    const h = x.mul(1);
    const y = h.exp(); // saves its output
    y.mul_(2);
    assert.throws(() => y.sum().backward());
  });
});
