// Surgery is exact (docs/method.md section 5): the network with a structure gated to 0 gives the same
// outputs as the network with it physically removed, for unit groups (also through a flatten) and
// whole residual blocks, on zoo models and on a network defined in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { applyEvents, buildStructureGraph, GateMultipliers, GateState, type PruneEvent } from '../../src/cat/index.js';
import { createModel, fcn1d } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { assertClose } from '../helpers/check.js';
import { FunctionalCnn, TinyResNet } from './nets.js';
import { FunctionalCnn1d, smallResNet1d } from './series-nets.js';

/** Puts BatchNorm statistics away from their defaults, so dropped channels would show. */
function perturbStatistics(model: Module): void {
  E.noGrad(() => {
    for (const [name, buffer] of model.namedBuffers()) {
      if (name.endsWith('running_mean')) buffer.value.copy_(E.scope(() => E.randn(buffer.value.shape).mul(0.1)));
      if (name.endsWith('running_var')) buffer.value.copy_(E.scope(() => E.rand(buffer.value.shape).add(0.5)));
    }
    for (const [name, p] of model.namedParameters()) if (name.endsWith('bias') && p.value.ndim === 1) p.value.copy_(E.scope(() => E.randn(p.value.shape).mul(0.1)));
  });
}

function checkExact(name: string, make: () => Module, shape: number[], choose: (gates: GateState) => PruneEvent[]): void {
  test(`${name}: gating structures to 0 equals removing them`, () => {
    E.manualSeed(5);
    const model = make();
    perturbStatistics(model);
    model.eval();
    const x = E.keep(E.randn([3, ...shape]));
    const graph = buildStructureGraph(model, shape);
    const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
    const events = choose(gates);
    for (const event of events) {
      if (event.kind === 'block') (gates.blocks.get(event.block) as { theta: number[] }).theta = [0];
      else {
        const record = gates.groups.get(event.group) as { theta: number[] };
        record.theta = record.theta.map((_, i) => (event.keep.includes(i) ? 1 : 0));
      }
    }
    const multipliers = new GateMultipliers(model, false);
    multipliers.install(graph, gates);
    const gated = E.keep(E.noGrad(() => model.call(x)));
    multipliers.uninstall();
    const before = E.memory().tensors;
    E.noGrad(() => applyEvents(model, graph, events));
    assert.ok(E.memory().tensors <= before, 'surgery frees what it removes');
    const removed = E.keep(E.noGrad(() => model.call(x)));
    assertClose(removed, gated, { atol: 1e-5, rtol: 1e-4 });
    E.disposeAll([x, gated, removed]);
    model.dispose();
  });
}

const someUnits = (gates: GateState, blocks: string[] = []): PruneEvent[] => [
  ...blocks.map((block): PruneEvent => ({ step: 0, kind: 'block', block })),
  ...[...gates.groups].map(([group, r]): PruneEvent => ({ step: 0, kind: 'units', group, keep: r.theta.map((_, i) => i).filter((i) => i % 3 !== 1) })),
];

checkExact('lenet300', () => createModel('lenet300'), [1, 28, 28], (g) => someUnits(g));
checkExact('lenet5 (through a flatten)', () => createModel('lenet5'), [1, 28, 28], (g) => someUnits(g));
checkExact('vgg11', () => createModel('vgg11'), [3, 32, 32], (g) => someUnits(g));
checkExact('resnet20 units and blocks', () => createModel('resnet20'), [3, 32, 32], (g) => someUnits(g, ['layer1.2', 'layer2.0', 'layer3.1']));
checkExact('resnet50 bottlenecks', () => createModel('resnet50', { numClasses: 10 }), [3, 32, 32], (g) => someUnits(g, ['layer2.1', 'layer4.0']));
checkExact('a residual network defined here', () => new TinyResNet(), [1, 12, 12], (g) => someUnits(g, ['blocks.1']));
checkExact('a functional CNN defined here', () => new FunctionalCnn(), [1, 8, 8], (g) => someUnits(g));
checkExact('resnet1d units and a projection block', () => smallResNet1d(), [1, 20], (g) => someUnits(g, ['layer2']));
checkExact('resnet1d units and its BatchNorm-shortcut block', () => smallResNet1d(), [1, 20], (g) => someUnits(g, ['layer3']));
checkExact('fcn1d', () => fcn1d({ filters: [6, 12, 6], inChannels: 2 }), [2, 16], (g) => someUnits(g));
checkExact('lenet1d (through a flatten of [N, C, L])', () => createModel('lenet1d', { inputLength: 30 }), [1, 30], (g) => someUnits(g));
checkExact('a functional 1-d CNN defined here', () => new FunctionalCnn1d(), [2, 10], (g) => someUnits(g));

test('channels-last weights stay channels-last through surgery', () => {
  const model = createModel('resnet20').toMemoryFormat('channels_last');
  const graph = buildStructureGraph(model, [3, 32, 32]);
  E.noGrad(() => applyEvents(model, graph, [{ step: 0, kind: 'units', group: 'layer2.1.conv1', keep: [0, 3, 5, 9] }]));
  const conv = model.getSubmodule('layer2.1.conv2').ownTensors().parameters.get('weight')!.value;
  assert.deepEqual(conv.shape, [32, 4, 3, 3]);
  assert.ok(conv.isContiguous('channels_last'));
  model.dispose();
});
