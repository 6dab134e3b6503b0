// The 1-d ops and layers: hand-computed values, agreement with the 2-d ops on a height-1 input, 'same'
// padding with an even kernel, and surgery on Conv1d and BatchNorm1d (kept channels give the full
// layer's outputs, sliced).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { AdaptiveAvgPool1d, BatchNorm1d, Conv1d, Conv2d, GlobalAvgPool1d, keep, MaxPool1d } from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';

const pick = (t: E.Tensor, dim: number, indices: readonly number[]): E.Tensor => E.indexSelect(t, dim, E.tensor([...indices], { dtype: 'int64' }));

test('conv1d: hand-computed valid and same (even kernel) outputs', () => {
  E.scope(() => {
    const x = E.tensor([1, 2, 3, 4], { shape: [1, 1, 4] });
    assertClose(E.conv1d(x, E.tensor([1, 0, -1], { shape: [1, 1, 3] })), [[[-2, -2]]]);
    // 'same' with k = 2 pads nothing before and one step after, as PyTorch: y[i] = x[i] + x[i + 1].
    assertClose(E.conv1d(x, E.tensor([1, 1], { shape: [1, 1, 2] }), null, { padding: 'same' }), [[[3, 5, 7, 4]]]);
    assertClose(E.conv1d(x, E.tensor([1, 1], { shape: [1, 1, 2] }), E.tensor([10]), { stride: 2 }), [[[13, 17]]]);
  });
});

test("an uneven 'same' padding equals libtorch's string overload, in 1-d and 2-d, and a trace sees that overload", () => {
  E.manualSeed(5);
  E.scope(() => {
    const x = E.randn([2, 3, 9]);
    const w = E.randn([4, 3, 4]);
    const b = E.randn([4]);
    const libtorch = E.callTensor(E.aten('conv1d', 'padding'), x, w, b, [1], 'same', [3], 1);
    assertClose(E.conv1d(x, w, b, { padding: 'same', dilation: 3 }), libtorch, { atol: 1e-5 });
    const image = E.randn([2, 3, 6, 7]);
    const w2 = E.randn([4, 3, 2, 3]);
    assertClose(E.conv2d(image, w2, null, { padding: 'same' }), E.callTensor(E.aten('conv2d', 'padding'), image, w2, null, [1, 1], 'same', [1, 1], 1), { atol: 1e-5 });
    assertClose(E.conv1d(x, w, b, { padding: 'valid' }), E.conv1d(x, w, b), { atol: 1e-6 });
    const seen: string[] = [];
    E.observeOps((call) => seen.push(`${call.op} ${call.args.filter((a) => typeof a === 'string').join('')}`), () => E.conv1d(x, w, b, { padding: 'same' }));
    assert.deepEqual(seen, ['aten::conv1d.padding same']);
  });
});

test('conv1d equals conv2d on a height-1 input (stride, padding, dilation, groups)', () => {
  E.manualSeed(1);
  E.scope(() => {
    const x = E.randn([2, 4, 17]);
    const w = E.randn([6, 2, 3]);
    const b = E.randn([6]);
    const options = { stride: 2, padding: 3, dilation: 2, groups: 2 } as const;
    const oneD = E.conv1d(x, w, b, options);
    const twoD = E.conv2d(x.unsqueeze(2), w.unsqueeze(2), b, { stride: [1, 2], padding: [0, 3], dilation: [1, 2], groups: 2 });
    assert.deepEqual([...oneD.shape], [2, 6, 10]);
    assertClose(oneD, twoD.squeeze(2), { atol: 1e-5 });
  });
});

test('1-d pools: hand-computed values, and the 2-d pools on a height-1 input', () => {
  E.manualSeed(2);
  E.scope(() => {
    const x = E.tensor([1, 3, 2, 5, 4], { shape: [1, 1, 5] });
    assertClose(E.maxPool1d(x, 2), [[[3, 5]]]);
    assertClose(E.avgPool1d(x, 2), [[[2, 3.5]]]);
    assertClose(E.avgPool1d(x, 3, { stride: 2, padding: 1 }), [[[4 / 3, 10 / 3, 3]]], { atol: 1e-6 });
    // Bins [0, 3) and [2, 5) of 1..5.
    assertClose(E.adaptiveAvgPool1d(E.tensor([1, 2, 3, 4, 5], { shape: [1, 1, 5] }), 2), [[[2, 4]]]);
    const y = E.randn([2, 3, 11]);
    assertClose(E.maxPool1d(y, 3, { stride: 2, padding: 1 }), E.maxPool2d(y.unsqueeze(2), [1, 3], { stride: [1, 2], padding: [0, 1] }).squeeze(2));
    assertClose(E.avgPool1d(y, 4, { stride: 3 }), E.avgPool2d(y.unsqueeze(2), [1, 4], { stride: [1, 3] }).squeeze(2), { atol: 1e-6 });
    assertClose(E.adaptiveAvgPool1d(y, 1), E.mean(y, [2], true), { atol: 1e-6 });
    assertClose(new GlobalAvgPool1d().call(y), E.mean(y, [2]), { atol: 1e-6 });
    assertClose(new AdaptiveAvgPool1d(4).call(y), E.adaptiveAvgPool2d(y.unsqueeze(2), [1, 4]).squeeze(2), { atol: 1e-6 });
  });
});

