// The Module base: registration checks, traversal, hooks, state-dict errors, conversion and printing.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { BatchNorm2d, Conv2d, Linear, Module, Parameter, ReLU, Sequential } from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';

/** A module that exposes registration, to test its checks. */
class Probe extends Module {
  constructor() {
    super();
    this.registerParameter('w', E.ones([2]));
    this.registerBuffer('scratch', E.zeros([2]), { persistent: false });
    this.registerBuffer('count', E.zeros([], { dtype: 'int64' }));
    this.registerModule('inner', new Linear(2, 2));
  }
  tryRegister(kind: 'parameter' | 'buffer' | 'module', name: string): void {
    if (kind === 'parameter') this.registerParameter(name, E.ones([1]));
    else if (kind === 'buffer') this.registerBuffer(name, E.ones([1]));
    else this.registerModule(name, new ReLU());
  }
  forward(x: E.Tensor): E.Tensor {
    return x;
  }
}

test('names must be non-empty, dot-free and unique', () => {
  const before = E.memory().tensors;
  const p = new Probe();
  assert.throws(() => p.tryRegister('parameter', ''), /name "" is invalid/);
  assert.throws(() => p.tryRegister('buffer', 'a.b'), /name "a.b" is invalid: expected a non-empty name without dots/);
  assert.throws(() => p.tryRegister('module', 'w'), /the name 'w' is already registered/);
  assert.throws(() => p.tryRegister('parameter', 'inner'), /already registered/);
  p.dispose();
  assert.equal(E.memory().tensors, before, 'registration owns what it is given: rejected tensors are disposed too');
});

test('dotted names, non-persistent buffers, getSubmodule and apply order', () => {
  const net = new Sequential(new Probe(), new Sequential(new Linear(2, 3), new BatchNorm2d(3)));
  assert.deepEqual(net.namedParameters().map(([k]) => k), ['0.w', '0.inner.weight', '0.inner.bias', '1.0.weight', '1.0.bias', '1.1.weight', '1.1.bias']);
  assert.deepEqual(net.namedBuffers().map(([k]) => k), ['0.scratch', '0.count', '1.1.running_mean', '1.1.running_var', '1.1.num_batches_tracked']);
  E.scope(() => {
    const keys = [...net.stateDict().keys()];
    assert.ok(!keys.includes('0.scratch'), 'non-persistent buffers are not saved');
    assert.deepEqual(keys.slice(0, 4), ['0.w', '0.count', '0.inner.weight', '0.inner.bias'], "a module's own tensors come before its children's");
    assert.equal(net.stateDict().get('1.1.num_batches_tracked')?.dtype, 'int64');
  });
  assert.ok(net.getSubmodule('1.1') instanceof BatchNorm2d);
  assert.equal(net.getSubmodule(''), net);
  assert.throws(() => net.getSubmodule('1.7'), /no submodule '1.7' \('7' is not a child of Sequential; children: 0, 1\)/);
  const order: string[] = [];
  net.apply((m) => void order.push(m.kind));
  assert.deepEqual(order, ['Linear', 'Probe', 'Linear', 'BatchNorm2d', 'Sequential', 'Sequential']);
  assert.deepEqual(net.namedModules().map(([k]) => k), ['', '0', '0.inner', '1', '1.0', '1.1']);
  net.dispose();
});

test('loadStateDict reports every missing key, unexpected key and shape mismatch at once, and loads nothing', () => {
  const target = new Sequential(new Conv2d(3, 8, 3), new BatchNorm2d(8));
  const source = new Sequential(new Conv2d(3, 4, 3), new BatchNorm2d(4));
  E.scope(() => {
    const state = source.stateDict();
    state.delete('0.bias');
    state.set('2.weight', E.ones([5]));
    const before = target.stateDict().get('0.weight')?.clone() as E.Tensor;
    assert.throws(
      () => target.loadStateDict(state),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        const m = error.message;
        assert.match(m, /^Sequential\.loadStateDict: 7 problem\(s\), nothing was loaded/);
        assert.match(m, /size mismatch for '0.weight': the state dict has shape \[4, 3, 3, 3\], the module has \[8, 3, 3, 3\]/);
        assert.match(m, /size mismatch for '1.running_var': the state dict has shape \[4\], the module has \[8\]/);
        assert.match(m, /missing key '0.bias' \(shape \[8\]\)/);
        assert.match(m, /unexpected key '2.weight' \(shape \[5\]\)/);
        return true;
      },
    );
    assertClose(target.stateDict().get('0.weight') as E.Tensor, before, { atol: 0 }, 'nothing was copied');
    // Non-strict: missing and unexpected keys are returned, shape mismatches are still errors.
    assert.throws(() => target.loadStateDict(state, { strict: false }), /5 problem\(s\)/);
    const good = new Sequential(new Conv2d(3, 8, 3), new BatchNorm2d(8));
    const partial = good.stateDict();
    partial.delete('1.bias');
    partial.set('extra', E.zeros([1]));
    assert.deepEqual(target.loadStateDict(partial, { strict: false }), { missingKeys: ['1.bias'], unexpectedKeys: ['extra'] });
    assertClose(target.stateDict().get('0.weight') as E.Tensor, partial.get('0.weight') as E.Tensor, { atol: 0 });
    good.dispose();
  });
  target.dispose();
  source.dispose();
});

