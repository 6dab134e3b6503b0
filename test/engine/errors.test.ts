// Error handling: every libtorch failure becomes a JS Error carrying libtorch's message (a TorchError
// naming the operator), arguments the TypeScript layer can check are rejected before libtorch sees
// them, no failed call leaks a tensor handle, and the process keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { native } from '../../src/engine/native.js';

const live = (): number => E.memory().tensors;

/** Runs fn, which must throw; checks that no tensor handle was left behind; returns the error. */
function thrown(fn: () => unknown): Error {
  const before = live();
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, 'expected the call to throw');
  assert.ok(caught instanceof Error, `expected an Error, got ${String(caught)}`);
  assert.equal(live(), before, 'the failed call left no tensor handle behind');
  return caught;
}

/** Asserts a TorchError from `op` whose message carries libtorch's words. */
function expectTorchError(fn: () => unknown, op: string, words: RegExp): E.TorchError {
  const error = thrown(fn);
  assert.ok(error instanceof E.TorchError, `expected a TorchError, got ${error.name}: ${error.message}`);
  assert.equal(error.name, 'TorchError');
  assert.equal(error.op, op);
  assert.ok(error.message.includes(op), `the message names the operator ${op}: ${error.message}`);
  assert.match(error.message, words);
  assert.match(error.torchMessage, words, 'torchMessage holds libtorch’s own words');
  assert.ok(error.cause instanceof Error, 'the addon’s original error is kept as the cause');
  return error;
}

/** Asserts an error raised by the TypeScript layer before libtorch was called. */
function expectTsError(fn: () => unknown, type: new (...args: never[]) => Error, words: RegExp): Error {
  const error = thrown(fn);
  assert.ok(error instanceof type, `expected a ${type.name}, got ${error.name}: ${error.message}`);
  assert.ok(!(error instanceof E.TorchError), 'caught in TypeScript, not by libtorch');
  assert.match(error.message, words);
  return error;
}

test('shape mismatches in add and matmul become TorchErrors with libtorch’s message', () => {
  E.scope(() => {
    const a = E.ones([2, 3]);
    const b = E.ones([4, 5]);
    expectTorchError(() => E.add(a, b), 'aten::add.Tensor', /must match/);
    expectTorchError(() => a.add(b), 'aten::add.Tensor', /size of tensor a \(3\) must match the size of tensor b \(5\)/);
    expectTorchError(() => a.sub(b), 'aten::sub.Tensor', /must match/);
    expectTorchError(() => E.matmul(a, b), 'aten::matmul', /cannot be multiplied/);
    expectTorchError(() => a.matmul(b), 'aten::matmul', /2x3 and 4x5/);
    const vector = E.ones([2]);
    expectTorchError(() => E.mm(a, vector), 'aten::mm', /2D|2-D|matrix|dim/i);
  });
});

test('conv2d with the wrong channel count', () => {
  E.scope(() => {
    const x = E.ones([1, 3, 5, 5]);
    const w = E.ones([2, 4, 3, 3]);
    expectTorchError(() => E.conv2d(x, w), 'aten::conv2d', /4 channels, but got 3 channels/);
  });
});

test('wrong dtypes: crossEntropy with float targets, indexSelect with a float index', () => {
  E.scope(() => {
    const logits = E.randn([2, 3]);
    const floatTargets = E.tensor([0, 1]);
    const floatIndex = E.tensor([0]);
    assert.equal(floatTargets.dtype, 'float32');
    expectTorchError(() => E.crossEntropy(logits, floatTargets), 'aten::cross_entropy_loss', /expected scalar type Long but found Float/);
    expectTorchError(() => E.nllLoss(logits, floatTargets), 'aten::nll_loss', /expected scalar type Long but found Float/);
    expectTorchError(() => E.indexSelect(logits, 0, floatIndex), 'aten::index_select', /int32 or int64 for index/);
    // The same calls with the right dtypes work.
    assert.equal(E.crossEntropy(logits, E.tensor([0, 1], { dtype: 'int64' })).numel, 1);
    assert.deepEqual(E.indexSelect(logits, 0, E.tensor([1], { dtype: 'int64' })).shape, [1, 3]);
  });
});

