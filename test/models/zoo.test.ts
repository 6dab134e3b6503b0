// The model zoo: names, input shapes, forward shapes, PyTorch-compatible state keys, and memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as E from '../../src/engine/index.js';
import { Module } from '../../src/nn/index.js';
import { createModel, defaultInputShape, isModelName, lenet300, mlp, modelInputKind, modelNames, registerModel } from '../../src/models/index.js';

const SMALL = ['lenet300', 'lenet5', 'vgg11', 'vgg16', 'resnet20', 'resnet32', 'resnet44', 'resnet56', 'resnet110'];
const SERIES = ['fcn1d', 'resnet1d', 'lenet1d'];

test('the registry lists every model, and an unknown name lists them', () => {
  assert.deepEqual(modelNames().slice(0, SMALL.length + 3 + SERIES.length), [...SMALL, 'resnet18', 'resnet34', 'resnet50', ...SERIES]);
  assert.ok(isModelName('resnet56') && !isModelName('resnet57'));
  assert.throws(() => createModel('resnet57'), new RegExp(`unknown model 'resnet57': expected one of ${modelNames().join(', ')}`));
  assert.deepEqual(defaultInputShape('lenet5'), [1, 28, 28]);
  assert.deepEqual(defaultInputShape('vgg16'), [3, 32, 32]);
  assert.deepEqual(defaultInputShape('resnet50'), [3, 224, 224]);
  assert.deepEqual(defaultInputShape('resnet20', { inChannels: 1, inputLength: 99 }), [1, 32, 32]);
});

test('sequence models: input kind, [C, L] default shapes, and registerModel with a [C, L] shape', () => {
  assert.deepEqual(SERIES.map(modelInputKind), ['sequence', 'sequence', 'sequence']);
  assert.equal(modelInputKind('resnet20'), 'image');
  assert.deepEqual(defaultInputShape('resnet1d'), [1, 128]);
  assert.deepEqual(defaultInputShape('fcn1d', { inChannels: 3, inputLength: 500 }), [3, 500]);
  class Tiny extends Module {
    forward(x: E.Tensor): E.Tensor {
      return E.flatten(x, 1);
    }
  }
  registerModel('tiny-series', () => new Tiny(), [2, 40]);
  assert.equal(modelInputKind('tiny-series'), 'sequence');
  assert.deepEqual(defaultInputShape('tiny-series', { inputLength: 8 }), [2, 8]);
  assert.throws(() => registerModel('bad-shape', () => new Tiny(), [40]), /inputShape must be \[channels, height, width\] \(images\) or \[channels, length\] \(sequences\)/);
  assert.throws(() => modelInputKind('nope'), /unknown model 'nope'/);
});

for (const name of SERIES) {
  test(`${name}: forward of [2, C, L] at two lengths and channel counts gives [2, classes]; dispose frees everything`, () => {
    const before = E.memory().tensors;
    for (const [inChannels, inputLength] of [[1, 128], [3, 45]] as const) {
      const model = createModel(name, { numClasses: 4, inChannels, inputLength });
      E.scope(() => {
        const y = model.call(E.randn([2, ...defaultInputShape(name, { inChannels, inputLength })]));
        assert.deepEqual([...y.shape], [2, 4]);
        assert.ok(Number.isFinite(y.sum().item()));
      });
      model.dispose();
    }
    assert.equal(E.memory().tensors, before);
  });
}

test('lenet1d follows the input length and refuses one too short for it', () => {
  const model = createModel('lenet1d', { inputLength: 45 });
  assert.match(model.toString(), /Linear\(144, 120\)/, '16 x floor((floor(45 / 2) - 4) / 2) = 16 x 9 features');
  model.dispose();
  assert.throws(() => createModel('lenet1d', { inputLength: 11 }), /lenet1d: inputLength must be at least 12/);
});

test('resnet1d state keys: projections where the width changes, a BatchNorm shortcut at equal widths', () => {
  const model = createModel('resnet1d', { numClasses: 5 });
  E.scope(() => {
    const state = model.stateDict();
    assert.deepEqual(state.get('layer1.conv1.weight')?.shape, [64, 1, 8]);
    assert.deepEqual(state.get('layer2.conv2.weight')?.shape, [128, 128, 5]);
    assert.deepEqual(state.get('layer3.conv3.weight')?.shape, [128, 128, 3]);
    assert.deepEqual(state.get('layer2.shortcut.0.weight')?.shape, [128, 64, 1]);
    assert.ok(state.has('layer3.shortcut.running_mean') && !state.has('layer3.shortcut.0.weight'));
    assert.deepEqual(state.get('fc.weight')?.shape, [5, 128]);
  });
  model.dispose();
});

for (const name of SMALL) {
  test(`${name}: forward of a batch of 2 gives [2, classes], and dispose frees everything`, () => {
    const before = E.memory().tensors;
    const model = createModel(name);
    E.scope(() => {
      const y = model.call(E.randn([2, ...defaultInputShape(name)]));
      assert.deepEqual([...y.shape], [2, 10]);
      assert.ok(Number.isFinite(y.sum().item()));
    });
    model.dispose();
    assert.equal(E.memory().tensors, before);
  });
}

