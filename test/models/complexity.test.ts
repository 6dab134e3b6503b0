// Pinned parameter and MAC counts (conv + linear multiply-accumulates, docs/method.md section 3).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { BasicBlock, Conv1d, type ResidualBlock } from '../../src/nn/index.js';
import { countComplexity, countParameters, createModel, defaultInputShape, traceOutputShapes } from '../../src/models/index.js';

function measure(name: string): { params: number; macs: number; shortcutMacs: number } {
  const model = createModel(name);
  try {
    const c = countComplexity(model, defaultInputShape(name));
    assert.equal(c.params, countParameters(model));
    const shortcutMacs = c.layers.filter((l) => /\.(shortcut|downsample)\.0$/.test(l.name)).reduce((t, l) => t + l.macs, 0);
    return { params: c.params, macs: c.macs, shortcutMacs };
  } finally {
    model.dispose();
  }
}

test('ResNet-20 (1x1 projection shortcuts): 272,474 parameters, 40.81 M MACs', () => {
  const { params, macs, shortcutMacs } = measure('resnet20');
  assert.equal(params, 272_474);
  assert.equal(macs, 40_813_184);
  // Without the two projections this is the 40.55 M usually quoted for ResNet-20 (identity shortcuts).
  assert.equal(macs - shortcutMacs, 40_551_040);
});

test('ResNet-56: 855,770 parameters, 125-127 M MACs', () => {
  const { params, macs } = measure('resnet56');
  assert.equal(params, 855_770);
  assert.ok(macs >= 125e6 && macs <= 127e6, `${macs} MACs`);
  assert.equal(macs, 125_747_840);
});

test('ResNet-50: 25,557,032 parameters, about 4.1 G MACs at 224x224', () => {
  const { params, macs } = measure('resnet50');
  assert.equal(params, 25_557_032);
  assert.ok(Math.abs(macs - 4.1e9) < 0.05e9, `${macs} MACs`);
  assert.equal(macs, 4_089_184_256);
});

test('small models: LeNet-300-100 and LeNet-5', () => {
  assert.deepEqual(measure('lenet300'), { params: 266_610, macs: 266_200, shortcutMacs: 0 });
  // conv1 6*28*28*25, conv2 16*10*10*150, then 400*120 + 120*84 + 84*10.
  assert.deepEqual(measure('lenet5'), { params: 61_706, macs: 117_600 + 240_000 + 48_000 + 10_080 + 840, shortcutMacs: 0 });
});

test('1-d models at length 128 (per step: the sum of Cout * Cin * k over the convs)', () => {
  // FCN: 128*1*8 + 256*128*5 + 128*256*3 per step, then 128 * 2 classes; parameters: those conv
  // weights, 2 per BatchNorm channel, and the classifier's 128 * 2 + 2.
  assert.deepEqual(measure('fcn1d'), { params: 263_168 + 2 * 512 + 258, macs: 128 * (1024 + 163_840 + 98_304) + 256, shortcutMacs: 0 });
  // ResNet: block 1 1*64*8 + 64*64*(5 + 3) + projection 64, block 2 64*128*8 + 128*128*(5 + 3) +
  // projection 64*128, block 3 128*128*(8 + 5 + 3) (BatchNorm shortcut); then 128 * 2.
  const resnet = measure('resnet1d');
  assert.equal(resnet.macs, 128 * (33_344 + 204_800 + 262_144) + 256);
  assert.equal(resnet.shortcutMacs, 128 * (64 + 8192));
  // LeNet: conv1 6*128*5, conv2 16*60*6*5, then 16*30*120 + 120*84 + 84*2.
  assert.deepEqual(measure('lenet1d'), { params: 36 + 496 + 57_720 + 10_164 + 170, macs: 3840 + 28_800 + 57_600 + 10_080 + 168, shortcutMacs: 0 });
});

test('Conv1d MACs: Cout * Lout * (Cin / groups) * k, with stride and groups', () => {
  const conv = new Conv1d(4, 6, 3, { stride: 2, groups: 2, padding: 1 });
  const c = countComplexity(conv, [4, 11]);
  assert.deepEqual(c.layers[0]?.outputShape, [1, 6, 6]);
  assert.equal(c.macs, 6 * 6 * 2 * 3);
  assert.equal(c.params, 6 * 2 * 3 + 6);
  conv.dispose();
});

test('layer breakdown, counts after surgery, and training flags are restored', () => {
  const model = createModel('resnet20');
  const before = countComplexity(model, [3, 32, 32]);
  const conv1 = before.layers.find((l) => l.name === 'layer1.0.conv1');
  assert.deepEqual(conv1, { name: 'layer1.0.conv1', kind: 'Conv2d', params: 2304, macs: 16 * 32 * 32 * 16 * 9, outputShape: [1, 16, 32, 32] });
  model.getSubmodule('layer3.1').eval();
  const block = model.getSubmodule('layer1.1') as BasicBlock;
  // Removing 4 of 16 internal units of one block: conv1 outputs and conv2 inputs shrink.
  block.branch?.conv1.keepOutputs([...Array(12).keys()]);
  block.branch?.bn1.keepChannels([...Array(12).keys()]);
  block.branch?.conv2.keepInputs([...Array(12).keys()]);
  const pruned = countComplexity(model, [3, 32, 32]);
  assert.equal(before.macs - pruned.macs, 2 * 4 * 16 * 32 * 32 * 9);
  assert.equal(before.params - pruned.params, 2 * 4 * 16 * 9 + 2 * 4);
  // Removing a whole block as a layer: its two convs and BNs go.
  (model.getSubmodule('layer2.1') as ResidualBlock).removeBranch();
  const removed = countComplexity(model, [3, 32, 32]);
  assert.equal(pruned.macs - removed.macs, 2 * 32 * 16 * 16 * 32 * 9);
  assert.equal(pruned.params - removed.params, 2 * (32 * 32 * 9 + 64));
  assert.ok(model.training && !model.getSubmodule('layer3.1').training && model.getSubmodule('layer3.0').training, 'flags restored');
  E.scope(() => assert.equal(model.stateDict().get('bn1.num_batches_tracked')?.item(), 0, 'counting does not train'));
  const shapes = traceOutputShapes(model, [3, 32, 32]);
  assert.deepEqual(shapes.get(model), [1, 10]);
  model.dispose();
});
