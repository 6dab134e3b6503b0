// What a network costs, as a fraction of the dense one: its MACs, its parameters, or the mix the knobs
// weigh (docs/method.md section 3). Decisions ask what the network would cost with some gates off and
// the widths rounded as surgery will round them, so they see the network that will actually train.
import { expectedComplexity, type ExpectedComplexity } from './complexity.js';
import type { BudgetTarget } from './budget.js';
import type { GateRecordView, GateView } from './gate-state.js';
import type { StructureGraph } from './graph-types.js';
import type { LatencyModel, LatencyProfile } from './latency.js';
import type { OffSet } from './landing.js';
import { weighedCost, type Baseline } from './update.js';
import { groupMultiple, type WidthRounding } from './widths.js';

/** What a size is measured in: a budget's MACs, parameters or latency, or the knobs' mix. */
export type CostKind = BudgetTarget['kind'] | 'cost';

export interface Size {
  macs: number;
  params: number;
  /** Modelled milliseconds, when a latency model was given. */
  latency?: number;
}

/** The size of an expected complexity (its latency too, when it has one). */
export const sizeOf = (e: ExpectedComplexity): Size => ({ macs: e.macs, params: e.params, ...(e.latency === undefined ? {} : { latency: e.latency }) });

function latencyOf(size: Size): number {
  if (size.latency === undefined) throw new Error('cost: a latency cost needs a latency model (--latency-profile)');
  return size.latency;
}

/** A size as a fraction of the dense network, in the measure `kind`. */
export function costFraction(kind: CostKind, size: Size, baseline: Baseline, flopsShare: number): number {
  if (kind === 'macs') return size.macs / baseline.macs;
  if (kind === 'params') return size.params / baseline.params;
  if (kind === 'latency') return latencyOf(size) / (baseline.latency ?? NaN);
  return weighedCost(baseline.latency === undefined ? size.macs : latencyOf(size), size.params, baseline, flopsShare);
}

/** The size of the network that would be deployed now: every theta rounded at 0.5, spare units off. */
export function deployedSize(graph: StructureGraph, gates: GateView, timing?: LatencyModel): Size {
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
  }, timing);
  return sizeOf(e);
}

/**
 * The size of the network with the gates in `off` and the spare units removed, everything else kept,
 * as decideRemoval (removal.ts) would leave it: a group keeps at least `minUnits` (a gated block whose
 * group would fall below goes instead), and each group's kept width is rounded up to its share of
 * the width multiple (groupMultiple; UNROUNDED: not rounded). Costing a coupled group as gone when the floor keeps
 * some of it once let the settle step land a run at 60% of the MACs for a 50% budget.
 */
export function sizeWithout(graph: StructureGraph, gates: GateView, off: OffSet, minUnits: number, rounding: WidthRounding, timing?: LatencyModel): Size {
  const kept = (record: GateRecordView): number[] => record.theta.map((_, i) => (record.spare[i] === 1 || off.has(record, i) ? 0 : 1));
  const blocks = new Map([...gates.blocks].map(([id, r]) => [id, kept(r)[0] as number] as const));
  const units = new Map<string, number[]>();
  for (const group of graph.groups) {
    const record = gates.groups.get(group.id);
    if (record === undefined) continue;
    const widths = kept(record);
    const alive = widths.reduce((a, b) => a + b, 0);
    const blockGoes = group.block !== null && gates.blocks.has(group.block);
    if (alive < minUnits && blockGoes) blocks.set(group.block as string, 0);
    const floor = alive < minUnits && !blockGoes ? Math.min(widths.length, minUnits) : alive;
    const m = groupMultiple(rounding, widths.length);
    let extra = floor === 0 ? 0 : Math.min(widths.length, Math.ceil(floor / m) * m) - alive;
    for (let i = 0; i < widths.length && extra > 0; i++) {
      if (widths[i] === 0) {
        widths[i] = 1;
        extra--;
      }
    }
    units.set(group.id, widths);
  }
  return sizeOf(expectedComplexity(graph, { units: (id) => units.get(id), block: (id) => blocks.get(id) }, timing));
}

/**
 * Refuses a latency target the gates cannot reach: at or above the dense network, or under the
 * network with every gated group at `minUnits` and every gated block removed, since layer terms that
 * do not shrink with width (the first conv's, on some runtimes) set a floor.
 */
export function checkLatencyTarget(net: { graph: StructureGraph; gates: GateView; minUnits: number; timing: LatencyModel; profile: LatencyProfile; denseMs: number }, targetMs: number): void {
  const where = `on ${net.profile.runtime} at batch ${net.profile.batch}`;
  const dense = net.denseMs;
  if (!(targetMs < dense)) throw new RangeError(`--target-latency ${targetMs} ms is not below the dense network's ${dense.toFixed(3)} ms ${where}: give a smaller target`);
  const least = expectedComplexity(net.graph, {
    units: (id) => net.gates.groups.get(id)?.theta.map((_, i) => (i < net.minUnits ? 1 : 0)),
    block: (id) => (net.gates.blocks.has(id) ? 0 : undefined),
  }, net.timing).latency as number;
  if (targetMs < least) throw new RangeError(`--target-latency ${targetMs} ms is under the least this network can take ${where}, ${least.toFixed(3)} ms with every prunable layer at --min-units and every removable block gone: give at least that`);
}
