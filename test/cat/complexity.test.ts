// Expected complexity (docs/method.md sections 3 and 5): the Monte-Carlo mean over sampled gates matches
// the closed form; the partial derivatives are exact (every count is affine in each theta); and the
// count at a vertex equals the count of the network physically pruned to that vertex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { applyEvents, buildStructureGraph, expectedComplexity, GateState, type GateProbabilities, type PruneEvent, type StructureGraph } from '../../src/cat/index.js';
import { countComplexity, createModel } from '../../src/models/index.js';
import type { Module } from '../../src/nn/index.js';
import { TinyResNet } from './nets.js';
import { smallResNet1d } from './series-nets.js';

/** A seeded generator for theta values and draws (mulberry32: an LCG's consecutive draws are correlated). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTheta(graph: StructureGraph, random: () => number): GateState {
  const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
  for (const record of gates.groups.values()) record.theta = record.theta.map(() => random());
  for (const record of gates.blocks.values()) record.theta = [random()];
  return gates;
}

function draw(gates: GateState, random: () => number): GateProbabilities {
  const units = new Map([...gates.groups].map(([id, r]) => [id, r.theta.map((t) => (random() < t ? 1 : 0))] as const));
  const blocks = new Map([...gates.blocks].map(([id, r]) => [id, random() < (r.theta[0] as number) ? 1 : 0] as const));
  return { units: (id) => units.get(id), block: (id) => blocks.get(id) };
}

const networks: [string, () => Module, number[]][] = [
  ['resnet20', () => createModel('resnet20'), [3, 32, 32]],
  ['lenet5', () => createModel('lenet5'), [1, 28, 28]],
  ['TinyResNet', () => new TinyResNet(), [1, 12, 12]],
  ['resnet1d (narrow)', () => smallResNet1d(), [1, 20]],
  ['lenet1d', () => createModel('lenet1d', { inputLength: 40 }), [1, 40]],
];

for (const [name, make, shape] of networks) {
  test(`${name}: the Monte-Carlo mean of MACs and parameters matches the closed form`, () => {
    const model = make();
    const graph = buildStructureGraph(model, shape);
    model.dispose();
    const random = lcg(7);
    const gates = randomTheta(graph, random);
    const closed = expectedComplexity(graph, gates);
    const samples = 4000;
    let sum = 0;
    let sumSq = 0;
    let paramSum = 0;
    let paramSq = 0;
    for (let s = 0; s < samples; s++) {
      const vertex = expectedComplexity(graph, draw(gates, random));
      sum += vertex.macs;
      sumSq += vertex.macs ** 2;
      paramSum += vertex.params;
      paramSq += vertex.params ** 2;
    }
    const check = (total: number, squares: number, expected: number, what: string): void => {
      const mean = total / samples;
      const standardError = Math.sqrt((squares / samples - mean ** 2) / samples);
      assert.ok(Math.abs(mean - expected) < 4 * standardError, `${what}: Monte-Carlo ${mean} vs closed form ${expected} (standard error ${standardError})`);
    };
    check(sum, sumSq, closed.macs, 'MACs');
    check(paramSum, paramSq, closed.params, 'parameters');
  });

  test(`${name}: derivatives are exact: moving one theta changes the count by derivative x step`, () => {
    const model = make();
    const graph = buildStructureGraph(model, shape);
    model.dispose();
    const gates = randomTheta(graph, lcg(3));
    const base = expectedComplexity(graph, gates);
    for (const [id, record] of gates.groups) {
      const i = record.theta.length - 1;
      const before = record.theta[i] as number;
      record.theta[i] = before + 0.25;
      const moved = expectedComplexity(graph, gates);
      record.theta[i] = before;
      assert.ok(Math.abs(moved.macs - base.macs - 0.25 * (base.dMacs.units.get(id) as number)) <= 1e-6 * base.macs, `${id} MACs`);
      assert.ok(Math.abs(moved.params - base.params - 0.25 * (base.dParams.units.get(id) as number)) <= 1e-6 * base.params, `${id} params`);
    }
    for (const [id, record] of gates.blocks) {
      const before = record.theta[0] as number;
      record.theta[0] = before - 0.5;
      const moved = expectedComplexity(graph, gates);
      record.theta[0] = before;
      assert.ok(Math.abs(moved.macs - base.macs + 0.5 * (base.dMacs.blocks.get(id) as number)) <= 1e-6 * base.macs, `${id} MACs`);
    }
  });
}

const vertices: [string, () => Module, number[], string[]][] = [
  ['resnet20', () => createModel('resnet20'), [3, 32, 32], ['layer1.1', 'layer3.0']],
  ['resnet1d', () => createModel('resnet1d'), [1, 50], ['layer3']],
];

for (const [name, make, shape, removed] of vertices) test(`${name}: the count at a vertex equals the count of the network physically pruned to it`, () => {
  const model = make();
  const graph = buildStructureGraph(model, shape);
  const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
  const events: PruneEvent[] = [];
  const random = lcg(11);
  for (const [id, record] of gates.groups) {
    const keep = record.theta.map((_, i) => i).filter(() => random() < 0.6);
    if (keep.length === 0) keep.push(0);
    record.theta = record.theta.map((_, i) => (keep.includes(i) ? 1 : 0));
    events.push({ step: 0, kind: 'units', group: id, keep });
  }
  for (const id of removed) {
    (gates.blocks.get(id) as { theta: number[] }).theta = [0];
    events.push({ step: 0, kind: 'block', block: id });
  }
  const vertex = expectedComplexity(graph, gates);
  E.noGrad(() => applyEvents(model, graph, events));
  const pruned = countComplexity(model, shape);
  model.dispose();
  // Gated-off units inside a removed block are counted by neither.
  assert.equal(pruned.macs, vertex.macs);
  assert.equal(pruned.params, vertex.params);
});
