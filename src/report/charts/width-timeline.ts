// Width timeline: per epoch, the share of each gated layer's units still alive, and each residual
// block's presence; a removed block's row is marked with a cross from the epoch it went. A last
// column shows the saved network, which can differ from the last epoch's: the gates are rounded
// after it, and spare units kept only to round widths go then.
import type { Architecture } from '../../cat/index.js';
import type { VegaLiteSpec } from '../html.js';
import type { EpochRecord } from '../run-data.js';

interface Cell {
  /** An epoch number, or 'final' for the saved network (after the gates settled). */
  column: string;
  row: string;
  alive: number;
  of: number;
  fraction: number;
  removed: boolean;
}

/** The epoch in which a step fell: the first epoch whose last step is at or after it. */
const FINAL = 'final';

function epochOfStep(log: readonly EpochRecord[], step: number): number | undefined {
  return log.find((r) => r.step !== undefined && r.step >= step)?.epoch;
}

export function widthTimelineCells(log: readonly EpochRecord[], architecture: Architecture | undefined): Cell[] {
  const cells: Cell[] = [];
  const initial = new Map<string, number>(architecture?.groups.map((g) => [g.id, g.initial_width]) ?? []);
  // An unfinished run has no architecture.json: the widest a group was logged stands in for its start.
  for (const r of log) for (const [group, count] of Object.entries(r.alive_units ?? {})) initial.set(group, Math.max(initial.get(group) ?? 0, count));
  for (const r of log) {
    if (r.alive_units === undefined) continue;
    for (const [group, of] of initial) {
      // A group missing from the record went with its block.
      const alive = r.alive_units[group] ?? 0;
      cells.push({ column: String(r.epoch), row: `units ${group}`, alive, of, fraction: of > 0 ? alive / of : 0, removed: alive === 0 });
    }
  }
  const removedAt = new Map<string, number>();
  for (const event of architecture?.history ?? []) {
    if (event.kind !== 'block') continue;
    const epoch = epochOfStep(log, event.step);
    if (epoch !== undefined) removedAt.set(event.block, epoch);
  }
  for (const block of architecture?.blocks ?? []) {
    const gone = removedAt.get(block.id) ?? (block.removed ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
    for (const r of log) {
      if (r.alive_units === undefined) continue;
      const removed = r.epoch >= gone;
      cells.push({ column: String(r.epoch), row: `block ${block.id}`, alive: removed ? 0 : 1, of: 1, fraction: removed ? 0 : 1, removed });
    }
  }
  if (architecture !== undefined && cells.length > 0) {
    for (const g of architecture.groups) {
      cells.push({ column: FINAL, row: `units ${g.id}`, alive: g.width, of: g.initial_width, fraction: g.initial_width > 0 ? g.width / g.initial_width : 0, removed: g.width === 0 });
    }
    for (const b of architecture.blocks) cells.push({ column: FINAL, row: `block ${b.id}`, alive: b.removed ? 0 : 1, of: 1, fraction: b.removed ? 0 : 1, removed: b.removed });
  }
  return cells;
}

export function widthTimelineChart(log: readonly EpochRecord[], architecture: Architecture | undefined): VegaLiteSpec {
  const values = widthTimelineCells(log, architecture);
  const rows = [...new Set(values.map((c) => c.row))];
  const columns = [...new Set(values.map((c) => c.column))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Width timeline: units alive per layer, and residual blocks kept',
    width: Math.min(900, Math.max(240, 28 * columns.length)),
    height: Math.max(60, 22 * rows.length),
    data: { values },
    encoding: {
      x: { field: 'column', type: 'ordinal', title: 'epoch (then the saved network)', sort: columns, axis: { labelAngle: 0 } },
      y: { field: 'row', type: 'nominal', title: 'layer (units) or block', sort: rows },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'fraction', type: 'quantitative', title: 'share alive', scale: { domain: [0, 1], scheme: 'viridis' }, legend: { format: '.0%' } },
          tooltip: [
            { field: 'row', type: 'nominal', title: 'structure' },
            { field: 'column', type: 'ordinal', title: 'epoch' },
            { field: 'alive', type: 'quantitative', title: 'alive' },
            { field: 'of', type: 'quantitative', title: 'in the dense network' },
            { field: 'fraction', type: 'quantitative', title: 'share alive', format: '.1%' },
          ],
        },
      },
      {
        transform: [{ filter: 'datum.removed' }],
        mark: { type: 'text', text: '✕', color: 'white', fontSize: 13 },
      },
    ],
  };
}