test("Conv1d: 'same' keeps the length with an even kernel, and it prints and refuses as PyTorch", () => {
  const conv = new Conv1d(2, 3, 8, { padding: 'same', bias: false });
  assert.deepEqual([conv.padding, conv.paddingEnd], [[3], [4]]);
  assert.equal(conv.toString(), "Conv1d(2, 3, kernel_size=8, padding='same', bias=false)");
  assert.deepEqual(new Conv1d(2, 3, 5, { padding: 'same' }).settings(), { stride: [1], padding: [2], dilation: [1], groups: 1, bias: true });
  E.scope(() => {
    const x = E.randn([2, 2, 9]);
    const y = conv.call(x);
    assert.deepEqual([...y.shape], [2, 3, 9]);
    // The same as padding 4 on both sides without the first output step.
    const wide = E.conv1d(x, conv.weight.value, null, { padding: 4 });
    assertClose(y, E.narrow(wide, 2, 1, 9), { atol: 1e-5 });
    assert.throws(() => conv.call(E.randn([2, 2, 3, 3])), /Conv1d\(2, 3, .*\): expected input \[N, 2, L\], got \[2, 2, 3, 3\]/);
    assert.throws(() => new Conv2d(2, 3, 3).call(x), /expected input \[N, 2, H, W\], got \[2, 2, 9\]/);
  });
  assert.throws(() => new Conv1d(2, 3, 4, { padding: 'same', stride: 2 }), /Conv1d: padding 'same' needs stride 1/);
  assert.throws(() => new Conv1d(2, 3, [3, 3] as unknown as number), /Conv1d: kernelSize must be a positive integer or 1 of them, got \[3,3\]/);
  assert.throws(() => new MaxPool1d(2).call(E.zeros([2, 3])), /MaxPool1d: expected input \[N, C, L\], got \[2, 3\]/);
  conv.dispose();
});

test('Conv1d surgery: kept filters give the full layer outputs, sliced; kept inputs read only those channels', () => {
  E.manualSeed(3);
  const conv = new Conv1d(4, 5, 3, { padding: 1 });
  E.scope(() => {
    const x = E.randn([2, 4, 7]);
    const full = conv.call(x);
    const slices = keep(conv, 'outputs', [1, 4]);
    assert.deepEqual(slices.map((s) => [s.dim, s.parameter.value.shape]), [[0, [2, 4, 3]], [0, [2]]]);
    assertClose(conv.call(x), pick(full, 1, [1, 4]), { atol: 1e-6 });
    const narrowed = E.noGrad(() => conv.call(E.mul(x, E.tensor([1, 0, 1, 0]).view([1, 4, 1]))));
    keep(conv, 'inputs', [0, 2]);
    assertClose(conv.call(pick(x, 1, [0, 2])), narrowed, { atol: 1e-6 });
  });
  assert.equal(conv.toString(), 'Conv1d(2, 2, kernel_size=3, padding=1)');
  conv.dispose();
});

test('BatchNorm1d surgery on [N, C] and [N, C, L]: kept channels give the full outputs, sliced (train and eval)', () => {
  for (const shape of [[8, 5], [4, 5, 6]]) {
    E.manualSeed(4);
    const norm = new BatchNorm1d(5);
    const twin = new BatchNorm1d(5);
    E.scope(() => {
      const x = E.randn(shape).mul(2).add(1);
      norm.train().call(x);
      twin.loadStateDict(norm.stateDict());
      const evalFull = twin.eval().call(x);
      const trainFull = twin.train().call(x);
      keep(norm, 'outputs', [0, 3, 4]);
      const kept = pick(x, 1, [0, 3, 4]);
      assertClose(norm.eval().call(kept), pick(evalFull, 1, [0, 3, 4]), { atol: 1e-5 });
      assertClose(norm.train().call(kept), pick(trainFull, 1, [0, 3, 4]), { atol: 1e-5 });
      assert.deepEqual([...(norm.runningMean?.value.shape ?? [])], [3]);
    });
    norm.dispose();
    twin.dispose();
  }
});
