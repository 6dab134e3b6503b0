// Copies of a network pruned by the surgery CAT uses, for timing whole: some removable blocks gone,
// then each prunable group cut to a number of units. The calibration narrows uniformly; the
// validation draws the kind of networks a run ends with.
import { buildStructureGraph } from '../cat/graph.js';
import type { StructureGraph, UnitGroup } from '../cat/graph-types.js';
import { applyEvents, type PruneEvent } from '../cat/surgery.js';
import * as E from '../engine/index.js';
import type { Module } from '../nn/index.js';

export interface VariantRule {
  /** Whether the removable block `id` goes. */
  removeBlock(id: string): boolean;
  /** Units `group` keeps, from 1 to its width. */
  keptUnits(group: UnitGroup): number;
}

export const traceCoupled = (model: Module, inputShape: readonly number[]): StructureGraph => E.noGrad(() => buildStructureGraph(model, inputShape, { residualChannels: 'coupled' }));

/** `build()` cut down by `rule`, blocks first, as a run removes them. */
export function variant(build: () => Module, inputShape: readonly number[], rule: VariantRule): Module {
  const model = build();
  try {
    const before = traceCoupled(model, inputShape);
    const blocks: PruneEvent[] = before.blocks.filter((b) => b.prunable && rule.removeBlock(b.id)).map((b) => ({ step: 0, kind: 'block', block: b.id }));
    if (blocks.length > 0) E.noGrad(() => applyEvents(model, before, blocks));
    const graph = traceCoupled(model, inputShape);
    const units: PruneEvent[] = graph.groups
      .filter((g) => g.prunable)
      .map((g) => ({ group: g, keep: Math.min(g.width, Math.max(1, rule.keptUnits(g))) }))
      .filter(({ group, keep }) => keep < group.width)
      .map(({ group, keep }) => ({ step: 0, kind: 'units', group: group.id, keep: Array.from({ length: keep }, (_, i) => i) }));
    if (units.length > 0) E.noGrad(() => applyEvents(model, graph, units));
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
