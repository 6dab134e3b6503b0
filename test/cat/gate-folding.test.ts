// Folding a gate into the weights that read it (a conv's or linear's input columns, a BatchNorm's
// affine output) must be the same function with the same gradients as multiplying the activation at
// the gate site: the loss, every dL/ds and every weight gradient agree, for zoo models and for
// networks defined here. Where a ReLU or pool stands between the site and the reader the gate is not
// folded, since its derivative at an off draw would be lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { buildStructureGraph, GateMultipliers, GateState, type StructureGraph } from '../../src/cat/index.js';
import { createModel } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { FunctionalCnn, TinyResNet } from './nets.js';
import { FunctionalCnn1d, smallResNet1d } from './series-nets.js';

interface Case {
  name: string;
  build: () => Module;
  shape: number[];
  classes: number;
}

const CASES: Case[] = [
  { name: 'lenet5 (folded through a flatten)', build: () => createModel('lenet5'), shape: [1, 28, 28], classes: 10 },
  { name: 'resnet20', build: () => createModel('resnet20'), shape: [3, 16, 16], classes: 10 },
  { name: 'TinyResNet', build: () => new TinyResNet(), shape: [1, 12, 12], classes: 4 },
  { name: 'FunctionalCnn (not foldable)', build: () => new FunctionalCnn(), shape: [1, 8, 8], classes: 3 },
  { name: 'resnet1d', build: () => smallResNet1d(), shape: [1, 20], classes: 3 },
  { name: 'lenet1d (folded through a flatten of [N, C, L])', build: () => createModel('lenet1d', { inputLength: 30, numClasses: 3 }), shape: [1, 30], classes: 3 },
  { name: 'FunctionalCnn1d (not foldable)', build: () => new FunctionalCnn1d(), shape: [2, 10], classes: 3 },
];

// A coupled group's activation sites also gate what its sums carry on, which the folded gate leaves
// alone (no layer reads it ungated): the same loss at 0/1 draws, another derivative. Only groups
// with one producer are unfolded here; coupled ones keep their sites as built.
const unfolded = (g: StructureGraph): StructureGraph => ({
  ...g,
  groups: g.groups.map((group) => (group.coupled ? group : { ...group, gateSites: group.gateSites.map((site) => ({ ...site, folds: 'activation' as const })) })),
  blocks: g.blocks.map((block) => ({ ...block, gateNorm: null })),
});

function gatedStep(c: Case, fold: boolean, x: E.Tensor, y: E.Tensor) {
  E.manualSeed(7);
  const model = c.build();
  const built = buildStructureGraph(model, c.shape);
  const graph = fold ? built : unfolded(built);
  const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
  for (const record of [...gates.groups.values(), ...gates.blocks.values()]) record.theta.fill(0.5);
  const multipliers = new GateMultipliers(model, false, 'tangent');
  multipliers.install(graph, gates);
  model.train();
  E.manualSeed(11);
  multipliers.sample(gates, x.size(0), 'cpu');
  const loss = E.crossEntropy(model.call(x), y);
  loss.backward();
  const grads = multipliers.gradients();
  const weights = new Map(model.namedParameters().map(([name, p]) => [name, Array.from((p.value.grad?.data() as Float32Array | undefined) ?? [])]));
  const result = { loss: loss.item(), grads, weights, folded: built.groups.filter((g) => g.gateSites.some((site) => site.folds !== 'activation')).length, norms: built.blocks.filter((b) => b.gateNorm !== null).length };
  multipliers.clear();
  multipliers.uninstall();
  model.dispose();
  return result;
}

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);

for (const c of CASES) {
  test(`${c.name}: a folded gate gives the activation gate's loss and gradients`, () => {
    E.scope(() => {
      E.manualSeed(3);
      const x = E.randn([4, ...c.shape]);
      const y = E.randint(0, c.classes, [4]);
      const folded = gatedStep(c, true, x, y);
      const plain = gatedStep(c, false, x, y);
      close(folded.loss, plain.loss, 'loss');
      for (const [id, g] of plain.grads.units) g.forEach((v, i) => close(folded.grads.units.get(id)?.[i] as number, v, `dL/ds ${id}[${i}]`));
      for (const [id, g] of plain.grads.blocks) close(folded.grads.blocks.get(id) as number, g, `dL/ds ${id}`);
      for (const [name, g] of plain.weights) g.forEach((v, i) => close(folded.weights.get(name)?.[i] as number, v, `dL/d${name}[${i}]`));
      if (c.name.startsWith('FunctionalCnn')) assert.equal(folded.folded, 0, 'a functional ReLU or pool follows every gate site');
      else assert.ok(folded.folded > 0);
      if (c.name === 'resnet20') assert.equal(folded.norms, 9);
      if (c.name === 'resnet1d') assert.equal(folded.norms, 3);
    });
  });
}
