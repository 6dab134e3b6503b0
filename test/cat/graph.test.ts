// The structure graph is derived from one traced forward with one rule per op kind (docs/method.md
// section 7): the expected unit groups, gate sites and residual blocks of zoo models and of networks
// defined in the test itself, with no per-architecture code.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStructureGraph, type StructureGraph } from '../../src/cat/index.js';
import { countComplexity, createModel, defaultInputShape } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { FunctionalCnn, TinyResNet } from './nets.js';

const prunable = (g: StructureGraph): string[] => g.groups.filter((x) => x.prunable).map((x) => x.id);
const group = (g: StructureGraph, id: string) => {
  const found = g.groups.find((x) => x.id === id);
  assert.ok(found, `group ${id} in ${g.groups.map((x) => x.id).join(', ')}`);
  return found;
};

function graphOf(model: Module, inputShape: readonly number[]): StructureGraph {
  try {
    return buildStructureGraph(model, inputShape);
  } finally {
    model.dispose();
  }
}

describe('zoo models', () => {
  test('lenet300: every hidden layer is a gated group; input and output are fixed', () => {
    const g = graphOf(createModel('lenet300'), [1, 28, 28]);
    assert.deepEqual(prunable(g), ['1', '3']);
    assert.equal(group(g, '1').gateSite, '2');
    assert.equal(group(g, '5').fixedReason, 'the network output');
    assert.equal(g.blocks.length, 0);
  });

  test('lenet5: a conv feeding a flatten expands each channel into its 5x5 positions', () => {
    const g = graphOf(createModel('lenet5'), [1, 28, 28]);
    assert.deepEqual(prunable(g), ['0', '3', '7', '9']);
    assert.deepEqual(group(g, '3').consumers, [{ module: '7', expand: 25 }]);
    // After the ReLU and the pool: a 0 gate there is an exact zero for the consumer.
    assert.equal(group(g, '3').gateSite, '5');
  });

  test('vgg11: every conv is gated after its BatchNorm and ReLU (or pool)', () => {
    const g = graphOf(createModel('vgg11'), [3, 32, 32]);
    assert.equal(prunable(g).length, 8);
    assert.deepEqual(group(g, 'features.0').norms, ['features.1']);
    assert.equal(group(g, 'features.0').gateSite, 'features.3');
  });

  test('resnet20: internal widths gated, stage widths joined by the residual sums, 9 blocks', () => {
    const g = graphOf(createModel('resnet20'), [3, 32, 32]);
    assert.deepEqual(prunable(g), ['layer1.0.conv1', 'layer1.1.conv1', 'layer1.2.conv1', 'layer2.0.conv1', 'layer2.1.conv1', 'layer2.2.conv1', 'layer3.0.conv1', 'layer3.1.conv1', 'layer3.2.conv1']);
    const stage = group(g, 'conv1+layer1.0.conv2+layer1.1.conv2+layer1.2.conv2');
    assert.match(stage.fixedReason ?? '', /residual sum/);
    assert.equal(group(g, 'layer2.1.conv1').gateSite, 'layer2.1.relu1');
    assert.equal(group(g, 'layer2.1.conv1').block, 'layer2.1');
    assert.equal(g.blocks.length, 9);
    assert.deepEqual([...(g.blocks[3]?.layers ?? [])].sort(), ['layer2.0.bn1', 'layer2.0.bn2', 'layer2.0.conv1', 'layer2.0.conv2']);
  });

  test('resnet50: two gated widths per bottleneck; what a shortcut projection reads stays fixed', () => {
    const g = graphOf(createModel('resnet50'), [3, 64, 64]);
    const gated = prunable(g);
    assert.equal(gated.length, 32);
    assert.ok(gated.includes('layer4.2.conv1') && gated.includes('layer4.2.conv2'));
    assert.match(group(g, 'conv1').fixedReason ?? '', /shortcut layer1\.0\.downsample\.0/);
    assert.equal(g.blocks.length, 16);
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
    const g = graphOf(new TinyResNet(), [1, 12, 12]);
    assert.deepEqual(prunable(g), ['blocks.0.conv1', 'blocks.1.conv1', 'blocks.2.conv1']);
    assert.equal(group(g, 'blocks.1.conv1').gateSite, 'blocks.1.act');
    assert.deepEqual(g.blocks.map((b) => b.id), ['blocks.0', 'blocks.1', 'blocks.2']);
    assert.match(group(g, 'stem+blocks.0.conv2').fixedReason ?? '', /residual sum/);
  });

  test('a plain CNN with functional ops: gates go after the BatchNorm or on the producer', () => {
    const g = graphOf(new FunctionalCnn(), [1, 8, 8]);
    assert.deepEqual(prunable(g), ['conv', 'fc1']);
    assert.equal(group(g, 'conv').gateSite, 'bn');
    assert.deepEqual(group(g, 'conv').consumers, [{ module: 'fc1', expand: 16 }]);
    assert.equal(group(g, 'fc1').gateSite, 'fc1');
  });
});
