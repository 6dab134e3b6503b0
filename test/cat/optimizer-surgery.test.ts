// The optimiser follows surgery (docs/method.md section 4, step 7): after structures are removed, one
// SGD step (momentum, Nesterov, weight decay) on the pruned network equals one step on the dense
// network with those structures gated to 0, restricted to the kept entries: weights, BatchNorm
// statistics and momentum buffers, with channels-last kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { applyEvents, buildStructureGraph, GateMultipliers, GateState, type PruneEvent } from '../../src/cat/index.js';
import type { Module } from '../../src/nn/index.js';
import { makeOptimizer, parameterNames } from '../../src/train/setup.js';
import { DEFAULT_CONFIG } from '../../src/train/config.js';
import type { Sgd } from '../../src/train/sgd.js';
import { assertClose } from '../helpers/check.js';
import { TinyResNet } from './nets.js';

const shape = [1, 12, 12];
const config = { ...DEFAULT_CONFIG, model: 'tiny', data: 'mnist' };

function step(model: Module, optimizer: Sgd, x: E.Tensor, y: E.Tensor): void {
  E.scope(() => {
    E.crossEntropy(model.call(x), y).backward();
    optimizer.step(0.05);
  });
}

function snapshot(model: Module, optimizer: Sgd): Map<string, E.Tensor> {
  const out = new Map<string, E.Tensor>();
  for (const [k, v] of model.stateDict()) out.set(k, E.keep(v));
  for (const [k, v] of optimizer.stateDict(parameterNames(model))) out.set(`opt.${k}`, E.keep(v.clone()));
  return out;
}

test('one step on the pruned network equals one step on the gated dense network, on the kept entries', () => {
  E.manualSeed(1);
  const dense = new TinyResNet().toMemoryFormat('channels_last');
  const optimizer = makeOptimizer(config, dense);
  const x = E.keep(E.randn([6, ...shape]).contiguous('channels_last'));
  const y = E.keep(E.randint(0, 4, [6]));
  dense.train();
  for (let i = 0; i < 3; i++) step(dense, optimizer, x, y);

  // A second copy with the same weights and momentum.
  E.manualSeed(1);
  const pruned = new TinyResNet().toMemoryFormat('channels_last');
  const prunedOptimizer = makeOptimizer(config, pruned);
  E.scope(() => pruned.loadStateDict(dense.stateDict()));
  const byName = new Map([...parameterNames(pruned)].map(([p, n]) => [n, p] as const));
  E.scope(() => prunedOptimizer.loadStateDict(optimizer.stateDict(parameterNames(dense)), byName));

  const graph = buildStructureGraph(dense, shape);
  const events: PruneEvent[] = [
    { step: 3, kind: 'block', block: 'blocks.2' },
    { step: 3, kind: 'units', group: 'blocks.0.conv1', keep: [0, 2, 3, 7] },
    { step: 3, kind: 'units', group: 'blocks.1.conv1', keep: [1, 4, 5, 6, 8, 9, 10, 15] },
  ];
  const before = E.memory().tensors;
  applyEvents(pruned, graph, events, prunedOptimizer);
  assert.ok(E.memory().tensors < before, 'the removed block and units free their tensors (also momentum)');
  step(pruned, prunedOptimizer, x, y);

  // The dense network steps with the same structures gated to 0, then is cut the same way.
  const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
  gates.blocks.get('blocks.2')!.theta = [0];
  for (const e of events) if (e.kind === 'units') gates.groups.get(e.group)!.theta = gates.groups.get(e.group)!.theta.map((_, i) => (e.keep.includes(i) ? 1 : 0));
  const multipliers = new GateMultipliers(dense, false);
  multipliers.install(graph, gates);
  E.scope(() => {
    multipliers.sample(gates, 6, 'cpu');
    E.crossEntropy(dense.call(x), y).backward();
    optimizer.step(0.05);
    multipliers.clear();
  });
  multipliers.uninstall();
  applyEvents(dense, graph, events, optimizer);

  const expected = snapshot(dense, optimizer);
  const actual = snapshot(pruned, prunedOptimizer);
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [key, value] of actual) {
    assert.deepEqual(value.shape, expected.get(key)!.shape, key);
    assertClose(value, expected.get(key)!, { atol: 1e-6, rtol: 1e-5 });
    if (value.ndim === 4) assert.ok(value.isContiguous('channels_last'), `${key} stays channels-last`);
  }
  E.disposeAll([x, y, [...expected.values()], [...actual.values()]]);
  optimizer.dispose();
  prunedOptimizer.dispose();
  dense.dispose();
  pruned.dispose();
});
