// Questions the structure-graph tests ask of a graph, shared by the 2-d and 1-d ones.
import assert from 'node:assert/strict';
import { buildStructureGraph, type GraphOptions, type StructureGraph } from '../../src/cat/index.js';
import type { Module } from '../../src/nn/index.js';

export const prunable = (g: StructureGraph): string[] => g.groups.filter((x) => x.prunable).map((x) => x.id);

export function group(g: StructureGraph, id: string): StructureGraph['groups'][number] {
  const found = g.groups.find((x) => x.id === id);
  assert.ok(found, `group ${id} in ${g.groups.map((x) => x.id).join(', ')}`);
  return found;
}

/** The modules a group's gate multiplies at, in the graph's order. */
export const sitesOf = (g: StructureGraph, id: string): string[] => group(g, id).gateSites.map((site) => site.module);

export const FIXED: GraphOptions = { residualChannels: 'fixed' };

/** The graph of `model`, which is disposed afterwards. */
export function graphOf(model: Module, inputShape: readonly number[], options?: GraphOptions): StructureGraph {
  try {
    return buildStructureGraph(model, inputShape, options);
  } finally {
    model.dispose();
  }
}
