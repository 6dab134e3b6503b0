// Engine operators against known values: hand-computed results, or what PyTorch 1.13 gives for the
// same simple inputs. float32 results are compared loosely, float64 results tightly.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { Tensor } from '../../src/engine/index.js';
import { assertClose, flat } from '../helpers/check.js';

const F32 = { atol: 1e-5, rtol: 1e-5 };
const F64 = { atol: 1e-6, rtol: 0 };
const EXACT = { atol: 0, rtol: 0 };

const f64 = (values: number[], shape?: number[]): Tensor => E.tensor(Float64Array.from(values), shape === undefined ? {} : { shape });
const i64 = (values: number[], shape?: number[]): Tensor => E.tensor(values, { dtype: 'int64', ...(shape === undefined ? {} : { shape }) });
const shapeOf = (t: Tensor): number[] => [...t.shape];
const meanOf = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
const varOf = (xs: ArrayLike<number>): number => {
  const m = meanOf(xs);
  return Array.from(xs).reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
};

// ---------------------------------------------------------------------------------------------
describe('creation', () => {
  test('zeros, ones and full with dtype, shape and inferred dtypes', () => {
    const z = E.zeros([2, 3]);
    assert.equal(z.dtype, 'float32');
    assert.deepEqual(shapeOf(z), [2, 3]);
    assert.equal(z.numel, 6);
    assert.equal(z.ndim, 2);
    assertClose(z, [[0, 0, 0], [0, 0, 0]], EXACT);

    const o = E.ones([4], { dtype: 'float64' });
    assert.equal(o.dtype, 'float64');
    assert.ok(o.data() instanceof Float64Array);
    assertClose(o, [1, 1, 1, 1], EXACT);

    const oi = E.ones([2], { dtype: 'int32' });
    assert.equal(oi.dtype, 'int32');
    assert.ok(oi.data() instanceof Int32Array);

    // torch.full infers int64 from an integer fill value, float32 from a float one and bool from a bool.
    const fi = E.full([2, 2], 7);
    assert.equal(fi.dtype, 'int64');
    assertClose(fi, [[7, 7], [7, 7]], EXACT);
    const ff = E.full([3], 2.5);
    assert.equal(ff.dtype, 'float32');
    assertClose(ff, [2.5, 2.5, 2.5], EXACT);
    assert.equal(E.full([1], true).dtype, 'bool');
    assert.equal(E.full([2], 7, { dtype: 'float64' }).dtype, 'float64');

    const scalar = E.zeros([]);
    assert.deepEqual(shapeOf(scalar), []);
    assert.equal(scalar.numel, 1);
    assert.equal(E.zeros([0, 3]).numel, 0);

    assert.throws(() => E.zeros([2, -1]), TypeError);
    assert.throws(() => E.ones([1.5]), TypeError);
  });

  test('*Like creation keeps shape and dtype', () => {
    const src = E.ones([2, 3], { dtype: 'float64' });
    const z = E.zerosLike(src);
    assert.deepEqual(shapeOf(z), [2, 3]);
    assert.equal(z.dtype, 'float64');
    assertClose(z, [0, 0, 0, 0, 0, 0], EXACT);
    assertClose(E.onesLike(src, { dtype: 'int32' }), [1, 1, 1, 1, 1, 1], EXACT);
    assert.equal(E.onesLike(src, { dtype: 'int32' }).dtype, 'int32');
    assertClose(E.fullLike(src, -3), [-3, -3, -3, -3, -3, -3], EXACT);
    const r = E.randLike(src);
    assert.equal(r.dtype, 'float64');
    assert.ok(r.toArray().every((v) => v >= 0 && v < 1));
    assert.deepEqual(shapeOf(E.randnLike(src)), [2, 3]);
  });

  test('arange infers int64 for integer bounds and float32 otherwise', () => {
    const a = E.arange(5);
    assert.equal(a.dtype, 'int64');
    assert.ok(a.data() instanceof BigInt64Array);
    assert.deepEqual(Array.from(a.data<'int64'>()), [0n, 1n, 2n, 3n, 4n]);

    const b = E.arange(1, 7, 2);
    assert.equal(b.dtype, 'int64');
    assertClose(b, [1, 3, 5], EXACT);

    const c = E.arange(0, 1, 0.25);
    assert.equal(c.dtype, 'float32');
    assertClose(c, [0, 0.25, 0.5, 0.75], EXACT);

    const d = E.arange(5, 0, -2);
    assertClose(d, [5, 3, 1], EXACT);

    const e = E.arange(3, undefined, 1, { dtype: 'float64' });
    assert.equal(e.dtype, 'float64');
    assertClose(e, [0, 1, 2], EXACT);

    assert.throws(() => E.arange(0, 5, 0), RangeError);
  });

  test('eye', () => {
    const i = E.eye(3);
    assert.equal(i.dtype, 'float32');
    assertClose(i, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], EXACT);
    assert.equal(E.eye(2, { dtype: 'int64' }).dtype, 'int64');
  });

  test('tensor from nested arrays, typed arrays and booleans', () => {
    const n = E.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.equal(n.dtype, 'float32');
    assert.deepEqual(shapeOf(n), [2, 3]);
    assertClose(n, [[1, 2, 3], [4, 5, 6]], EXACT);

    const n3 = E.tensor([[[1], [2]], [[3], [4]]]);
    assert.deepEqual(shapeOf(n3), [2, 2, 1]);

    const s = E.tensor(3.25);
    assert.deepEqual(shapeOf(s), []);
    assert.equal(s.item(), 3.25);

    const flatShaped = E.tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] });
    assertClose(flatShaped, [[1, 2], [3, 4], [5, 6]], EXACT);

    const f64t = E.tensor(new Float64Array([0.1, 0.2]));
    assert.equal(f64t.dtype, 'float64');
    assert.equal(f64t.data<'float64'>()[0], 0.1); // no float32 round trip

    const i32 = E.tensor(new Int32Array([-1, 2, 3, 4]), { shape: [2, 2] });
    assert.equal(i32.dtype, 'int32');
    assert.deepEqual(shapeOf(i32), [2, 2]);
    assertClose(i32, [[-1, 2], [3, 4]], EXACT);

    const big = E.tensor(new BigInt64Array([9007199254740993n, -5n]));
    assert.equal(big.dtype, 'int64');
    assert.equal(big.data<'int64'>()[0], 9007199254740993n); // beyond 2^53: exact as BigInt

    const u8 = E.tensor(new Uint8Array([0, 255]));
    assert.equal(u8.dtype, 'uint8');
    assertClose(u8, [0, 255], EXACT);

    const b = E.tensor([true, false, true]);
    assert.equal(b.dtype, 'bool');
    assert.ok(b.data() instanceof Uint8Array);
    assert.deepEqual(Array.from(b.data<'bool'>()), [1, 0, 1]);

    // A dtype override converts (float -> int64 truncates towards zero, like torch.tensor(..., dtype=long)).
    const conv = E.tensor([1.7, -2.7], { dtype: 'int64' });
    assert.equal(conv.dtype, 'int64');
    assert.deepEqual(Array.from(conv.data<'int64'>()), [1n, -2n]);
    const conv2 = E.tensor(new Float32Array([1.5, 2.5]), { dtype: 'float64' });
    assert.equal(conv2.dtype, 'float64');
    assertClose(conv2, [1.5, 2.5], EXACT);

    // The copy is independent of the source array.
    const src = new Float32Array([1, 2]);
    const copy = E.tensor(src);
    src[0] = 100;
    assertClose(copy, [1, 2], EXACT);

    assert.throws(() => E.tensor([1, 2, 3], { shape: [2, 2] }), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('seeded generator', () => {
  test('manualSeed(0) then randn([3]) matches PyTorch exactly', () => {
    E.manualSeed(0);
    const r = E.randn([3]);
    assert.equal(r.dtype, 'float32');
    assert.deepEqual(Array.from(r.data<'float32'>()), [1.5409960746765137, -0.293428897857666, -2.1787893772125244]);
  });

  test('manualSeed(0) then rand([2, 3]) and randint(0, 10, [5]) match PyTorch', () => {
    E.manualSeed(0);
    assertClose(
      E.rand([2, 3]),
      [[0.49625658988952637, 0.7682217955589294, 0.08847743272781372], [0.13203048706054688, 0.30742281675338745, 0.6340786814689636]],
      EXACT,
    );
    E.manualSeed(0);
    const ri = E.randint(0, 10, [5]);
    assert.equal(ri.dtype, 'int64');
    assertClose(ri, [4, 9, 3, 0, 3], EXACT);
  });

  test('the same seed gives identical rand / randint / bernoulli / randn draws; a different seed does not', () => {
    const draw = (seed: number): number[][] => {
      E.manualSeed(seed);
      return [E.rand([50]).toArray(), E.randint(-5, 5, [50]).toArray(), E.bernoulli([50], 0.5).toArray(), E.randn([50]).toArray()];
    };
    const a = draw(1234);
    const b = draw(1234);
    assert.deepEqual(a, b);
    const c = draw(1235);
    assert.notDeepEqual(a[0], c[0]);
    assert.notDeepEqual(a[3], c[3]);
  });

  test('getRngState / setRngState replay the stream', () => {
    E.manualSeed(7);
    E.rand([3]);
    const state = E.getRngState();
    assert.equal(state.dtype, 'uint8');
    const first = E.randn([10]).toArray();
    const second = E.randn([10]).toArray();
    assert.notDeepEqual(first, second);
    E.setRngState(state);
    assert.deepEqual(E.randn([10]).toArray(), first);
  });

  test('rand, randint, randn ranges and moments', () => {
    E.manualSeed(42);
    const u = E.rand([20000]).toArray();
    assert.ok(u.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(meanOf(u) - 0.5) < 0.01, `rand mean ${meanOf(u)}`);

    const ri = E.randint(3, 7, [2000]);
    assert.equal(ri.dtype, 'int64');
    const values = ri.toArray();
    assert.ok(values.every((v) => Number.isInteger(v) && v >= 3 && v < 7));
    assert.deepEqual([...new Set(values)].sort(), [3, 4, 5, 6]);
    assert.equal(E.randint(0, 4, [3], { dtype: 'int32' }).dtype, 'int32');
    assert.throws(() => E.randint(5, 5, [2]), RangeError);

    const n = E.randn([20000], { dtype: 'float64' }).toArray();
    assert.ok(Math.abs(meanOf(n)) < 0.03, `randn mean ${meanOf(n)}`);
    assert.ok(Math.abs(Math.sqrt(varOf(n)) - 1) < 0.03, `randn std ${Math.sqrt(varOf(n))}`);
  });

  test('bernoulli: mean near p, 0/1 values, probability tensors', () => {
    E.manualSeed(3);
    const b = E.bernoulli([20000], 0.3);
    assert.equal(b.dtype, 'float32');
    const v = b.toArray();
    assert.ok(v.every((x) => x === 0 || x === 1));
    assert.ok(Math.abs(meanOf(v) - 0.3) < 0.015, `bernoulli mean ${meanOf(v)}`);

    assertClose(E.bernoulli([100], 0), new Array(100).fill(0), EXACT);
    assertClose(E.bernoulli([100], 1), new Array(100).fill(1), EXACT);

    const probs = E.tensor([0, 1, 0, 1, 1]);
    assertClose(E.bernoulli(probs), [0, 1, 0, 1, 1], EXACT);

    assert.throws(() => E.bernoulli([3], 1.5), RangeError);
    assert.throws(() => E.bernoulli([3], -0.1), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('elementwise arithmetic', () => {
  const a = (): Tensor => E.tensor([[1, 2, 3], [4, 5, 6]]);

  test('scalars', () => {
    assertClose(a().add(1), [[2, 3, 4], [5, 6, 7]], F32);
    assertClose(a().sub(0.5), [[0.5, 1.5, 2.5], [3.5, 4.5, 5.5]], F32);
    assertClose(a().mul(-2), [[-2, -4, -6], [-8, -10, -12]], F32);
    assertClose(a().div(4), [[0.25, 0.5, 0.75], [1, 1.25, 1.5]], F32);
    assertClose(a().pow(2), [[1, 4, 9], [16, 25, 36]], F32);
    assertClose(a().pow(0.5), [[1, Math.SQRT2, Math.sqrt(3)], [2, Math.sqrt(5), Math.sqrt(6)]], F32);
    assertClose(a().add(10, 2), [[21, 22, 23], [24, 25, 26]], F32); // a + alpha * 10
  });

  test('broadcasting tensors', () => {
    const row = E.tensor([10, 20, 30]);
    const col = E.tensor([[1], [2]]);
    assertClose(a().add(row), [[11, 22, 33], [14, 25, 36]], F32);
    assertClose(a().sub(row, 2), [[-19, -38, -57], [-16, -35, -54]], F32);
    assertClose(a().mul(col), [[1, 2, 3], [8, 10, 12]], F32);
    assertClose(a().div(col), [[1, 2, 3], [2, 2.5, 3]], F32);
    const outer = col.mul(E.tensor([1, 2, 3]));
    assert.deepEqual(shapeOf(outer), [2, 3]);
    assertClose(outer, [[1, 2, 3], [2, 4, 6]], F32);
    assertClose(E.tensor([2, 3]).pow(E.tensor([3, 2])), [8, 9], F32);
    assertClose(E.tensor(5).mul(a()), [[5, 10, 15], [20, 25, 30]], F32);
    assert.throws(() => a().add(E.tensor([1, 2])), E.TorchError);
  });

  test('a TorchError names the operator', () => {
    try {
      a().add(E.tensor([1, 2]));
      assert.fail('expected a TorchError');
    } catch (error) {
      assert.ok(error instanceof E.TorchError);
      assert.equal(error.op, 'aten::add.Tensor');
      assert.match(error.message, /^aten::add\.Tensor: /);
    }
  });

  test('integer dtypes are preserved; true division and float scalars promote', () => {
    const n = E.arange(4);
    const p1 = n.add(1);
    assert.equal(p1.dtype, 'int64');
    assertClose(p1, [1, 2, 3, 4], EXACT);
    assert.equal(n.mul(3).dtype, 'int64');
    assert.equal(n.sub(n).dtype, 'int64');
    assert.equal(n.add(n).dtype, 'int64');

    const d = n.div(2);
    assert.equal(d.dtype, 'float32');
    assertClose(d, [0, 0.5, 1, 1.5], F32);
    const dd = E.tensor([7, 8], { dtype: 'int64' }).div(E.tensor([2, 3], { dtype: 'int64' }));
    assert.equal(dd.dtype, 'float32');
    assertClose(dd, [3.5, 8 / 3], F32);

    const f = n.add(0.5);
    assert.equal(f.dtype, 'float32');
    assertClose(f, [0.5, 1.5, 2.5, 3.5], F32);

    const i32 = E.tensor(new Int32Array([1, 2]));
    assert.equal(i32.add(1).dtype, 'int32');
    assert.equal(i32.add(E.tensor([1, 1], { dtype: 'int64' })).dtype, 'int64');
    assert.equal(E.tensor([1, 2]).add(E.tensor([1, 2], { dtype: 'int64' })).dtype, 'float32');
    assert.equal(E.tensor([1, 2]).add(f64([1, 2])).dtype, 'float64');
    assert.equal(f64([1]).mul(2).dtype, 'float64');
  });

  test('unary functions', () => {
    const x = E.tensor([-2, -0.5, 0, 1.5]);
    assertClose(x.neg(), [2, 0.5, 0, -1.5], F32);
    assertClose(x.abs(), [2, 0.5, 0, 1.5], F32);
    assertClose(x.relu(), [0, 0, 0, 1.5], F32);
    assertClose(E.sign(x), [-1, -1, 0, 1], F32);
    assertClose(E.square(x), [4, 0.25, 0, 2.25], F32);
    assertClose(E.exp(E.tensor([0, 1, -1])), [1, Math.E, 1 / Math.E], F32);
    assertClose(E.tensor([1, Math.E, 0.5]).log(), [0, 1, -Math.LN2], F32);
    assertClose(E.tensor([4, 2, 0]).sqrt(), [2, Math.SQRT2, 0], F32);
    assertClose(E.rsqrt(E.tensor([4, 0.25])), [0.5, 2], F32);
    assertClose(E.tensor([0, 2, -2]).sigmoid(), [0.5, 0.8807970779778823, 0.11920292202211755], F32);
    assertClose(E.tensor([0, 1, -1]).tanh(), [0, 0.7615941559557649, -0.7615941559557649], F32);
    // IEEE edge cases as in PyTorch.
    assertClose(E.tensor([0, -1]).log(), [-Infinity, NaN], EXACT);
    assertClose(E.tensor([-1]).sqrt(), [NaN], EXACT);
    // float64 keeps full precision
    assertClose(f64([1]).exp(), [Math.E], { atol: 1e-15 });
    assertClose(E.logicalNot(E.tensor([true, false])), [0, 1], EXACT);
    assert.equal(E.logicalNot(E.tensor([true, false])).dtype, 'bool');
  });

  test('comparisons give bool tensors', () => {
    const x = E.tensor([1, 2, 3]);
    const y = E.tensor([3, 2, 1]);
    const cases: [Tensor, number[]][] = [
      [x.eq(y), [0, 1, 0]],
      [x.ne(y), [1, 0, 1]],
      [x.lt(y), [1, 0, 0]],
      [x.le(y), [1, 1, 0]],
      [x.gt(y), [0, 0, 1]],
      [x.ge(y), [0, 1, 1]],
      [x.gt(1.5), [0, 1, 1]],
      [x.eq(2), [0, 1, 0]],
      [x.le(2), [1, 1, 0]],
    ];
    for (const [result, expected] of cases) {
      assert.equal(result.dtype, 'bool');
      assert.ok(result.data() instanceof Uint8Array);
      assert.deepEqual(Array.from(result.data<'bool'>()), expected);
    }
    // Broadcasting comparison
    const m = E.tensor([[1], [3]]).gt(E.tensor([0, 2, 4]));
    assert.deepEqual(shapeOf(m), [2, 3]);
    assertClose(m, [[1, 0, 0], [1, 1, 0]], EXACT);
    assertClose(E.logicalAnd(E.tensor([true, true, false]), E.tensor([true, false, false])), [1, 0, 0], EXACT);
    assertClose(E.logicalOr(E.tensor([true, true, false]), E.tensor([true, false, false])), [1, 1, 0], EXACT);
    assert.equal(E.all(E.tensor([true, true, false])).item(), 0);
    assert.equal(E.all(E.tensor([true, true])).item(), 1);
    assert.equal(E.any(E.tensor([false, true])).item(), 1);
    assert.equal(E.any(E.tensor([false, false])).item(), 0);
  });

  test('where with tensors and scalars', () => {
    const cond = E.tensor([true, false, true]);
    const x = E.tensor([1, 2, 3]);
    const y = E.tensor([10, 20, 30]);
    assertClose(E.where(cond, x, y), [1, 20, 3], F32);
    assertClose(E.where(cond, 0, x), [0, 2, 0], F32);
    assertClose(E.where(cond, x, -1), [1, -1, 3], F32);
    assertClose(E.where(cond, 1.5, 0.5), [1.5, 0.5, 1.5], F32);
    // broadcast condition [2,1] against [3]
    const b = E.where(E.tensor([[true], [false]]), x, y);
    assert.deepEqual(shapeOf(b), [2, 3]);
    assertClose(b, [[1, 2, 3], [10, 20, 30]], F32);
    // using a comparison as the condition
    assertClose(E.where(x.gt(1.5), x, E.zerosLike(x)), [0, 2, 3], F32);
  });

  test('clamp, maximum, minimum', () => {
    const x = E.tensor([-2, -0.5, 0.5, 2]);
    assertClose(x.clamp(-1, 1), [-1, -0.5, 0.5, 1], F32);
    assertClose(x.clamp(0), [0, 0, 0.5, 2], F32);
    assertClose(x.clamp(null, 0), [-2, -0.5, 0, 0], F32);
    assertClose(E.clamp(x, E.zerosLike(x), null), [0, 0, 0.5, 2], F32);
    assertClose(E.clamp(x, E.tensor([-1, -1, 1, 1]), E.tensor([1, 1, 1.5, 1.5])), [-1, -0.5, 1, 1.5], F32);
    assert.throws(() => x.clamp(null, null), TypeError);
    assertClose(E.maximum(E.tensor([1, 5, 3]), E.tensor([4, 2, 6])), [4, 5, 6], F32);
    assertClose(E.minimum(E.tensor([1, 5, 3]), E.tensor([4, 2, 6])), [1, 2, 3], F32);
  });
});

// ---------------------------------------------------------------------------------------------
describe('reductions', () => {
  const a = (): Tensor => E.tensor([[1, 2, 3], [4, 5, 6]]);
  const b = (): Tensor => E.tensor([[1, 7, 3], [9, 2, 5]]);

  test('sum and mean over all, one and several dims, with keepDim', () => {
    const s = a().sum();
    assert.deepEqual(shapeOf(s), []);
    assert.equal(s.item(), 21);
    assertClose(a().sum(0), [5, 7, 9], F32);
    assertClose(a().sum(1), [6, 15], F32);
    assertClose(a().sum(-1), [6, 15], F32);
    const sk = a().sum(1, true);
    assert.deepEqual(shapeOf(sk), [2, 1]);
    assertClose(sk, [[6], [15]], F32);
    assertClose(a().sum([0, 1]), [21], F32);
    assert.deepEqual(shapeOf(a().sum([0, 1], true)), [1, 1]);

    assertClose(a().mean(), [3.5], F32);
    assertClose(a().mean(0), [2.5, 3.5, 4.5], F32);
    const mk = a().mean(1, true);
    assert.deepEqual(shapeOf(mk), [2, 1]);
    assertClose(mk, [[2], [5]], F32);

    // Integer sums stay int64; mean of an integer tensor is an error in PyTorch.
    const si = E.arange(5).sum();
    assert.equal(si.dtype, 'int64');
    assert.equal(si.item(), 10);
    assert.throws(() => E.arange(5).mean(), E.TorchError);
  });

  test('max/min, maxDim/minDim, argmax/argmin, amax/amin', () => {
    assert.equal(b().max().item(), 9);
    assert.equal(b().min().item(), 1);
    const mx = E.maxDim(b(), 1);
    assertClose(mx.values, [7, 9], F32);
    assert.equal(mx.indices.dtype, 'int64');
    assertClose(mx.indices, [1, 0], EXACT);
    const mx0 = E.maxDim(b(), 0, true);
    assert.deepEqual(shapeOf(mx0.values), [1, 3]);
    assertClose(mx0.values, [[9, 7, 5]], F32);
    assertClose(mx0.indices, [[1, 0, 1]], EXACT);
    const mn = E.minDim(b(), 1);
    assertClose(mn.values, [1, 2], F32);
    assertClose(mn.indices, [0, 1], EXACT);

    const am = b().argmax();
    assert.equal(am.dtype, 'int64');
    assert.equal(am.item(), 3);
    assertClose(b().argmax(1), [1, 0], EXACT);
    assertClose(b().argmax(0), [1, 0, 1], EXACT);
    assert.deepEqual(shapeOf(b().argmax(1, true)), [2, 1]);
    assertClose(E.argmin(b(), 1), [0, 1], EXACT);
    assert.equal(E.argmin(b()).item(), 0);

    assertClose(E.amax(b(), 0), [9, 7, 5], F32);
    assertClose(E.amin(b(), 1), [1, 2], F32);
    assertClose(E.amax(b(), [0, 1]), [9], F32);
    assert.deepEqual(shapeOf(E.amax(b(), 1, true)), [2, 1]);
  });

  test('logsumexp', () => {
    assertClose(E.logsumexp(E.tensor([0, Math.log(3)]), 0), [Math.log(4)], F32);
    assertClose(E.logsumexp(E.tensor([[1, 2, 3], [0, 0, 0]]), 1), [3.4076059644443806, Math.log(3)], F32);
    // numerically stable: exp(1000) overflows, the result does not
    assertClose(E.logsumexp(f64([1000, 1000]), 0), [1000 + Math.LN2], F64);
    assert.deepEqual(shapeOf(E.logsumexp(E.ones([2, 3]), 1, true)), [2, 1]);
  });

  test('variance and std (unbiased by default, correction 0 optional)', () => {
    const x = E.tensor([1, 2, 3, 4]);
    assertClose(E.variance(x), [5 / 3], F32);
    assertClose(E.variance(x, undefined, false, 0), [1.25], F32);
    assertClose(E.std(x), [Math.sqrt(5 / 3)], F32);
    assertClose(E.std(x, 0, false, 0), [Math.sqrt(1.25)], F32);
    assertClose(E.variance(b(), 1), [28 / 3, 37 / 3], F32);
    assert.deepEqual(shapeOf(E.variance(b(), 1, true)), [2, 1]);
    assertClose(E.std(b(), 0), [Math.SQRT2 * 4, Math.SQRT2 * 2.5, Math.SQRT2 * 1], F32);
  });
});

// ---------------------------------------------------------------------------------------------
describe('shape operations', () => {
  const a = (): Tensor => E.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]);

  test('reshape and view', () => {
    const r = a().reshape([3, 2]);
    assert.deepEqual(shapeOf(r), [3, 2]);
    assertClose(r, [[0, 1], [2, 3], [4, 5]], EXACT);
    assert.deepEqual(shapeOf(a().reshape([-1])), [6]);
    assert.deepEqual(shapeOf(a().view([1, 6])), [1, 6]);
    assert.deepEqual(shapeOf(a().view([-1, 2])), [3, 2]);
    // view shares storage
    const base = a();
    const v = base.view([6]);
    v.fill_(9);
    assertClose(base, [[9, 9, 9], [9, 9, 9]], EXACT);
    // view of a non-contiguous tensor fails; reshape copies
    assert.throws(() => a().transpose(0, 1).view([6]), E.TorchError);
    assertClose(a().transpose(0, 1).reshape([6]), [0, 3, 1, 4, 2, 5], EXACT);
    assert.throws(() => a().reshape([4, 2]), E.TorchError);
  });

  test('transpose, permute, contiguous and strides', () => {
    const t = a().transpose(0, 1);
    assert.deepEqual(shapeOf(t), [3, 2]);
    assertClose(t, [[0, 3], [1, 4], [2, 5]], EXACT);
    assert.deepEqual(t.strides(), [1, 3]);
    assert.equal(t.isContiguous(), false);
    const c = t.contiguous();
    assert.equal(c.isContiguous(), true);
    assert.deepEqual(c.strides(), [2, 1]);
    assertClose(c, [[0, 3], [1, 4], [2, 5]], EXACT);
    assert.deepEqual(a().strides(), [3, 1]);

    const x = E.arange(24).reshape([2, 3, 4]);
    const p = x.permute([2, 0, 1]);
    assert.deepEqual(shapeOf(p), [4, 2, 3]);
    assert.deepEqual(p.strides(), [1, 12, 4]);
    const expected: number[] = [];
    for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expected.push(i * 12 + j * 4 + k);
    assertClose(p, expected, EXACT);
    assertClose(x.transpose(-1, 0).permute([2, 1, 0]), x, EXACT); // (2,3,4)->(4,3,2)->(2,3,4)
  });

  test('channels_last layout: NHWC strides, same logical values', () => {
    const x = E.arange(24, undefined, 1, { dtype: 'float32' }).reshape([2, 3, 2, 2]);
    assert.equal(x.isContiguous('channels_last'), false);
    const cl = x.contiguous('channels_last');
    assert.deepEqual(shapeOf(cl), [2, 3, 2, 2]);
    assert.equal(cl.isContiguous('channels_last'), true);
    assert.equal(cl.isContiguous(), false);
    // N stride = H*W*C, C stride = 1, H stride = W*C, W stride = C
    assert.deepEqual(cl.strides(), [12, 1, 6, 3]);
    assertClose(cl, x, EXACT);
    // clone preserves the format; contiguous() goes back to NCHW
    assert.equal(E.clone(cl).isContiguous('channels_last'), true);
    const back = cl.contiguous();
    assert.deepEqual(back.strides(), [12, 4, 2, 1]);
    assertClose(back, x, EXACT);
    // a conv on channels_last input gives the same values as on NCHW
    const w = E.ones([1, 3, 2, 2]);
    assertClose(E.conv2d(cl, w), E.conv2d(x, w), F32);
  });

  test('flatten, squeeze, unsqueeze, expand', () => {
    const x = E.zeros([2, 3, 4]);
    assert.deepEqual(shapeOf(x.flatten()), [24]);
    assert.deepEqual(shapeOf(x.flatten(1)), [2, 12]);
    assert.deepEqual(shapeOf(x.flatten(0, 1)), [6, 4]);

    const s = E.zeros([1, 3, 1]);
    assert.deepEqual(shapeOf(s.squeeze()), [3]);
    assert.deepEqual(shapeOf(s.squeeze(0)), [3, 1]);
    assert.deepEqual(shapeOf(s.squeeze(-1)), [1, 3]);
    assert.deepEqual(shapeOf(s.squeeze(1)), [1, 3, 1]); // size-3 dim is not squeezed
    const u = E.tensor([1, 2, 3]);
    assert.deepEqual(shapeOf(u.unsqueeze(0)), [1, 3]);
    assert.deepEqual(shapeOf(u.unsqueeze(1)), [3, 1]);
    assert.deepEqual(shapeOf(u.unsqueeze(-1)), [3, 1]);

    const e = E.tensor([[1], [2]]).expand([2, 3]);
    assert.deepEqual(shapeOf(e), [2, 3]);
    assert.deepEqual(e.strides(), [1, 0]);
    assertClose(e, [[1, 1, 1], [2, 2, 2]], EXACT);
    assertClose(u.expand([2, -1]), [[1, 2, 3], [1, 2, 3]], EXACT);
    assert.throws(() => u.expand([2, 4]), E.TorchError);
  });

  test('cat and stack', () => {
    const p = E.tensor([[1, 2]]);
    const q = E.tensor([[3, 4], [5, 6]]);
    const c0 = E.cat([p, q]);
    assert.deepEqual(shapeOf(c0), [3, 2]);
    assertClose(c0, [[1, 2], [3, 4], [5, 6]], EXACT);
    const c1 = E.cat([E.tensor([[1], [2]]), q], 1);
    assertClose(c1, [[1, 3, 4], [2, 5, 6]], EXACT);
    assertClose(E.cat([q, q], -1), [[3, 4, 3, 4], [5, 6, 5, 6]], EXACT);

    const s0 = E.stack([E.tensor([1, 2]), E.tensor([3, 4])]);
    assertClose(s0, [[1, 2], [3, 4]], EXACT);
    const s1 = E.stack([E.tensor([1, 2]), E.tensor([3, 4])], 1);
    assertClose(s1, [[1, 3], [2, 4]], EXACT);
    assert.throws(() => E.stack([E.tensor([1, 2]), E.tensor([3])]), E.TorchError);
  });

  test('narrow (a view), indexSelect, select', () => {
    const r = E.arange(10, undefined, 1, { dtype: 'float32' });
    assertClose(r.narrow(0, 2, 3), [2, 3, 4], EXACT);
    r.narrow(0, 2, 3).fill_(0);
    assertClose(r, [0, 1, 0, 0, 0, 5, 6, 7, 8, 9], EXACT);
    assertClose(a().narrow(1, 1, 2), [[1, 2], [4, 5]], EXACT);
    assert.throws(() => a().narrow(1, 2, 2), E.TorchError);

    const idx = i64([2, 0, 2]);
    const rows = E.tensor([[1, 2], [3, 4], [5, 6]]).indexSelect(0, idx);
    assertClose(rows, [[5, 6], [1, 2], [5, 6]], EXACT);
    const cols = a().indexSelect(1, i64([2, 0]));
    assertClose(cols, [[2, 0], [5, 3]], EXACT);
    assert.throws(() => a().indexSelect(0, i64([5])), E.TorchError);

    const col = E.select(a(), 1, 2);
    assert.deepEqual(shapeOf(col), [2]);
    assertClose(col, [2, 5], EXACT);
    assertClose(E.select(a(), 0, -1), [3, 4, 5], EXACT);
  });

  test('detach and clone copy semantics', () => {
    const x = E.tensor([1, 2, 3]);
    const c = x.clone();
    c.fill_(0);
    assertClose(x, [1, 2, 3], EXACT);
    const d = x.detach(); // shares storage
    d.fill_(5);
    assertClose(x, [5, 5, 5], EXACT);
  });
});

// ---------------------------------------------------------------------------------------------
describe('dense layers', () => {
  test('matmul, mm and linear', () => {
    const A = E.tensor([[1, 2], [3, 4]]);
    const B = E.tensor([[5, 6], [7, 8]]);
    assertClose(A.matmul(B), [[19, 22], [43, 50]], F32);
    assertClose(E.mm(A, B), [[19, 22], [43, 50]], F32);
    assertClose(B.matmul(A), [[23, 34], [31, 46]], F32);
    const mv = A.matmul(E.tensor([1, 1]));
    assert.deepEqual(shapeOf(mv), [2]);
    assertClose(mv, [3, 7], F32);
    // batched with broadcasting: [2,2,2] @ [2,2]
    const batch = E.stack([A, B]).matmul(E.tensor([[1, 0], [0, 2]]));
    assert.deepEqual(shapeOf(batch), [2, 2, 2]);
    assertClose(batch, [[[1, 4], [3, 8]], [[5, 12], [7, 16]]], F32);
    // non-square
    assertClose(E.tensor([[1, 2, 3]]).matmul(E.tensor([[1], [0], [-1]])), [[-2]], F32);
    assert.throws(() => A.matmul(E.ones([3, 2])), E.TorchError);

    const x = E.tensor([[1, 2, 3], [0, 1, 0]]);
    const W = E.tensor([[1, 0, -1], [2, 1, 0]]);
    const bias = E.tensor([0.5, -1]);
    assertClose(E.linear(x, W, bias), [[-1.5, 3], [0.5, 0]], F32);
    assertClose(E.linear(x, W), [[-2, 4], [0, 1]], F32);
    assertClose(E.linear(f64([1, 2, 3], [1, 3]), f64([1, 0, -1], [1, 3])), [[-2]], F64);
  });
});

// ---------------------------------------------------------------------------------------------
describe('conv2d', () => {
  const x = (): Tensor => E.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 1, 3, 3] });
  const w = (): Tensor => E.ones([1, 1, 2, 2]);

  test('2x2 kernel of ones over a 3x3 input', () => {
    const y = E.conv2d(x(), w());
    assert.deepEqual(shapeOf(y), [1, 1, 2, 2]);
    assertClose(y, [12, 16, 24, 28], F32);
    assertClose(E.conv2d(x(), w(), E.tensor([1])), [13, 17, 25, 29], F32);
    // a non-symmetric kernel: conv2d is cross-correlation (no flip)
    const k = E.tensor([1, 0, 0, -1], { shape: [1, 1, 2, 2] });
    assertClose(E.conv2d(x(), k), [1 - 5, 2 - 6, 4 - 8, 5 - 9], F32);
  });

  test('stride, padding and dilation', () => {
    assertClose(E.conv2d(x(), w(), null, { stride: 2, padding: 1 }), [[[[1, 5], [11, 28]]]], F32);
    assertClose(E.conv2d(x(), w(), null, { padding: 1 }), [[[[1, 3, 5, 3], [5, 12, 16, 9], [11, 24, 28, 15], [7, 15, 17, 9]]]], F32);
    assertClose(E.conv2d(x(), w(), null, { dilation: 2 }), [[[[20]]]], F32);
    assertClose(E.conv2d(x(), w(), null, { stride: [1, 2] }), [[[[12], [24]]]], F32);
    assertClose(E.conv2d(x(), w(), null, { padding: [0, 1] }), [[[[5, 12, 16, 9], [11, 24, 28, 15]]]], F32);
  });

  test('a strided 1x1 conv on a channels-last input: exact, and one conv2d to observers', () => {
    // The shape at which Debian's libtorch 1.13 backward never returned (2 in, 1 out, 28x28, batch 128).
    E.manualSeed(3);
    const input = E.randn([128, 2, 28, 28]);
    const weight = E.randn([1, 2, 1, 1]).requireGrad();
    const last = input.contiguous('channels_last').requireGrad();
    const plain = input.clone().requireGrad();
    const seen: string[] = [];
    const y = E.observeOps((call) => seen.push(call.op), () => E.conv2d(last, weight, null, { stride: 2 }));
    assert.deepEqual(seen, ['aten::conv2d']);
    assert.deepEqual(shapeOf(y), [128, 1, 14, 14]);
    assertClose(y, E.conv2d(plain, weight, null, { stride: 2 }), F32);
    y.sum().backward();
    const weightGrad = (weight.grad as Tensor).clone();
    weight.zeroGrad();
    E.conv2d(plain, weight, null, { stride: 2 }).sum().backward();
    assertClose(last.grad as Tensor, plain.grad as Tensor, F32);
    assertClose(weightGrad, weight.grad as Tensor, { atol: 1e-3, rtol: 1e-5 });
  });

  test('multiple input and output channels', () => {
    // 2 input channels: ch0 = x, ch1 = 10 * ones; kernels: out0 = ones on both, out1 = ones on ch0, -ones on ch1
    const inp = E.cat([x(), E.full([1, 1, 3, 3], 10, { dtype: 'float32' })], 1);
    const weight = E.tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1], { shape: [2, 2, 2, 2] });
    const y = E.conv2d(inp, weight, E.tensor([0, 100]));
    assert.deepEqual(shapeOf(y), [1, 2, 2, 2]);
    assertClose(y, [[[[52, 56], [64, 68]], [[72, 76], [84, 88]]]], F32);
  });

  test('groups = 2 (depthwise)', () => {
    const inp = E.tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [1, 2, 2, 2] });
    const weight = E.tensor([1, 1, 1, 1, 1, 0, 0, -1], { shape: [2, 1, 2, 2] });
    const y = E.conv2d(inp, weight, null, { groups: 2 });
    assert.deepEqual(shapeOf(y), [1, 2, 1, 1]);
    assertClose(y, [10, 5 - 8], F32);
    // groups=2 with 4 input channels and 2 outputs: each output sees its own half
    const inp4 = E.cat([inp, inp.mul(2)], 1); // channels 1..4
    const w4 = E.ones([2, 2, 2, 2]);
    assertClose(E.conv2d(inp4, w4, null, { groups: 2 }), [10 + 26, 20 + 52], F32);
    assert.throws(() => E.conv2d(inp, E.ones([2, 1, 2, 2])), E.TorchError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('batchNorm', () => {
  test('training on a hand-computed [4, 2] batch: output, weight/bias and running statistics', () => {
    // channel 0: 1,2,3,4 (mean 2.5, biased var 1.25, unbiased 5/3); channel 1: 2,2,2,6 (mean 3, var 3, unbiased 4)
    const x = f64([1, 2, 2, 2, 3, 2, 4, 6], [4, 2]);
    const runningMean = E.zeros([2], { dtype: 'float64' });
    const runningVar = E.ones([2], { dtype: 'float64' });
    const gamma = f64([2, 0.5]);
    const beta = f64([1, -1]);
    const y = E.batchNorm(x, { weight: gamma, bias: beta, runningMean, runningVar, training: true });
    const eps = 1e-5;
    const n0 = (v: number): number => ((v - 2.5) / Math.sqrt(1.25 + eps)) * 2 + 1;
    const n1 = (v: number): number => ((v - 3) / Math.sqrt(3 + eps)) * 0.5 - 1;
    assertClose(y, [[n0(1), n1(2)], [n0(2), n1(2)], [n0(3), n1(2)], [n0(4), n1(6)]], { atol: 1e-9 });
    assertClose(runningMean, [0.1 * 2.5, 0.1 * 3], { atol: 1e-12 });
    assertClose(runningVar, [0.9 + (0.1 * 5) / 3, 0.9 + 0.1 * 4], { atol: 1e-12 });

    // a second step with momentum 0.5 blends again
    E.batchNorm(x, { runningMean, runningVar, training: true, momentum: 0.5 });
    assertClose(runningMean, [0.5 * 0.25 + 0.5 * 2.5, 0.5 * 0.3 + 0.5 * 3], { atol: 1e-12 });
  });

  test('training on NCHW input normalises each channel to mean 0, variance 1', () => {
    E.manualSeed(11);
    const x = E.randn([8, 3, 4, 4], { dtype: 'float64' }).mul(E.tensor([2, 0.5, 3], { dtype: 'float64' }).reshape([1, 3, 1, 1])).add(
      E.tensor([3, -1, 0], { dtype: 'float64' }).reshape([1, 3, 1, 1]),
    );
    const rm = E.zeros([3], { dtype: 'float64' });
    const rv = E.ones([3], { dtype: 'float64' });
    const y = E.batchNorm(x, { runningMean: rm, runningVar: rv, training: true });
    const yMean = y.mean([0, 2, 3]);
    const yVar = E.variance(y, [0, 2, 3], false, 0);
    assertClose(yMean, [0, 0, 0], { atol: 1e-9 });
    assertClose(yVar, [1, 1, 1], { atol: 1e-3 });
    // running stats: momentum 0.1, unbiased batch variance
    const bm = x.mean([0, 2, 3]).toArray();
    const bv = E.variance(x, [0, 2, 3]).toArray();
    assertClose(rm, bm.map((m) => 0.1 * m), { atol: 1e-12 });
    assertClose(rv, bv.map((v) => 0.9 + 0.1 * v), { atol: 1e-12 });
    assert.ok(Math.abs((bm[0] as number) - 3) < 0.5); // the stats are really those of x
  });

  test('eval uses the running statistics and leaves them alone', () => {
    const x = f64([1, 2, 3, 4], [2, 2]);
    const rm = f64([1, -1]);
    const rv = f64([4, 0.25]);
    const y = E.batchNorm(x, { weight: f64([1, 2]), bias: f64([0, 1]), runningMean: rm, runningVar: rv, training: false, eps: 0 });
    assertClose(y, [[(1 - 1) / 2, ((2 + 1) / 0.5) * 2 + 1], [(3 - 1) / 2, ((4 + 1) / 0.5) * 2 + 1]], { atol: 1e-9 });
    assertClose(rm, [1, -1], EXACT);
    assertClose(rv, [4, 0.25], EXACT);
    // float32, NCHW, default eps
    const x4 = E.ones([1, 1, 2, 2]).mul(3);
    const y4 = E.batchNorm(x4, { runningMean: E.tensor([1]), runningVar: E.tensor([4]), training: false });
    assertClose(y4, [1, 1, 1, 1], { atol: 1e-4 });
  });
});

// ---------------------------------------------------------------------------------------------
describe('pooling', () => {
  const x4 = (): Tensor => E.arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
  const x3 = (): Tensor => E.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 1, 3, 3] });

  test('maxPool2d', () => {
    assertClose(E.maxPool2d(x4(), 2), [[[[5, 7], [13, 15]]]], F32);
    assertClose(E.maxPool2d(x4(), 3, { stride: 1 }), [[[[10, 11], [14, 15]]]], F32);
    assertClose(E.maxPool2d(x4(), 2, { stride: 2, padding: 1 }), [[[[0, 2, 3], [8, 10, 11], [12, 14, 15]]]], F32);
    assertClose(E.maxPool2d(x3(), 2, { ceilMode: true }), [[[[5, 6], [8, 9]]]], F32);
    assertClose(E.maxPool2d(x3(), 2), [[[[5]]]], F32);
    assertClose(E.maxPool2d(x4(), 2, { stride: 1, dilation: 2 }), [[[[10, 11], [14, 15]]]], F32);
    // negative values: padding is -inf, not 0
    assertClose(E.maxPool2d(x3().neg(), 2, { stride: 2, padding: 1 }), [[[[-1, -2], [-4, -5]]]], F32);
  });

  test('avgPool2d', () => {
    assertClose(E.avgPool2d(x4(), 2), [[[[2.5, 4.5], [10.5, 12.5]]]], F32);
    assertClose(E.avgPool2d(x3(), 2, { stride: 2, padding: 1 }), [[[[0.25, 1.25], [2.75, 7]]]], F32);
    assertClose(E.avgPool2d(x3(), 2, { stride: 2, padding: 1, countIncludePad: false }), [[[[1, 2.5], [5.5, 7]]]], F32);
    assertClose(E.avgPool2d(x3(), [1, 3], { stride: 1 }), [[[[2], [5], [8]]]], F32);
  });

  test('adaptiveAvgPool2d', () => {
    const g = E.adaptiveAvgPool2d(x4(), 1);
    assert.deepEqual(shapeOf(g), [1, 1, 1, 1]);
    assertClose(g, [7.5], F32);
    assertClose(E.adaptiveAvgPool2d(x4(), 2), [[[[2.5, 4.5], [10.5, 12.5]]]], F32);
    // overlapping windows [0,2) and [1,3) for 3 -> 2
    assertClose(E.adaptiveAvgPool2d(x3(), 2), [[[[3, 4], [6, 7]]]], F32);
    assertClose(E.adaptiveAvgPool2d(x4(), [1, 2]), [[[[6.5, 8.5]]]], F32);
    // batch and channels are kept
    assert.deepEqual(shapeOf(E.adaptiveAvgPool2d(E.ones([2, 3, 5, 5]), 1)), [2, 3, 1, 1]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('softmax and losses', () => {
  const logits = (): Tensor => E.tensor([[1, 2, 3], [1, 1, 1]]);
  const LSE = 3.4076059644443806; // log(e^1 + e^2 + e^3)

  test('logSoftmax and softmax', () => {
    assertClose(logits().logSoftmax(1), [[1 - LSE, 2 - LSE, 3 - LSE], [-Math.log(3), -Math.log(3), -Math.log(3)]], F32);
    assertClose(logits().softmax(1), [[0.09003057317038046, 0.24472847105479764, 0.6652409557748219], [1 / 3, 1 / 3, 1 / 3]], F32);
    assertClose(E.softmax(E.tensor([[0, 0], [Math.log(3), 0]]), 0), [[0.25, 0.5], [0.75, 0.5]], F32);
    assertClose(E.logSoftmax(f64([1000, 1000]), 0), [-Math.LN2, -Math.LN2], F64);
    assertClose(logits().softmax(-1).sum(-1), [1, 1], F32);
  });

  test('crossEntropy with mean, sum and none', () => {
    const target = i64([2, 0]);
    const l0 = LSE - 3;
    const l1 = Math.log(3);
    const none = E.crossEntropy(logits(), target, { reduction: 'none' });
    assert.deepEqual(shapeOf(none), [2]);
    assertClose(none, [l0, l1], F32);
    const mean = E.crossEntropy(logits(), target);
    assert.deepEqual(shapeOf(mean), []);
    assertClose(mean, [(l0 + l1) / 2], F32);
    assertClose(E.crossEntropy(logits(), target, { reduction: 'sum' }), [l0 + l1], F32);
    assertClose(E.crossEntropy(f64([1, 2, 3, 1, 1, 1], [2, 3]), target), [(l0 + l1) / 2], F64);
    assert.throws(() => E.crossEntropy(logits(), target, { reduction: 'avg' as 'mean' }), TypeError);
  });

  test('crossEntropy with class weights, ignoreIndex and label smoothing', () => {
    const target = i64([2, 0]);
    const l0 = LSE - 3;
    const l1 = Math.log(3);
    const weight = E.tensor([0.5, 1, 2]);
    // weighted mean divides by the sum of the targets' weights
    assertClose(E.crossEntropy(logits(), target, { weight }), [(2 * l0 + 0.5 * l1) / 2.5], F32);
    assertClose(E.crossEntropy(logits(), target, { weight, reduction: 'sum' }), [2 * l0 + 0.5 * l1], F32);
    assertClose(E.crossEntropy(logits(), i64([2, -100])), [l0], F32);
    assertClose(E.crossEntropy(logits(), i64([2, 1]), { ignoreIndex: 1 }), [l0], F32);
    // smoothing 0.1: (1 - 0.1) * nll + 0.1 * mean_c(-log p_c)
    const s0 = 0.9 * l0 + 0.1 * (LSE - 2);
    assertClose(E.crossEntropy(logits(), target, { labelSmoothing: 0.1 }), [(s0 + l1) / 2], F32);
  });

  test('nllLoss', () => {
    const lp = E.tensor([[-1, -2, -3], [-0.5, -1.5, -2.5]]);
    const target = i64([1, 2]);
    assertClose(E.nllLoss(lp, target), [2.25], F32);
    assertClose(E.nllLoss(lp, target, 'sum'), [4.5], F32);
    assertClose(E.nllLoss(lp, target, 'none'), [2, 2.5], F32);
    // nll(logSoftmax) == crossEntropy
    assertClose(E.nllLoss(logits().logSoftmax(1), i64([2, 0])), E.crossEntropy(logits(), i64([2, 0])), F32);
    assert.throws(() => E.nllLoss(lp, i64([1, 3])), E.TorchError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('dropout', () => {
  test('training zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
    E.manualSeed(5);
    const p = 0.3;
    const y = E.dropout(E.ones([20000]), p, true).toArray();
    const zeros = y.filter((v) => v === 0).length / y.length;
    assert.ok(Math.abs(zeros - p) < 0.015, `dropped fraction ${zeros}`);
    const kept = y.filter((v) => v !== 0);
    assertClose(kept, new Array(kept.length).fill(1 / (1 - p)), F32);
    // expectation is preserved
    assert.ok(Math.abs(meanOf(y) - 1) < 0.03);
  });

  test('eval is the identity; p = 0 keeps and p = 1 drops everything', () => {
    const x = E.tensor([1, -2, 3, 4]);
    assertClose(E.dropout(x, 0.5, false), [1, -2, 3, 4], EXACT);
    assertClose(E.dropout(x, 0, true), [1, -2, 3, 4], EXACT);
    assertClose(E.dropout(x, 1, true), [0, 0, 0, 0], EXACT);
    assert.throws(() => E.dropout(x, 1.5, true), RangeError);
    assert.throws(() => E.dropout(x, -0.1, false), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('in-place operations', () => {
  test('add_, sub_, mul_, div_ modify the target and return it', () => {
    const t = E.tensor([1, 2, 3]);
    const r = t.add_(E.tensor([1, 1, 1]), 2);
    assert.equal(r, t);
    assertClose(t, [3, 4, 5], F32);
    t.add_(10);
    assertClose(t, [13, 14, 15], F32);
    t.mul_(2);
    assertClose(t, [26, 28, 30], F32);
    t.mul_(E.tensor([0.5, 1, 0]));
    assertClose(t, [13, 28, 0], F32);
    E.sub_(t, E.tensor([1, 2, 3]), 3);
    assertClose(t, [10, 22, -9], F32);
    E.div_(t, 2);
    assertClose(t, [5, 11, -4.5], F32);
    // broadcasting in place
    const m = E.zeros([2, 3]);
    E.add_(m, E.tensor([1, 2, 3]));
    assertClose(m, [[1, 2, 3], [1, 2, 3]], F32);
    // in place cannot change the target's shape
    assert.throws(() => E.add_(E.zeros([3]), E.zeros([2, 3])), E.TorchError);
    // in place keeps int64 dtype
    const n = E.arange(3);
    n.add_(2);
    assert.equal(n.dtype, 'int64');
    assertClose(n, [2, 3, 4], EXACT);
  });

  test('addcmul_, addcdiv_, lerp_', () => {
    const t = E.tensor([1, 1]);
    E.addcmul_(t, E.tensor([2, 3]), E.tensor([4, 5]), 0.5);
    assertClose(t, [5, 8.5], F32);
    const u = E.tensor([1, 1]);
    E.addcdiv_(u, E.tensor([2, 3]), E.tensor([4, 5]), 2);
    assertClose(u, [2, 2.2], F32);
    const d = E.tensor([1, 1]);
    E.addcdiv_(d, E.tensor([2, 3]), E.tensor([4, 6]));
    assertClose(d, [1.5, 1.5], F32);
    const l = E.tensor([0, 10]);
    E.lerp_(l, E.tensor([10, 20]), 0.25);
    assertClose(l, [2.5, 12.5], F32);
  });

  test('zero_, fill_, copy_, clamp_, sqrt_', () => {
    const t = E.tensor([[1, 2], [3, 4]]);
    assert.equal(t.zero_(), t);
    assertClose(t, [[0, 0], [0, 0]], EXACT);
    t.fill_(3.5);
    assertClose(t, [[3.5, 3.5], [3.5, 3.5]], EXACT);
    t.copy_(E.tensor([[9, 8], [7, 6]]));
    assertClose(t, [[9, 8], [7, 6]], EXACT);
    t.copy_(E.tensor([1, 2])); // broadcast source
    assertClose(t, [[1, 2], [1, 2]], EXACT);
    const i = E.zeros([2], { dtype: 'int64' });
    i.copy_(f64([1.7, -2.7])); // converts dtype, truncating
    assert.equal(i.dtype, 'int64');
    assertClose(i, [1, -2], EXACT);
    const c = E.tensor([-3, 0.5, 3]);
    E.clamp_(c, -1, 1);
    assertClose(c, [-1, 0.5, 1], F32);
    E.clamp_(c, 0);
    assertClose(c, [0, 0.5, 1], F32);
    const s = E.tensor([4, 9]);
    E.sqrt_(s);
    assertClose(s, [2, 3], F32);
  });

  test('uniform_ and normal_ draw from the requested range and moments', () => {
    E.manualSeed(21);
    const u = E.empty([20000]);
    E.uniform_(u, -2, 3);
    const uv = u.toArray();
    assert.ok(uv.every((v) => v >= -2 && v < 3), 'uniform_ out of range');
    assert.ok(Math.abs(meanOf(uv) - 0.5) < 0.06, `uniform_ mean ${meanOf(uv)}`);
    assert.ok(Math.abs(varOf(uv) - 25 / 12) < 0.1, `uniform_ var ${varOf(uv)}`);

    const n = E.empty([20000], { dtype: 'float64' });
    E.normal_(n, 3, 2);
    const nv = n.toArray();
    assert.ok(Math.abs(meanOf(nv) - 3) < 0.08, `normal_ mean ${meanOf(nv)}`);
    assert.ok(Math.abs(Math.sqrt(varOf(nv)) - 2) < 0.08, `normal_ std ${Math.sqrt(varOf(nv))}`);

    const d = E.zeros([1000]);
    E.uniform_(d);
    assert.ok(d.toArray().every((v) => v >= 0 && v < 1));
    // seeded: identical after reseeding
    E.manualSeed(99);
    const a1 = E.empty([5]);
    E.normal_(a1);
    E.manualSeed(99);
    const a2 = E.empty([5]);
    E.normal_(a2);
    assertClose(a1, a2, EXACT);
  });

  test('foreachAdd_ and foreachMul_ update every tensor of a list', () => {
    const a = E.tensor([1, 2]);
    const b = E.tensor([[1], [2], [3]]);
    E.foreachAdd_([a, b], [E.tensor([10, 20]), E.tensor([[1], [1], [1]])], 2);
    assertClose(a, [21, 42], F32);
    assertClose(b, [[3], [4], [5]], F32);
    E.foreachMul_([a, b], 0.5);
    assertClose(a, [10.5, 21], F32);
    assertClose(b, [[1.5], [2], [2.5]], F32);
    E.foreachAdd_([], []); // no-op
    E.foreachMul_([], 3);
    assert.throws(() => E.foreachAdd_([a], []), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('conversion and data access', () => {
  test('to(dtype) and the typed array types of data()', () => {
    const x = E.tensor([1.7, -2.7, 0]);
    const d = x.to('float64');
    assert.equal(d.dtype, 'float64');
    assert.ok(d.data() instanceof Float64Array);
    assertClose(d, [1.7, -2.7, 0], { atol: 1e-6 }); // float32 rounding carried over
    assert.equal(d.data<'float64'>()[0], Math.fround(1.7));

    const l = x.to('int64');
    assert.equal(l.dtype, 'int64');
    const ld = l.data();
    assert.ok(ld instanceof BigInt64Array);
    assert.deepEqual(Array.from(ld as BigInt64Array), [1n, -2n, 0n]);

    const i = x.to('int32');
    assert.ok(i.data() instanceof Int32Array);
    assertClose(i, [1, -2, 0], EXACT);

    const b = x.to('bool');
    assert.equal(b.dtype, 'bool');
    assert.ok(b.data() instanceof Uint8Array);
    assert.deepEqual(Array.from(b.data<'bool'>()), [1, 1, 0]);

    const u = E.tensor([3, 255]).to('uint8');
    assert.equal(u.dtype, 'uint8');
    assert.ok(u.data() instanceof Uint8Array);
    assertClose(u, [3, 255], EXACT);

    assert.ok(x.data() instanceof Float32Array);
    assert.equal(x.to('cpu').device, 'cpu');
    assert.equal(x.cpu().dtype, 'float32');
    assert.equal(x.nbytes, 12);
    assert.equal(d.nbytes, 24);
  });

  test('data() of a non-contiguous tensor is in logical row-major order', () => {
    const t = E.tensor([[1, 2, 3], [4, 5, 6]]).transpose(0, 1);
    assert.deepEqual(Array.from(t.data<'float32'>()), [1, 4, 2, 5, 3, 6]);
    const e = E.tensor([7, 8]).expand([3, 2]);
    assert.deepEqual(Array.from(e.data<'float32'>()), [7, 8, 7, 8, 7, 8]);
  });

  test('item() and toArray()', () => {
    assert.equal(E.tensor([[42.5]]).item(), 42.5);
    assert.equal(E.tensor(-3, { dtype: 'int64' }).item(), -3);
    assert.equal(typeof E.arange(5).sum().item(), 'number');
    assert.equal(E.tensor([true]).item(), 1);
    assert.equal(f64([0.1]).item(), 0.1);
    assert.throws(() => E.tensor([1, 2]).item(), RangeError);
    assert.deepEqual(E.arange(3).toArray(), [0, 1, 2]);
    assert.deepEqual(flat(E.tensor([[1, 2], [3, 4]])), [1, 2, 3, 4]);
    assert.equal(E.zeros([2, 3]).size(1), 3);
    assert.equal(E.zeros([2, 3]).size(-2), 2);
    assert.throws(() => E.zeros([2, 3]).size(2), RangeError);
  });

  test('dispose frees the handle and later use throws', () => {
    const t = E.ones([2]);
    assert.equal(t.isDisposed, false);
    t.dispose();
    assert.equal(t.isDisposed, true);
    t.dispose(); // harmless twice
    assert.throws(() => t.toArray(), /after dispose/);
  });
});