test('indices out of range: indexSelect, select, narrow', () => {
  E.scope(() => {
    const a = E.ones([2, 3]);
    const five = E.tensor([5], { dtype: 'int64' });
    const minusOne = E.tensor([-1], { dtype: 'int64' });
    expectTorchError(() => E.indexSelect(a, 0, five), 'aten::index_select', /out of range/);
    expectTorchError(() => a.indexSelect(1, minusOne), 'aten::index_select', /out of range|out of DATA bounds/);
    expectTorchError(() => E.select(a, 0, 5), 'aten::select.int', /index 5 out of range/);
    expectTorchError(() => E.select(a, 2, 0), 'aten::select.int', /out of range|dimension/i);
    expectTorchError(() => E.narrow(a, 1, 1, 5), 'aten::narrow', /exceeds dimension size/);
    expectTorchError(() => a.narrow(0, 3, 1), 'aten::narrow', /out of range|exceeds/);
    expectTorchError(() => E.sum(a, 4), 'aten::sum.dim_IntList', /out of range/);
  });
});

test('CUDA requested on a build without it: a clear Error pointing at docs/gpu.md', (t) => {
  if (E.isCudaAvailable() && E.cudaDeviceCount() > 0) {
    t.skip('CUDA is available here');
    return;
  }
  E.scope(() => {
    const a = E.ones([2]);
    const calls: (() => unknown)[] = [
      () => E.zeros([2], { device: 'cuda' }),
      () => E.randn([2], { device: 'cuda:0' }),
      () => E.tensor([1, 2], { device: 'cuda' }),
      () => E.onesLike(a, { device: 'cuda' }),
      () => a.cuda(),
      () => a.to('cuda'),
      () => E.checkDevice('cuda:1'),
    ];
    for (const call of calls) {
      const error = thrown(call);
      assert.match(error.message, /CUDA/);
      assert.match(error.message, /docs\/gpu\.md/);
      assert.match(error.message, /'cpu'/, 'it suggests the cpu device');
    }
  });
});

test('use after dispose throws an Error mentioning dispose, at every layer', () => {
  E.scope(() => {
    const other = E.ones([2]);
    const gone = E.ones([2]);
    const staleHandle = gone.handle;
    gone.dispose();
    for (const call of [() => gone.relu(), () => E.add(other, gone), () => E.stack([other, gone]), () => gone.item(), () => gone.backward()]) {
      assert.match(thrown(call).message, /dispose/);
    }
    // The addon itself rejects a stale handle (its generation check), even if TS were bypassed.
    assert.equal(native.isAlive(staleHandle), false);
    assert.match(thrown(() => native.meta(staleHandle)).message, /dispose/);
    assert.match(thrown(() => native.toBuffer(staleHandle)).message, /dispose/);
    assert.equal(native.dispose(staleHandle), false, 'disposing a stale handle is a no-op');
    assert.deepEqual(other.toArray(), [1, 1]);
  });
});

