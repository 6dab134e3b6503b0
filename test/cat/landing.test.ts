// The budget landing rule on made-up costs: it must land inside the documented band whenever some
// choice of steps does, including when a block that rounds off alone would take the network far under.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GateRecord } from '../../src/cat/gate-state.js';
import { LANDING_TOLERANCE, landOnBudget, OffSet } from '../../src/cat/landing.js';
import { groupMultiple, type WidthRounding } from '../../src/cat/widths.js';

const EIGHT: WidthRounding = { widthMultiple: 8, narrowGroups: 'halve' };

function record(thetas: number[]): GateRecord {
  return { theta: thetas, zeroSteps: thetas.map(() => 0), pull: thetas.map(() => 0), spare: thetas.map(() => 0) };
}

interface Net {
  groups: { record: GateRecord; unitCost: number }[];
  blocks: { record: GateRecord; cost: number }[];
  fixed: number;
}

/** Cost with each group's kept width rounded up to its share of 8, as surgery rounds it. */
function costOf(net: Net, off: OffSet): number {
  let cost = net.fixed;
  for (const g of net.groups) {
    const alive = g.record.theta.filter((_, i) => !off.has(g.record, i)).length;
    const m = groupMultiple(EIGHT, g.record.theta.length);
    cost += Math.min(g.record.theta.length, Math.ceil(alive / m) * m) * g.unitCost;
  }
  for (const b of net.blocks) if (!off.has(b.record, 0)) cost += b.cost;
  return cost;
}

function land(net: Net, target: number): number {
  const off = landOnBudget({ groups: net.groups.map((g) => g.record), blocks: net.blocks.map((b) => b.record), cost: (o) => costOf(net, o), target, rounding: EIGHT });
  return costOf(net, off);
}

const spread = (n: number, low: number, high: number): number[] => Array.from({ length: n }, (_, i) => low + ((high - low) * i) / (n - 1));

test('a block that rounds off alone and overshoots the band comes back, and units go instead', () => {
  // All on: 0.585 of the dense cost; the block (theta 0.3, 11.6%) alone would leave 0.469.
  const net: Net = {
    groups: [
      { record: record(spread(64, 0.55, 0.95)), unitCost: 0.003 },
      { record: record(spread(32, 0.6, 0.9)), unitCost: 0.004 },
    ],
    blocks: [{ record: record([0.3]), cost: 0.116 }],
    fixed: 0.149,
  };
  assert.ok(Math.abs(costOf(net, new OffSet()) - 0.585) < 1e-9);
  const cost = land(net, 0.5);
  assert.ok(cost <= 0.5 && cost >= 0.5 * (1 - LANDING_TOLERANCE), `landed at ${cost}`);
});

test('a step that lands inside the band is preferred to one with cheaper thetas that overshoots it', () => {
  // All on: 0.516. Shedding 8 units of the expensive group (theta 0.5 each, 0.08) is cheaper in theta
  // per cost saved but overshoots to 0.436; three steps of the cheap group (0.0064 each) land.
  const net: Net = {
    groups: [
      { record: record(spread(16, 0.5, 0.51)), unitCost: 0.01 },
      { record: record(spread(64, 0.6, 0.61)), unitCost: 0.0008 },
    ],
    blocks: [],
    fixed: 0.3048,
  };
  const cost = land(net, 0.5);
  assert.ok(cost <= 0.5 && cost >= 0.5 * (1 - LANDING_TOLERANCE), `landed at ${cost}`);
});

test('without a landing choice, the network still ends at or under the target', () => {
  const net: Net = { groups: [{ record: record(spread(16, 0.6, 0.9)), unitCost: 0.04 }], blocks: [{ record: record([0.8]), cost: 0.2 }], fixed: 0.16 };
  const cost = land(net, 0.5);
  assert.ok(cost <= 0.5, `landed at ${cost}`);
});

test('thetas under 0.5 go and nothing else when that already fits the budget', () => {
  const units = record([...spread(8, 0.1, 0.2), ...spread(8, 0.7, 0.9)]);
  const net: Net = { groups: [{ record: units, unitCost: 0.05 }], blocks: [], fixed: 0.1 };
  const off = landOnBudget({ groups: [units], blocks: [], cost: (o) => costOf(net, o), target: 0.5, rounding: EIGHT });
  assert.deepEqual(units.theta.map((_, i) => off.has(units, i)), units.theta.map((t) => t < 0.5));
});
