// Which structures get gates: --units-only, --layers-only and --protect patterns (module paths with
// '*', a prefix covering everything below it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStructureGraph, GateState, isProtected } from '../../src/cat/index.js';
import { createModel } from '../../src/models/index.js';

const model = createModel('resnet20');
const graph = buildStructureGraph(model, [3, 32, 32]);
model.dispose();

test('protect patterns match module paths and everything below a prefix', () => {
  assert.ok(isProtected('layer3.1.conv1', ['layer3.*']));
  assert.ok(isProtected('layer3.1.conv1', ['layer3']));
  assert.ok(isProtected('layer3.1', ['layer3.?']));
  assert.ok(!isProtected('layer30.1', ['layer3']));
  assert.ok(!isProtected('layer2.1.conv1', ['layer3.*', 'fc']));
});

test('ablations and protection choose the gated structures', () => {
  const all = GateState.initial(graph, { units: true, layers: true, protect: [] });
  // Nine internal widths and three coupled stage widths.
  assert.equal(all.groups.size, 12);
  assert.equal(all.blocks.size, 9);
  const unitsOnly = GateState.initial(graph, { units: true, layers: false, protect: [] });
  assert.deepEqual([unitsOnly.groups.size, unitsOnly.blocks.size], [12, 0]);
  const layersOnly = GateState.initial(graph, { units: false, layers: true, protect: [] });
  assert.deepEqual([layersOnly.groups.size, layersOnly.blocks.size], [0, 9]);
  const protectedStage = GateState.initial(graph, { units: true, layers: true, protect: ['layer3', 'layer1.0'] });
  assert.deepEqual([...protectedStage.blocks.keys()], ['layer1.1', 'layer1.2', 'layer2.0', 'layer2.1', 'layer2.2']);
  assert.ok(![...protectedStage.groups.keys()].some((id) => id.startsWith('layer3') || id.startsWith('layer1.0')));
  // A coupled group is protected where any of its gates sits: the stem's stage has one in layer1.0.
  assert.ok(!protectedStage.groups.has('conv1') && protectedStage.groups.has('layer2.0.shortcut.0'));
});
