// Residual blocks: torchvision names, removeBranch makes the block relu(shortcut(x)), a branch hook
// sits between the branch output and the sum, and nn's residual registry finds blocks by class.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { BasicBlock, Bottleneck, Identity, Module, Sequential, registerResidual, residualOf, type BranchHook, type Residual, type ResidualBlock } from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';
import { SeriesResidualBlock } from '../../src/models/index.js';

const blocks: [string, () => ResidualBlock, number[]][] = [
  ['BasicBlock, identity shortcut', () => new BasicBlock(4, 4), [2, 4, 6, 6]],
  ['BasicBlock, projection shortcut', () => new BasicBlock(4, 8, { stride: 2, shortcutName: 'shortcut' }), [2, 4, 6, 6]],
  ['Bottleneck, projection shortcut', () => new Bottleneck(8, 4, { stride: 2 }), [2, 8, 6, 6]],
  ['Bottleneck, identity shortcut', () => new Bottleneck(16, 4), [2, 16, 6, 6]],
  ['resnet1d block, 1-d projection shortcut', () => new SeriesResidualBlock(3, 6), [2, 3, 10]],
  ['resnet1d block, BatchNorm shortcut', () => new SeriesResidualBlock(6, 6), [2, 6, 10]],
];

for (const [name, make, shape] of blocks) {
  test(`${name}: removeBranch makes the block relu(shortcut(x)) and frees the branch`, () => {
    E.manualSeed(5);
    const block = make().eval();
    E.scope(() => {
      const x = E.randn(shape);
      const expected = E.relu(block.shortcut.call(x));
      // A gate of 0 on the branch already gives the removed block's output (docs/method.md section 5).
      const removeZero = block.registerBranchHook((out) => out.mul(0));
      assertClose(block.call(x), expected, { atol: 1e-6 }, 'gate 0');
      removeZero();
      const removeOne = block.registerBranchHook((out) => out.mul(1));
      const gatedOne = block.call(x);
      removeOne();
      assertClose(gatedOne, block.call(x), { atol: 0 }, 'gate 1 is the plain block');
      const tensorsBefore = E.memory().tensors;
      const branchTensors = block.namedParameters().length + block.namedBuffers().length - [...block.shortcut.parameters(), ...block.shortcut.namedBuffers()].length;
      const freed = block.removeBranch();
      assert.equal(E.memory().tensors, tensorsBefore - branchTensors, 'the branch weights were freed');
      assert.ok(freed.length > 0 && freed.every((p) => p.isDisposed), 'it returns the parameters it freed');
      assert.equal(block.branch, null);
      assertClose(block.call(x), expected, { atol: 1e-6 }, 'removed branch');
      assert.ok([...block.stateDict().keys()].every((k) => k.startsWith(`${block.shortcutName}.`)), 'only shortcut keys remain');
      assert.throws(() => block.removeBranch(), /already removed/);
    });
    block.dispose();
  });
}

test('block layout: torchvision names, shortcut kinds, stride on the 3x3 conv of a Bottleneck', () => {
  const basic = new BasicBlock(4, 4);
  assert.ok(basic.shortcut instanceof Identity);
  assert.deepEqual(basic.namedChildren().map(([k]) => k), ['conv1', 'bn1', 'relu1', 'conv2', 'bn2', 'relu', 'downsample']);
  const bottle = new Bottleneck(64, 64, { stride: 2 });
  assert.ok(bottle.shortcut instanceof Sequential);
  assert.deepEqual(bottle.branch?.conv2.stride, [2, 2]);
  assert.deepEqual(bottle.branch?.conv1.stride, [1, 1]);
  assert.equal(bottle.branch?.conv3.outChannels, 256);
  E.scope(() => assert.deepEqual([...bottle.call(E.randn([1, 64, 8, 8])).shape], [1, 256, 4, 4]));
  assert.match(bottle.toString(), /\(downsample\): Sequential\(\n {4}\(0\): Conv2d\(64, 256, kernel_size=1, stride=2, bias=false\)\n {4}\(1\): BatchNorm2d\(256\)\n {2}\)/);
  basic.dispose();
  bottle.dispose();
});

test('residualOf sees a block through its class; a block of another shape joins with one registerResidual call', () => {
  const basic = new BasicBlock(4, 8, { stride: 2, shortcutName: 'shortcut' });
  const view = residualOf(basic);
  assert.deepEqual(view?.branchNames, ['conv1', 'bn1', 'relu1', 'conv2', 'bn2']);
  assert.equal(view?.shortcutName, 'shortcut');
  assert.equal(residualOf(new Identity()), undefined, 'an identity is no residual block');

  /** y = x + scale * x, with a branch that is one parameter rather than modules. */
  class ScaledSkip extends Module {
    readonly gain = this.registerParameter('gain', E.ones([]));
    readonly branchHooks: BranchHook[] = [];
    removed = false;
    forward(x: E.Tensor): E.Tensor {
      if (this.removed) return x;
      let branch = x.mul(this.gain.value);
      for (const hook of this.branchHooks) branch = hook(branch, this);
      return branch.add(x);
    }
  }
  const skip = new ScaledSkip();
  const undo = registerResidual(ScaledSkip, (m): Residual => ({
    branchNames: m.removed ? [] : ['gain'],
    shortcutName: '',
    removeBranch: () => {
      m.removed = true;
      return [m.gain];
    },
    registerBranchHook: (hook) => {
      m.branchHooks.push(hook);
      return () => m.branchHooks.splice(m.branchHooks.indexOf(hook), 1);
    },
  }));
  E.scope(() => {
    const residual = residualOf(skip);
    assert.ok(residual !== undefined);
    const x = E.full([3], 2, { dtype: 'float32' });
    const unhook = residual.registerBranchHook((out) => out.mul(0));
    assert.deepEqual(Array.from(skip.call(x).data() as Float32Array), [2, 2, 2], 'the hook zeroes the branch');
    unhook();
    assert.deepEqual(Array.from(skip.call(x).data() as Float32Array), [4, 4, 4]);
    assert.deepEqual(residual.removeBranch(), [skip.gain]);
    assert.deepEqual(residualOf(skip)?.branchNames, []);
  });
  undo();
  assert.equal(residualOf(skip), undefined, 'unregistering leaves no trace for the other tests');
  skip.dispose();
  basic.dispose();
});
