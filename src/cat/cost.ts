// What a network costs, as a fraction of the dense one: its MACs, its parameters, or the mix the knobs
// weigh (docs/method.md section 3). Decisions ask what the network would cost with some gates off and
// the widths rounded as surgery will round them, so they see the network that will actually train.
import { expectedComplexity } from './complexity.js';
import type { BudgetTarget } from './budget.js';
import type { GateRecordView, GateView } from './gate-state.js';
import type { StructureGraph } from './graph-types.js';
import type { OffSet } from './landing.js';
import { weighedCost, type Baseline } from './update.js';

/** What a size is measured in: a budget's MACs or parameters, or the knobs' mix of both. */
export type CostKind = BudgetTarget['kind'] | 'cost';

export interface Size {
  macs: number;
  params: number;
}

/** A size as a fraction of the dense network, in the measure `kind`. */
export function costFraction(kind: CostKind, size: Size, baseline: Baseline, flopsShare: number): number {
  return kind === 'macs' ? size.macs / baseline.macs : kind === 'params' ? size.params / baseline.params : weighedCost(size.macs, size.params, baseline, flopsShare);
}

/** The size of the network that would be deployed now: every theta rounded at 0.5, spare units off. */
export function deployedSize(graph: StructureGraph, gates: GateView): Size {
  const rounded = (record: GateRecordView): number[] => record.theta.map((t, i) => (t >= 0.5 && record.spare[i] !== 1 ? 1 : 0));
  const e = expectedComplexity(graph, {
    units: (id) => {
      const r = gates.groups.get(id);
      return r === undefined ? undefined : rounded(r);
    },
    block: (id) => {
      const r = gates.blocks.get(id);
      return r === undefined ? undefined : (rounded(r)[0] as number);
    },
  });
  return { macs: e.macs, params: e.params };
}

/**
 * The size of the network with the gates in `off` and the spare units removed, everything else kept;
 * each group's kept width rounded up to `multiple` (1: not rounded).
 */
export function sizeWithout(graph: StructureGraph, gates: GateView, off: OffSet, multiple: number): Size {
  const kept = (record: GateRecordView): number[] => record.theta.map((_, i) => (record.spare[i] === 1 || off.has(record, i) ? 0 : 1));
  const rounded = (record: GateRecordView): number[] => {
    const units = kept(record);
    const alive = units.reduce((a, b) => a + b, 0);
    let extra = alive === 0 ? 0 : Math.min(units.length, Math.ceil(alive / multiple) * multiple) - alive;
    for (let i = 0; i < units.length && extra > 0; i++) {
      if (units[i] === 0) {
        units[i] = 1;
        extra--;
      }
    }
    return units;
  };
  const units = new Map([...gates.groups].map(([id, r]) => [id, rounded(r)] as const));
  const blocks = new Map([...gates.blocks].map(([id, r]) => [id, kept(r)[0] as number] as const));
  const e = expectedComplexity(graph, { units: (id) => units.get(id), block: (id) => blocks.get(id) });
  return { macs: e.macs, params: e.params };
}
