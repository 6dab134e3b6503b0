// Budget landing at the settle step (docs/method.md section 6): which gates to round off so that the
// saved network costs at most the target and no more than LANDING_TOLERANCE under it. Pure decisions
// over gate records and a cost function, so the rule can be tested on made-up costs.
import type { GateRecordView } from './gate-state.js';
import { groupMultiple, type WidthRounding } from './widths.js';

/** How far under its target the settle step may land a budget (the documented tolerance is 3%). */
export const LANDING_TOLERANCE = 0.03;

/** A set of gates, each a (record, index) pair. */
export class OffSet {
  private readonly members = new Map<GateRecordView, Set<number>>();

  add(record: GateRecordView, i: number): void {
    let set = this.members.get(record);
    if (set === undefined) this.members.set(record, (set = new Set()));
    set.add(i);
  }

  delete(record: GateRecordView, i: number): void {
    this.members.get(record)?.delete(i);
  }

  has(record: GateRecordView, i: number): boolean {
    return this.members.get(record)?.has(i) === true;
  }

  clone(): OffSet {
    const copy = new OffSet();
    for (const [record, set] of this.members) for (const i of set) copy.add(record, i);
    return copy;
  }
}

export interface LandingProblem {
  /** Unit gates, one record per group; spare units (spare[i] === 1) are not gates. */
  groups: readonly GateRecordView[];
  /** Block gates, one record each, theta[0] the block's. */
  blocks: readonly GateRecordView[];
  /** The cost of the network with the gates in `off` (and the spare units) removed, as a fraction. */
  cost: (off: OffSet) => number;
  /** The budget as a fraction of the dense network's cost. */
  target: number;
  /** Units go in steps that keep a group's width a multiple of its groupMultiple. */
  rounding: WidthRounding;
}

/** One candidate step: units that would go, their thetas' sum, the cost after. */
interface LandingStep {
  units: { record: GateRecordView; i: number }[];
  thetas: number;
  after: number;
}

interface Gate {
  record: GateRecordView;
  i: number;
  theta: number;
}

const isGate = (record: GateRecordView, i: number): boolean => record.spare[i] !== 1;

/**
 * Starts from every theta rounded at 0.5 and sheds steps of units while the cost is over the target,
 * then lets the highest thetas that are off come back while they fit. A block goes only when no
 * unit step is left. When that misses the band (a block that rounded off alone took the network far
 * under the target), each block that is off is tried back in, highest theta first, with units shed
 * instead; the first such landing inside the band is taken.
 */
export function landOnBudget(problem: LandingProblem): OffSet {
  const start = new OffSet();
  for (const g of gatesOf(problem)) if (g.theta < 0.5) start.add(g.record, g.i);
  const landed = shedAndRefill(problem, start, new Set());
  if (inBand(problem, problem.cost(landed))) return landed;
  const offBlocks = problem.blocks.filter((b) => landed.has(b, 0)).sort((a, b) => (b.theta[0] as number) - (a.theta[0] as number));
  for (const block of offBlocks) {
    const trial = start.clone();
    trial.delete(block, 0);
    const kept = shedAndRefill(problem, trial, new Set([block]));
    if (inBand(problem, problem.cost(kept))) return kept;
  }
  return landed;
}

function inBand(problem: LandingProblem, cost: number): boolean {
  return cost <= problem.target && cost >= problem.target * (1 - LANDING_TOLERANCE);
}

function gatesOf(problem: LandingProblem): Gate[] {
  const gates: Gate[] = [];
  for (const record of [...problem.groups, ...problem.blocks]) {
    record.theta.forEach((theta, i) => {
      if (isGate(record, i)) gates.push({ record, i, theta });
    });
  }
  return gates;
}

/**
 * Sheds from `off` until the cost is at most the target, never removing a block in `keepBlocks`, then
 * refills. The unit step taken is, in order of preference: the cheapest in theta among those that land
 * in the band; the cheapest in theta per unit of cost saved among those that stay above the band (a
 * greedy choice by theta alone can be forced to drop a whole stage-1 step of 8 units, 5.8% of
 * ResNet-20's MACs, to shed the last 0.5%); the one that overshoots least.
 */
function shedAndRefill(problem: LandingProblem, off: OffSet, keepBlocks: ReadonlySet<GateRecordView>): OffSet {
  const floor = problem.target * (1 - LANDING_TOLERANCE);
  for (let now = problem.cost(off); now > problem.target; now = problem.cost(off)) {
    const steps = unitSteps(problem, off).filter((s) => s.after < now);
    const landing = steps.filter((s) => s.after <= problem.target && s.after >= floor).sort((a, b) => a.thetas - b.thetas)[0];
    const perCost = (s: LandingStep): number => s.thetas / (now - s.after);
    const above = steps.filter((s) => s.after > problem.target).sort((a, b) => perCost(a) - perCost(b))[0];
    const least = [...steps].sort((a, b) => b.after - a.after)[0];
    const chosen = landing ?? above ?? least;
    if (chosen !== undefined) {
      for (const u of chosen.units) off.add(u.record, u.i);
      continue;
    }
    // No unit step helps (only blocks are left): the lowest-theta block goes.
    const block = problem.blocks.filter((b) => !off.has(b, 0) && !keepBlocks.has(b)).sort((a, b) => (a.theta[0] as number) - (b.theta[0] as number))[0];
    if (block === undefined) break;
    off.add(block, 0);
  }
  // The highest thetas that are off come back while they fit; one that would overshoot stays off, and
  // smaller ones may still fit.
  for (const g of gatesOf(problem).sort((a, b) => b.theta - a.theta)) {
    if (!off.has(g.record, g.i)) continue;
    off.delete(g.record, g.i);
    if (problem.cost(off) > problem.target) off.add(g.record, g.i);
  }
  return off;
}

/** Per group, the step that takes its lowest-theta units down to the next width multiple. */
function unitSteps(problem: LandingProblem, off: OffSet): LandingStep[] {
  const steps: LandingStep[] = [];
  for (const record of problem.groups) {
    const alive: Gate[] = record.theta.flatMap((theta, i) => (isGate(record, i) && !off.has(record, i) ? [{ record, i, theta }] : []));
    if (alive.length === 0) continue;
    const multiple = groupMultiple(problem.rounding, record.theta.length);
    const keep = (Math.ceil(alive.length / multiple) - 1) * multiple;
    const units = alive.sort((a, b) => a.theta - b.theta).slice(0, alive.length - keep);
    for (const u of units) off.add(u.record, u.i);
    const after = problem.cost(off);
    for (const u of units) off.delete(u.record, u.i);
    steps.push({ units, thetas: units.reduce((t, u) => t + u.theta, 0), after });
  }
  return steps;
}
