// The structure graph of 1-d networks ([N, C, L] tensors) from the same rules as the 2-d ones: gate
// groups, coupled stage widths across residual sums, removable blocks, a flatten of [N, C, L] making
// each channel L columns, and exact MACs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StructureGraph } from '../../src/cat/index.js';
import { countComplexity, createModel, defaultInputShape } from '../../src/models/index.js';
import { FunctionalCnn1d, RowSeries, smallResNet1d } from './series-nets.js';
import { FIXED, graphOf, group, prunable, sitesOf } from './graph-queries.js';

const sortedSites = (g: StructureGraph, id: string): string[] => sitesOf(g, id).sort();


describe('1-d zoo models', () => {
  test('resnet1d: two internal widths per block, two coupled stage widths, three removable blocks', () => {
    const g = graphOf(createModel('resnet1d'), [1, 128]);
    const internal = ['layer1.conv1', 'layer1.conv2', 'layer2.conv1', 'layer2.conv2', 'layer3.conv1', 'layer3.conv2'];
    assert.deepEqual(prunable(g).filter((id) => !group(g, id).coupled), internal);
    assert.deepEqual(group(g, 'layer2.conv2').gateSites, [{ module: 'layer2.relu2', rank: 3, folds: 'consumers' }]);
    assert.equal(group(g, 'layer2.conv2').block, 'layer2');
    // Block 1's output: its projection and its conv3 write it, blocks 2's conv1 and projection read it.
    const first = group(g, 'layer1.shortcut.0');
    assert.ok(first.prunable && first.coupled);
    assert.deepEqual([...first.producers].sort(), ['layer1.conv3', 'layer1.shortcut.0']);
    assert.deepEqual([...first.norms].sort(), ['layer1.bn3', 'layer1.shortcut.1']);
    assert.deepEqual(first.consumers.map((c) => c.module).sort(), ['layer2.conv1', 'layer2.shortcut.0']);
    assert.deepEqual(sortedSites(g, 'layer1.shortcut.0'), ['layer1.relu']);
    // Blocks 2 and 3 share one width: block 3's BatchNorm shortcut normalises it, the classifier reads it.
    const last = group(g, 'layer2.shortcut.0');
    assert.ok(last.prunable && last.coupled);
    assert.deepEqual([...last.producers].sort(), ['layer2.conv3', 'layer2.shortcut.0', 'layer3.conv3']);
    assert.deepEqual([...last.norms].sort(), ['layer2.bn3', 'layer2.shortcut.1', 'layer3.bn3', 'layer3.shortcut']);
    assert.deepEqual(last.consumers.map((c) => c.module).sort(), ['fc', 'layer3.conv1']);
    assert.deepEqual(sortedSites(g, 'layer2.shortcut.0'), ['avgpool', 'layer2.relu']);
    assert.equal(prunable(g).length, 8);
    assert.deepEqual(g.blocks.map((b) => [b.id, b.prunable, b.gateNorm]), [['layer1', true, 'layer1.bn3'], ['layer2', true, 'layer2.bn3'], ['layer3', true, 'layer3.bn3']]);
    assert.deepEqual([...(g.blocks[2]?.layers ?? [])].sort(), ['layer3.bn1', 'layer3.bn2', 'layer3.bn3', 'layer3.conv1', 'layer3.conv2', 'layer3.conv3']);
    assert.deepEqual(g.layers.find((l) => l.module === 'layer1.conv1'), {
      module: 'layer1.conv1', op: 'conv1d', inGroup: 'input', outGroup: 'layer1.conv1', inExpand: 1, macsPerPair: 128 * 8, weightsPerPair: 8, biasPerUnit: 0,
      macs: 64 * 128 * 8, params: 64 * 8, constant: false, block: 'layer1',
    });
  });

  test('resnet1d with --residual-channels fixed: only the internal widths are gated; the blocks stay removable', () => {
    const g = graphOf(createModel('resnet1d'), [1, 128], FIXED);
    assert.deepEqual(prunable(g), ['layer1.conv1', 'layer1.conv2', 'layer2.conv1', 'layer2.conv2', 'layer3.conv1', 'layer3.conv2']);
    assert.match(group(g, 'layer2.shortcut.0').fixedReason ?? '', /residual sum/);
    assert.equal(g.blocks.length, 3);
  });

  test('fcn1d: every conv width is gated after its BatchNorm and ReLU; no blocks', () => {
    const g = graphOf(createModel('fcn1d'), [1, 128]);
    assert.deepEqual(prunable(g), ['block1.0', 'block2.0', 'block3.0']);
    assert.deepEqual(group(g, 'block2.0').norms, ['block2.1']);
    assert.deepEqual(group(g, 'block2.0').gateSites, [{ module: 'block2.2', rank: 3, folds: 'consumers' }]);
    assert.deepEqual(group(g, 'block3.0').consumers, [{ module: 'fc', expand: 1 }]);
    assert.equal(g.blocks.length, 0);
  });

  test('lenet1d: a conv feeding a flatten of [N, C, L] makes each channel L consecutive columns', () => {
    const g = graphOf(createModel('lenet1d', { inputLength: 64 }), [1, 64]);
    assert.deepEqual(prunable(g), ['0', '3', '7', '9']);
    // 64 -> 32 (pool) -> 28 (conv 5) -> 14 (pool): 14 columns per channel of conv 3.
    assert.deepEqual(group(g, '3').consumers, [{ module: '7', expand: 14 }]);
    assert.deepEqual(sortedSites(g, '3'), ['5']);
    assert.equal(g.layers.find((l) => l.module === '7')?.inExpand, 14);
  });

  test('exact MACs and parameters equal the module-hook count of every 1-d model, at two lengths', () => {
    for (const name of ['fcn1d', 'resnet1d', 'lenet1d'] as const) {
      for (const inputLength of [128, 37]) {
        const shape = defaultInputShape(name, { inChannels: 2, inputLength });
        const model = createModel(name, { inChannels: 2, inputLength });
        const counted = countComplexity(model, shape);
        const g = graphOf(model, shape);
        assert.equal(g.macs, counted.macs, `${name} at ${inputLength}`);
        assert.equal(g.params, counted.params, `${name} at ${inputLength}`);
      }
    }
  });
});

describe('1-d networks defined here', () => {
  test('functional ReLU, max-pool and flatten: the gate goes on the norm, each channel is 5 columns', () => {
    const g = graphOf(new FunctionalCnn1d(), [2, 10]);
    assert.deepEqual(prunable(g), ['conv', 'fc1']);
    assert.deepEqual(group(g, 'conv').consumers, [{ module: 'fc1', expand: 5 }]);
    assert.deepEqual(group(g, 'conv').gateSites, [{ module: 'bn', rank: 3, folds: 'activation' }]);
  });

  test('a 1-d network fed through a squeeze of [N, C, 1, L] keeps its groups and blocks', () => {
    const g = graphOf(new RowSeries(smallResNet1d()), [1, 1, 24]);
    assert.equal(prunable(g).length, 8);
    assert.deepEqual(g.blocks.map((b) => b.id), ['net.layer1', 'net.layer2', 'net.layer3']);
  });
});
