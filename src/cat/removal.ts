// Which structures go (docs/method.md section 4, step 6, and catrain's additions in docs/cat.md):
// rules that say of each gate whether it is removed now, and the decision that turns a rule into
// structural changes, within the --min-units floor and with kept widths rounded up to
// --width-multiple. Decisions read the gates and change nothing; the controller applies them.
import type { GateRecordView, GateView } from './gate-state.js';
import type { StructureGraph } from './graph-types.js';
import { landOnBudget, OffSet } from './landing.js';
import { groupMultiple, UNROUNDED, type WidthRounding } from './widths.js';
import type { PruneEvent } from './surgery.js';

/** Whether unit (or block, i = 0) `i` of a record goes now. */
export type RemovalRule = (record: GateRecordView, i: number) => boolean;

/** Gate records whose units change role: `spares` become spare (theta 0), `unspared` are units again. */
export interface SpareChange {
  group: string;
  spares: number[];
  unspared: number[];
}

/** The structural changes of one step, and the gate bookkeeping that goes with them. */
export interface Removal {
  events: PruneEvent[];
  spareChanges: SpareChange[];
}

/** Kept widths are rounded up to their group's multiple (groupMultiple), and never below minUnits. */
export interface RemovalLimits extends WidthRounding {
  minUnits: number;
}

/** Every gate (unit or block) accepted by `keep`, with its theta, groups first, in gate order. */
function gateList(gates: GateView, keep: RemovalRule): { record: GateRecordView; i: number; theta: number }[] {
  const list: { record: GateRecordView; i: number; theta: number }[] = [];
  for (const record of [...gates.groups.values(), ...gates.blocks.values()]) {
    record.theta.forEach((theta, i) => {
      if (keep(record, i)) list.push({ record, i, theta });
    });
  }
  return list;
}

/**
 * Removal that keeps the network as small as its expected cost (catrain's addition to the pruning
 * conditions): thetas often rest inside (0, 1), so condition (a) alone removes little while the
 * expected cost has already fallen, and training would pay for the whole network. The structures
 * with the lowest theta whose data pull is weaker than their cost (condition (b)) go for as long as
 * the network left costs at least `floor` (`cost` measures it with a set of gates off).
 */
export function trackingRule(gates: GateView, floor: number, cost: (off: OffSet) => number): RemovalRule {
  const candidates = gateList(gates, (record, i) => record.spare[i] !== 1 && (record.pull[i] as number) > 0).sort((a, b) => a.theta - b.theta);
  const off = new OffSet();
  for (const c of candidates) {
    off.add(c.record, c.i);
    if (cost(off) < floor) {
      off.delete(c.record, c.i);
      break;
    }
  }
  return (record, i) => off.has(record, i);
}

/** At the settle step: the gates that go so the saved network lands on `target` (landing.ts), and the spares. */
export function landingRule(gates: GateView, target: number, rounding: WidthRounding, cost: (off: OffSet) => number): RemovalRule {
  const off = landOnBudget({ groups: [...gates.groups.values()], blocks: [...gates.blocks.values()], cost, target, rounding });
  return (record, i) => record.spare[i] === 1 || off.has(record, i);
}

/**
 * The structural changes a rule asks for: blocks whose gate it accepts, and per group the units it
 * accepts, within the --min-units floor (a gated block whose units would all go is removed as a layer
 * instead, docs/method.md section 4 step 6). With `roundWidths`, kept widths are rounded up to the
 * width multiple by keeping spare units, whose theta is held at 0.
 */
export function decideRemoval(step: number, graph: StructureGraph, gates: GateView, rule: RemovalRule, limits: RemovalLimits, roundWidths: boolean): Removal {
  const blocks = new Set<string>();
  for (const [id, record] of gates.blocks) if (rule(record, 0)) blocks.add(id);
  const unitEvents: PruneEvent[] = [];
  const spareChanges: SpareChange[] = [];
  for (const group of graph.groups) {
    const record = gates.groups.get(group.id);
    if (record === undefined || (group.block !== null && blocks.has(group.block))) continue;
    const width = record.theta.length;
    const going: number[] = [];
    const alive: number[] = [];
    for (let i = 0; i < width; i++) (rule(record, i) ? going : record.spare[i] === 1 ? going : alive).push(i);
    // While training, only a newly removable unit calls for surgery; at the end spares go too.
    if (roundWidths ? !going.some((i) => record.spare[i] !== 1) : going.length === 0) continue;
    // Least pushed first: the units closest to being wanted back are the ones kept if any must be.
    going.sort((a, b) => (record.pull[a] as number) - (record.pull[b] as number) || a - b);
    if (alive.length < limits.minUnits) {
      if (group.block !== null && gates.blocks.has(group.block)) {
        blocks.add(group.block);
        continue;
      }
      alive.push(...going.splice(0, Math.min(going.length, limits.minUnits - alive.length)));
    }
    const multiple = groupMultiple(roundWidths ? limits : UNROUNDED, width);
    const target = Math.min(width, Math.ceil(alive.length / multiple) * multiple);
    if (target >= width) continue;
    const spares = going.slice(0, target - alive.length);
    const unspared = alive.filter((i) => record.spare[i] === 1 && !spares.includes(i));
    spareChanges.push({ group: group.id, spares, unspared });
    unitEvents.push({ step, kind: 'units', group: group.id, keep: [...alive, ...spares].sort((a, b) => a - b) });
  }
  return { events: [...[...blocks].map((block): PruneEvent => ({ step, kind: 'block', block })), ...unitEvents], spareChanges };
}
