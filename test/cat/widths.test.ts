// Kept widths while training: the width multiple shrinks for narrow groups, and the cost a decision
// reads for a set of gates is that of the network surgery then leaves, --min-units floor included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvents, buildStructureGraph, decideRemoval, GateState, sizeWithout } from '../../src/cat/index.js';
import { OffSet } from '../../src/cat/landing.js';
import { groupMultiple, type WidthRounding } from '../../src/cat/widths.js';
import { TinyResNet } from './nets.js';

const EIGHT: WidthRounding = { widthMultiple: 8, narrowGroups: 'halve' };

test('the width multiple is halved until the group holds two of it, unless the run predates the rule', () => {
  assert.deepEqual(
    [64, 32, 31, 16, 15, 8, 6, 3].map((w) => groupMultiple(EIGHT, w)),
    [8, 8, 8, 8, 4, 4, 2, 1],
  );
  // Runs saved before the halving resume with the whole multiple on every group.
  assert.deepEqual([64, 16, 6].map((w) => groupMultiple({ widthMultiple: 8, narrowGroups: 'whole' }, w)), [8, 8, 8]);
  assert.equal(groupMultiple({ widthMultiple: 1, narrowGroups: 'halve' }, 64), 1);
  assert.equal(groupMultiple({ widthMultiple: 6, narrowGroups: 'halve' }, 24), 6);
  assert.equal(groupMultiple({ widthMultiple: 6, narrowGroups: 'halve' }, 11), 3);
});

for (const minUnits of [1, 3]) {
  test(`a coupled group costed with every unit off is the one surgery leaves at --min-units ${minUnits}`, () => {
    const model = new TinyResNet(1, 4, [8, 16]);
    const graph = buildStructureGraph(model, [1, 12, 12], { residualChannels: 'coupled' });
    const gates = GateState.initial(graph, { units: true, layers: true, protect: [] });
    const stem = graph.groups.find((g) => g.coupled && g.width === 8);
    assert.ok(stem !== undefined, 'the tiny network has a coupled 8-wide stage');
    const record = gates.groups.get(stem.id);
    assert.ok(record !== undefined);
    const off = new OffSet();
    record.theta.forEach((_, i) => off.add(record, i));
    const costed = sizeWithout(graph, gates, off, minUnits, EIGHT);
    const removal = decideRemoval(0, graph, gates, (r, i) => off.has(r, i), { minUnits, ...EIGHT }, true);
    applyEvents(model, graph, removal.events);
    const after = buildStructureGraph(model, [1, 12, 12], { residualChannels: 'coupled' });
    assert.equal(after.groups.find((g) => g.id === stem.id)?.width, Math.ceil(minUnits / 4) * 4);
    assert.equal(costed.macs, after.macs);
    assert.equal(costed.params, after.params);
  });
}
