// The gate sample logged for the report: a fixed, bounded selection made from the initial structure,
// each unit followed through the pruning history to its current position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GateState, type PruneEvent } from '../../src/cat/index.js';
import { gateSample, GATE_SAMPLE_LIMITS, sampledGates } from '../../src/cat/gate-sample.js';

function record(theta: number[]): { theta: number[]; zeroSteps: number[]; pull: number[]; spare: number[] } {
  return { theta, zeroSteps: theta.map(() => 0), pull: theta.map(() => 0), spare: theta.map(() => 0) };
}

test('the selection is bounded and spread over groups, units and blocks', () => {
  const widths = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`layer${i}`, 64]));
  const blocks = Array.from({ length: 40 }, (_, i) => `b${i}`);
  const gates = sampledGates({ widths, blocks });
  const units = gates.filter((g) => g.kind === 'unit');
  assert.equal(units.length, GATE_SAMPLE_LIMITS.groups * GATE_SAMPLE_LIMITS.unitsPerGroup);
  assert.deepEqual([...new Set(units.map((g) => g.structure))], ['layer0', 'layer3', 'layer5', 'layer8'], 'first, last and evenly between');
  assert.deepEqual(units.filter((g) => g.structure === 'layer0').map((g) => g.unit), [0, 32, 63]);
  assert.equal(gates.filter((g) => g.kind === 'block').length, GATE_SAMPLE_LIMITS.blocks);
  assert.deepEqual(sampledGates({ widths: { fc: 2 }, blocks: ['only'] }).map((g) => g.key), ['unit:fc[0]', 'unit:fc[1]', 'block:only']);
});

test('a unit is read at its position after narrowing; removed units and blocks read 0', () => {
  const gates = new GateState();
  // fc started with 10 units; units 0, 5 and 9 are sampled. Two narrowings left [1, 5, 7, 9] -> [5, 9].
  const history: PruneEvent[] = [
    { step: 3, kind: 'units', group: 'fc', keep: [1, 5, 7, 9] },
    { step: 8, kind: 'units', group: 'fc', keep: [1, 3] },
    { step: 8, kind: 'block', block: 'b1' },
  ];
  gates.groups.set('fc', record([0.7, 0.2]));
  gates.blocks.set('b0', record([0.4]));
  const sample = gateSample({ gates, history, initial: { widths: { fc: 10 }, blocks: ['b0', 'b1'] } });
  assert.deepEqual(sample, { 'unit:fc[0]': 0, 'unit:fc[5]': 0.7, 'unit:fc[9]': 0.2, 'block:b0': 0.4, 'block:b1': 0 });
});
