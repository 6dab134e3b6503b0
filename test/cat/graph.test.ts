// The structure graph is derived from one traced forward with one rule per op kind (docs/method.md
// section 7): the expected unit groups, gate sites and residual blocks of zoo models and of networks
// defined in the test itself, with no per-architecture code.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { countComplexity, createModel, defaultInputShape } from '../../src/models/index.js';
import { BatchNorm2d, Conv2d, Linear, Module } from '../../src/nn/index.js';
import { FunctionalCnn, TinyResNet } from './nets.js';
import { FIXED, graphOf, group, prunable, sitesOf } from './graph-queries.js';


describe('zoo models', () => {
  test('lenet300: every hidden layer is a gated group; input and output are fixed', () => {
    const g = graphOf(createModel('lenet300'), [1, 28, 28]);
    assert.deepEqual(prunable(g), ['1', '3']);
    assert.deepEqual(sitesOf(g, '1'), ['2']);
    assert.equal(group(g, '5').fixedReason, 'the network output');
    assert.equal(g.blocks.length, 0);
  });

  test('lenet5: a conv feeding a flatten expands each channel into its 5x5 positions', () => {
    const g = graphOf(createModel('lenet5'), [1, 28, 28]);
    assert.deepEqual(prunable(g), ['0', '3', '7', '9']);
    assert.deepEqual(group(g, '3').consumers, [{ module: '7', expand: 25 }]);
    // After the ReLU and the pool: a 0 gate there is an exact zero for the consumer.
    assert.deepEqual(sitesOf(g, '3'), ['5']);
  });

  test('vgg11: every conv is gated after its BatchNorm and ReLU (or pool)', () => {
    const g = graphOf(createModel('vgg11'), [3, 32, 32]);
    assert.equal(prunable(g).length, 8);
    assert.deepEqual(group(g, 'features.0').norms, ['features.1']);
    assert.deepEqual(sitesOf(g, 'features.0'), ['features.3']);
  });

  test('resnet20 with --residual-channels fixed: internal widths gated, stage widths joined by the residual sums, 9 blocks', () => {
    const g = graphOf(createModel('resnet20'), [3, 32, 32], FIXED);
    assert.deepEqual(prunable(g), ['layer1.0.conv1', 'layer1.1.conv1', 'layer1.2.conv1', 'layer2.0.conv1', 'layer2.1.conv1', 'layer2.2.conv1', 'layer3.0.conv1', 'layer3.1.conv1', 'layer3.2.conv1']);
    const stage = group(g, 'conv1');
    assert.deepEqual(stage.producers, ['conv1', 'layer1.0.conv2', 'layer1.1.conv2', 'layer1.2.conv2']);
    assert.match(stage.fixedReason ?? '', /residual sum/);
    assert.deepEqual(sitesOf(g, 'layer2.1.conv1'), ['layer2.1.relu1']);
    assert.equal(group(g, 'layer2.1.conv1').block, 'layer2.1');
    assert.equal(g.blocks.length, 9);
    assert.deepEqual([...(g.blocks[3]?.layers ?? [])].sort(), ['layer2.0.bn1', 'layer2.0.bn2', 'layer2.0.conv1', 'layer2.0.conv2']);
  });

  test('resnet20: each stage width is one coupled group, gated before every sum, named after a layer no block removal takes', () => {
    const g = graphOf(createModel('resnet20'), [3, 32, 32]);
    const stages = ['conv1', 'layer2.0.shortcut.0', 'layer3.0.shortcut.0'];
    assert.deepEqual(prunable(g).filter((id) => group(g, id).coupled), stages);
    assert.equal(prunable(g).length, 12);
    const stem = group(g, 'conv1');
    assert.equal(stem.block, null);
    assert.deepEqual(stem.producers, ['conv1', 'layer1.0.conv2', 'layer1.1.conv2', 'layer1.2.conv2']);
    assert.deepEqual(stem.norms, ['bn1', 'layer1.0.bn2', 'layer1.1.bn2', 'layer1.2.bn2']);
    // The gate sits on each path into a layer that reads the stream: after the stem's ReLU and after
    // each block's sum and ReLU. Those layers read it directly, so their input columns carry it.
    assert.deepEqual(sitesOf(g, 'conv1').sort(), ['layer1.0.relu', 'layer1.1.relu', 'layer1.2.relu', 'relu']);
    assert.ok(stem.gateSites.every((s) => s.folds === 'consumers'));
    assert.deepEqual(stem.consumers.map((c) => c.module).sort(), ['layer1.0.conv1', 'layer1.1.conv1', 'layer1.2.conv1', 'layer2.0.conv1', 'layer2.0.shortcut.0']);
    const last = group(g, 'layer3.0.shortcut.0');
    assert.deepEqual([...last.producers].sort(), ['layer3.0.conv2', 'layer3.0.shortcut.0', 'layer3.1.conv2', 'layer3.2.conv2']);
    assert.deepEqual(sitesOf(g, 'layer3.0.shortcut.0').sort(), ['avgpool', 'layer3.0.relu', 'layer3.1.relu']);
    assert.ok(last.consumers.some((c) => c.module === 'fc'));
  });

  test('resnet50 with --residual-channels fixed: two gated widths per bottleneck; what a shortcut projection reads stays fixed', () => {
    const g = graphOf(createModel('resnet50'), [3, 64, 64], FIXED);
    const gated = prunable(g);
    assert.equal(gated.length, 32);
    assert.ok(gated.includes('layer4.2.conv1') && gated.includes('layer4.2.conv2'));
    assert.match(group(g, 'conv1').fixedReason ?? '', /shortcut layer1\.0\.downsample\.0/);
    assert.equal(g.blocks.length, 16);
  });

  test('resnet50: the stem and the four stage widths are pruned too, the stem folded into the layers that read it', () => {
    const g = graphOf(createModel('resnet50'), [3, 64, 64]);
    assert.equal(prunable(g).length, 32 + 1 + 4);
    assert.deepEqual(group(g, 'conv1').gateSites.map((s) => [s.module, s.folds]), [['maxpool', 'consumers']]);
    assert.deepEqual(prunable(g).filter((id) => group(g, id).coupled), ['layer1.0.downsample.0', 'layer2.0.downsample.0', 'layer3.0.downsample.0', 'layer4.0.downsample.0']);
    assert.deepEqual(sitesOf(g, 'layer4.0.downsample.0').sort(), ['avgpool', 'layer4.0.relu', 'layer4.1.relu']);
  });

  test('exact MACs and parameters equal the module-hook count of every zoo model', () => {
    for (const name of ['lenet300', 'lenet5', 'vgg16', 'resnet56', 'resnet18'] as const) {
      const model = createModel(name);
      const shape = name === 'resnet18' ? [3, 64, 64] : defaultInputShape(name);
      const counted = countComplexity(model, shape);
      const g = graphOf(model, shape);
      assert.equal(g.macs, counted.macs, name);
      assert.equal(g.params, counted.params, name);
    }
  });
});

