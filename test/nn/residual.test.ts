// Residual blocks: torchvision names, removeBranch makes the block relu(shortcut(x)), and a branch gate
// sits between the branch output and the sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { BasicBlock, Bottleneck, Identity, Sequential, type ResidualBlock } from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';

const blocks: [string, () => ResidualBlock, number[]][] = [
  ['BasicBlock, identity shortcut', () => new BasicBlock(4, 4), [2, 4, 6, 6]],
  ['BasicBlock, projection shortcut', () => new BasicBlock(4, 8, { stride: 2, shortcutName: 'shortcut' }), [2, 4, 6, 6]],
  ['Bottleneck, projection shortcut', () => new Bottleneck(8, 4, { stride: 2 }), [2, 8, 6, 6]],
  ['Bottleneck, identity shortcut', () => new Bottleneck(16, 4), [2, 16, 6, 6]],
];

for (const [name, make, shape] of blocks) {
  test(`${name}: removeBranch makes the block relu(shortcut(x)) and frees the branch`, () => {
    E.manualSeed(5);
    const block = make().eval();
    E.scope(() => {
      const x = E.randn(shape);
      const expected = E.relu(block.shortcut.call(x));
      // A gate of 0 on the branch already gives the removed block's output (docs/method.md section 5).
      block.branchGate = (out) => out.mul(0);
      assertClose(block.call(x), expected, { atol: 1e-6 }, 'gate 0');
      block.branchGate = (out) => out.mul(1);
      const gatedOne = block.call(x);
      block.branchGate = null;
      assertClose(gatedOne, block.call(x), { atol: 0 }, 'gate 1 is the plain block');
      const tensorsBefore = E.memory().tensors;
      const branchTensors = block.namedParameters().length + block.namedBuffers().length - [...block.shortcut.parameters(), ...block.shortcut.namedBuffers()].length;
      block.removeBranch();
      assert.equal(E.memory().tensors, tensorsBefore - branchTensors, 'the branch weights were freed');
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