test('resnet18 forward at 1x3x64x64; numClasses and inChannels options', () => {
  const model = createModel('resnet18', { numClasses: 7, inChannels: 1 });
  E.scope(() => assert.deepEqual([...model.eval().call(E.randn([1, 1, 64, 64])).shape], [1, 7]));
  model.dispose();
  const cifar100 = createModel('resnet20', { numClasses: 100 });
  E.scope(() => assert.deepEqual([...cifar100.call(E.randn([2, 3, 32, 32])).shape], [2, 100]));
  cifar100.dispose();
  const mnist = lenet300({ inChannels: 3 });
  assert.equal(mnist.toString().split('\n')[2], '  (1): Linear(2352, 300)');
  mnist.dispose();
  assert.throws(() => mlp([784]), /at least an input and an output width/);
});

test('resnet20 state keys match the PyTorch CIFAR ResNet (option B shortcuts)', () => {
  const model = createModel('resnet20');
  E.scope(() => {
    const state = model.stateDict();
    for (const key of ['conv1.weight', 'bn1.num_batches_tracked', 'layer1.0.conv1.weight', 'layer1.2.bn2.running_var', 'layer2.0.shortcut.0.weight', 'layer2.0.shortcut.1.running_mean', 'layer3.2.conv2.weight', 'fc.weight', 'fc.bias']) {
      assert.ok(state.has(key), `missing ${key}`);
    }
    assert.ok(!state.has('layer1.0.shortcut.0.weight'), 'identity shortcuts have no weights');
    assert.equal(state.get('bn1.num_batches_tracked')?.dtype, 'int64');
    assert.deepEqual(state.get('layer2.0.shortcut.0.weight')?.shape, [32, 16, 1, 1]);
    assert.deepEqual(state.get('fc.weight')?.shape, [10, 64]);
  });
  model.dispose();
});

test('resnet50 and resnet18 state keys match torchvision (same keys, same count)', () => {
  for (const [name, count] of [['resnet50', 320], ['resnet18', 122]] as const) {
    const model = createModel(name);
    E.scope(() => {
      const state = model.stateDict();
      assert.equal(state.size, count, `${name}: torchvision's state dict has ${count} entries`);
      for (const key of ['conv1.weight', 'bn1.running_mean', 'layer2.0.downsample.0.weight', 'layer2.0.downsample.1.weight', 'layer4.1.bn2.num_batches_tracked', 'fc.bias']) {
        assert.ok(state.has(key), `${name}: missing ${key}`);
      }
      if (name === 'resnet50') {
        assert.ok(state.has('layer1.0.downsample.0.weight') && state.has('layer3.5.conv3.weight'));
        assert.deepEqual(state.get('layer1.0.downsample.0.weight')?.shape, [256, 64, 1, 1]);
        assert.deepEqual(state.get('fc.weight')?.shape, [1000, 2048]);
      } else {
        assert.ok(!state.has('layer1.0.downsample.0.weight'));
      }
    });
    model.dispose();
  }
});

test('VGG and LeNet keys follow their PyTorch Sequential layout', () => {
  const vgg = createModel('vgg11');
  const lenet = createModel('lenet5');
  E.scope(() => {
    const v = [...vgg.stateDict().keys()];
    assert.deepEqual(v.slice(0, 7), ['features.0.weight', 'features.0.bias', 'features.1.weight', 'features.1.bias', 'features.1.running_mean', 'features.1.running_var', 'features.1.num_batches_tracked']);
    assert.deepEqual(v.slice(-2), ['classifier.weight', 'classifier.bias']);
    assert.deepEqual([...lenet.stateDict().keys()].filter((k) => k.endsWith('weight')), ['0.weight', '3.weight', '7.weight', '9.weight', '11.weight']);
  });
  vgg.dispose();
  lenet.dispose();
});

test('createModel is typed by name', () => {
  const model = createModel('resnet56');
  assert.equal(model.stages.length, 3, 'a CifarResNet, without a cast');
  assert.equal(model.depth, 56);
  model.dispose();
});

test('a CIFAR ResNet trains a step: every parameter gets a gradient; channels-last model gives the same output', () => {
  E.manualSeed(1);
  const model = createModel('resnet20');
  E.scope(() => {
    const x = E.randn([4, 3, 32, 32]);
    const loss = E.crossEntropy(model.call(x), E.tensor([0, 1, 2, 3], { dtype: 'int64' }));
    loss.backward();
    for (const [name, p] of model.namedParameters()) assert.ok(p.grad !== null, `${name} has a gradient`);
    const expected = model.eval().call(x);
    const cl = createModel('resnet20', { channelsLast: true }).eval();
    cl.loadStateDict(model.stateDict());
    assert.ok(cl.conv1.weight.value.isContiguous('channels_last'), 'loading keeps the layout');
    const y = cl.call(x.contiguous('channels_last'));
    assert.ok(E.abs(E.sub(y, expected)).max().item() < 1e-4, 'same weights, same output');
    cl.dispose();
  });
  model.dispose();
});