describe('networks defined here', () => {
  test('a residual network of its own blocks with functional ReLU, pooling and flatten', () => {
    const fixed = graphOf(new TinyResNet(), [1, 12, 12], FIXED);
    assert.deepEqual(prunable(fixed), ['blocks.0.conv1', 'blocks.1.conv1', 'blocks.2.conv1']);
    assert.deepEqual(sitesOf(fixed, 'blocks.1.conv1'), ['blocks.1.act']);
    assert.deepEqual(fixed.blocks.map((b) => b.id), ['blocks.0', 'blocks.1', 'blocks.2']);
    assert.match(group(fixed, 'stem').fixedReason ?? '', /residual sum/);
    const g = graphOf(new TinyResNet(), [1, 12, 12]);
    assert.deepEqual(prunable(g).sort(), ['blocks.0.conv1', 'blocks.1.conv1', 'blocks.1.shortcut.0', 'blocks.2.conv1', 'stem']);
    // A functional ReLU follows the stem's BatchNorm, so that gate multiplies the norm's output (the
    // Identity shortcut hands the ReLU's output on, but a hook there would miss the branch).
    assert.deepEqual(group(g, 'stem').gateSites.map((s) => [s.module, s.folds]), [['bn', 'activation'], ['blocks.0.relu', 'activation']]);
    assert.ok(group(g, 'blocks.1.shortcut.0').gateSites.every((s) => s.folds === 'consumers'));
    assert.deepEqual(group(g, 'blocks.1.shortcut.0').consumers.map((c) => c.module), ['blocks.2.conv1', 'head']);
  });

  test('a sum read through a norm (pre-activation) is coupled, gated after the norm; a product of activations stays whole', () => {
    const preActivation = graphOf(new JoinNet('pre-activation'), [1, 6, 6]);
    assert.ok(group(preActivation, 'stem').prunable && group(preActivation, 'stem').coupled);
    assert.deepEqual(sitesOf(preActivation, 'stem'), ['norm']);
    const product = graphOf(new JoinNet('product'), [1, 6, 6]);
    assert.match(group(product, 'stem').fixedReason ?? '', /mul of two activations/);
  });

  test('a plain CNN with functional ops: gates go after the BatchNorm or on the producer', () => {
    const g = graphOf(new FunctionalCnn(), [1, 8, 8]);
    assert.deepEqual(prunable(g), ['conv', 'fc1']);
    assert.deepEqual(sitesOf(g, 'conv'), ['bn']);
    assert.deepEqual(group(g, 'conv').consumers, [{ module: 'fc1', expand: 16 }]);
    assert.deepEqual(sitesOf(g, 'fc1'), ['fc1']);
  });
});

/** y = stem(x) + conv(x) (or their product); then a norm on y (pre-activation) or not, pooling and a linear. */
class JoinNet extends Module {
  readonly stem = this.registerModule('stem', new Conv2d(1, 4, 3, { padding: 1 }));
  readonly conv = this.registerModule('conv', new Conv2d(1, 4, 3, { padding: 1 }));
  readonly norm = this.registerModule('norm', new BatchNorm2d(4));
  readonly head = this.registerModule('head', new Linear(4, 2));

  constructor(private readonly join: 'pre-activation' | 'product') {
    super();
  }

  forward(x: E.Tensor): E.Tensor {
    const s = this.stem.call(x);
    const y = this.join === 'product' ? s.mul(this.conv.call(x)) : this.norm.call(s.add(this.conv.call(x)));
    return this.head.call(E.flatten(E.relu(y).mean([2, 3], true), 1));
  }
}