test('stateDict returns detached handles: disposing them leaves the module intact', () => {
  const m = new Linear(3, 2);
  const state = m.stateDict();
  for (const t of state.values()) {
    assert.equal(t.requiresGrad, false);
    t.dispose();
  }
  assert.equal(m.weight.value.isDisposed, false);
  assert.ok(m.weight.value.requiresGrad);
  m.dispose();
  assert.throws(() => m.weight.value, /Parameter used after dispose/);
});

test('forward hooks run through call() and can replace the output', () => {
  const relu = new ReLU();
  const seen: number[][] = [];
  const removeSpy = relu.registerForwardHook((_m, _x, y) => void seen.push([...y.shape]));
  const removeGate = relu.registerForwardHook((_m, _x, y) => y.mul(0));
  E.scope(() => {
    const x = E.ones([2, 3]);
    assert.equal(relu.call(x).sum().item(), 0, 'the gate hook replaced the output');
    assert.equal(relu.forward(x).sum().item(), 6, 'forward() itself runs no hooks');
    removeGate();
    assert.equal(relu.call(x).sum().item(), 6);
    removeSpy();
    relu.call(x);
  });
  assert.deepEqual(seen, [[2, 3], [2, 3]]);
});

test('to(dtype) converts floating tensors only and keeps the holders', () => {
  const bn = new BatchNorm2d(3);
  const holder = bn.weight as Parameter;
  bn.to('float64');
  assert.equal(bn.weight, holder);
  assert.equal(holder.value.dtype, 'float64');
  assert.ok(holder.value.requiresGrad && holder.value.isLeaf);
  assert.equal(bn.runningVar?.value.dtype, 'float64');
  assert.equal(bn.numBatchesTracked?.value.dtype, 'int64', 'counters stay int64, as in PyTorch');
  bn.to('cpu');
  assert.equal(holder.value.device, 'cpu');
  bn.dispose();
});

test('Parameter.replace disposes the old tensor and keeps the holder trainable', () => {
  const p = new Parameter(E.zeros([3]));
  const old = p.value;
  p.replace(E.ones([2]));
  assert.ok(old.isDisposed);
  assert.ok(p.value.requiresGrad && p.value.isLeaf);
  assert.deepEqual([...p.value.shape], [2]);
  E.scope(() => {
    const nonLeaf = p.value.mul(2);
    assert.throws(() => p.replace(nonLeaf), /has autograd history; pass next\.detach\(\)/);
  });
  assert.throws(() => new Parameter(E.zeros([1], { dtype: 'int64' })), /only floating tensors can require gradients/);
  p.dispose();
  p.dispose();
});

test('modules survive the scope that built them (their tensors are kept)', () => {
  const before = E.memory().tensors;
  const m = E.scope(() => new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2)));
  assert.equal(m.parameters().every((p) => !p.value.isDisposed), true);
  E.scope(() => void m.call(E.randn([1, 1, 5, 5])));
  m.dispose();
  assert.equal(E.memory().tensors, before);
});

test('toString shows the structure with current widths and non-default settings', () => {
  const net = new Sequential(new Conv2d(16, 32, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(32, { momentum: 0.01 }), new ReLU(), new Linear(32, 10));
  assert.equal(
    net.toString(),
    [
      'Sequential(',
      '  (0): Conv2d(16, 32, kernel_size=3, stride=2, padding=1, bias=false)',
      '  (1): BatchNorm2d(32, momentum=0.01)',
      '  (2): ReLU()',
      '  (3): Linear(32, 10)',
      ')',
    ].join('\n'),
  );
  assert.equal(new Conv2d(2, 4, [3, 1], { dilation: [2, 1], groups: 2 }).toString(), 'Conv2d(2, 4, kernel_size=(3, 1), dilation=(2, 1), groups=2)');
  net.dispose();
});

test('input checks name the layer and both shapes', () => {
  const conv = new Conv2d(3, 4, 3);
  const lin = new Linear(5, 2);
  const bn = new BatchNorm2d(4);
  E.scope(() => {
    assert.throws(() => conv.call(E.zeros([1, 2, 5, 5])), /Conv2d\(3, 4, kernel_size=3\): expected input \[N, 3, H, W\], got \[1, 2, 5, 5\]/);
    assert.throws(() => lin.call(E.zeros([2, 4])), /Linear\(5, 2\): expected input \[\.\.\., 5\], got \[2, 4\]/);
    assert.throws(() => bn.call(E.zeros([2, 4])), /BatchNorm2d\(4\): expected input \[N, 4, \*, \*\], got \[2, 4\]/);
  });
  for (const m of [conv, lin, bn]) m.dispose();
});