test('invalid arguments are caught in TypeScript with a clear message', () => {
  E.scope(() => {
    const a = E.randn([2, 3]);
    const target = E.tensor([0, 1], { dtype: 'int64' });
    expectTsError(() => E.zeros([2, -1]), TypeError, /non-negative integers/);
    expectTsError(() => E.ones([1.5]), TypeError, /non-negative integers/);
    expectTsError(() => E.tensor([1, 2], { shape: [-2] }), TypeError, /non-negative integers/);
    expectTsError(() => E.zeros([2], { dtype: 'float16' as E.DType }), TypeError, /unknown dtype 'float16'/);
    expectTsError(() => a.to('half' as E.DType), TypeError, /unknown device 'half'/);
    expectTsError(() => E.zeros([2], { device: 'tpu' as E.Device }), TypeError, /unknown device 'tpu'/);
    expectTsError(() => E.checkDevice('cuda:x'), TypeError, /unknown device/);
    expectTsError(() => E.clamp(a, null, null), TypeError, /at least one of min and max/);
    expectTsError(() => a.clamp(null), TypeError, /at least one of min and max/);
    expectTsError(() => E.dropout(a, 2, true), RangeError, /p must be in \[0, 1\], got 2/);
    expectTsError(() => E.dropout(a, -0.1, false), RangeError, /p must be in \[0, 1\]/);
    expectTsError(() => E.crossEntropy(a, target, { reduction: 'avg' as 'mean' }), TypeError, /reduction must be 'mean', 'sum' or 'none', got 'avg'/);
    expectTsError(() => E.nllLoss(a, target, 'avg' as 'mean'), TypeError, /reduction/);
    expectTsError(() => E.randint(3, 3, [2]), RangeError, /high \(3\) must be greater than low \(3\)/);
    expectTsError(() => E.arange(0, 3, 0), RangeError, /step must not be 0/);
    expectTsError(() => E.tensor([1, 2, 3], { shape: [2, 2] }), RangeError, /do not fill shape/);
    expectTsError(() => E.setNumThreads(0), RangeError, /positive integer/);
    expectTsError(() => E.manualSeed(-1), RangeError, /non-negative integer/);
    expectTsError(() => a.size(5), RangeError, /out of range/);
  });
});

test('a wrongly typed argument reaching the dispatcher is a TorchError naming the argument', () => {
  E.scope(() => {
    const a = E.ones([2]);
    const add = E.aten('add', 'Tensor');
    expectTorchError(() => E.callTensor(add, a, 'two', 1), 'aten::add.Tensor', /argument 'other'.*expects a tensor/);
    expectTorchError(() => E.callTensor(E.aten('reshape'), a, [1.5]), 'aten::reshape', /expects an integer/);
    const unknown = thrown(() => E.callTensor(E.aten('definitely_not_an_op'), a));
    assert.match(unknown.message, /unknown ATen operator/);
  });
});

test('view on a non-viewable tensor', () => {
  E.scope(() => {
    const t = E.arange(6).reshape([2, 3]).transpose(0, 1);
    assert.equal(t.isContiguous(), false);
    expectTorchError(() => t.view([6]), 'aten::view', /view size is not compatible with input tensor's size and stride/);
    expectTorchError(() => E.view(t, [6]), 'aten::view', /reshape/);
    assert.deepEqual(t.reshape([6]).toArray(), [0, 3, 1, 4, 2, 5], 'reshape copies instead');
  });
});

test('backward on a tensor that does not require grad', () => {
  E.scope(() => {
    const x = E.ones([3]);
    const y = x.mul(2).sum();
    const error = thrown(() => y.backward());
    assert.match(error.message, /does not require grad/);
    // With requiresGrad, the same graph works.
    const w = E.ones([3]).requireGrad();
    w.mul(2).sum().backward();
    assert.deepEqual(w.grad?.toArray(), [2, 2, 2]);
    // A second backward through a freed graph is also reported, not a crash.
    const z = w.mul(w).sum();
    z.backward();
    assert.match(thrown(() => z.backward()).message, /second time|backward through the graph/i);
  });
});

test('item() on a multi-element tensor', () => {
  E.scope(() => {
    const a = E.ones([2, 3]);
    const error = expectTsError(() => a.item(), RangeError, /6 elements, expected 1/);
    assert.match(error.message, /\[2, 3\]/);
    assert.equal(E.ones([1, 1]).item(), 1, 'a one-element tensor of any rank works');
  });
});

test('after all these errors the engine still works normally', () => {
  const before = live();
  E.scope(() => {
    const a = E.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = E.tensor([
      [1, 0],
      [0, 1],
    ]);
    assert.deepEqual(a.matmul(b).toArray(), [1, 2, 3, 4]);
    assert.deepEqual(E.add(a, b).toArray(), [2, 2, 3, 5]);
    assert.equal(E.crossEntropy(E.zeros([2, 4]), E.tensor([0, 3], { dtype: 'int64' })).item().toFixed(4), Math.log(4).toFixed(4));
    assert.equal(E.isGradEnabled(), true, 'grad mode was not left switched off');
    assert.equal(E.inScope(), true);
  });
  assert.equal(live(), before);
});
