// Carrying out a removal decision: the gates' spare bookkeeping first, then surgery on the network and
// the optimiser (surgery.ts), the gates narrowed to the kept units, the history extended, and the
// structure graph traced again from the network as it now is, with the gates re-attached.
import type { Module } from '../nn/index.js';
import type { GateMultipliers } from './gate-hooks.js';
import type { GateState } from './gate-state.js';
import { buildStructureGraph } from './graph.js';
import type { GraphOptions, StructureGraph } from './graph-types.js';
import type { Removal } from './removal.js';
import { applyEvents, silenceUnits, type PruneEvent, type SurgeryFollower } from './surgery.js';

export interface PrunedNetwork {
  model: Module;
  inputShape: readonly number[];
  graph: StructureGraph;
  /** How the graph is derived again after surgery. */
  structure: GraphOptions;
  gates: GateState;
  history: PruneEvent[];
  multipliers: GateMultipliers;
  /** Whether the gates are attached to the forward (false once they settled). */
  gated: boolean;
}

/** Applies `removal`; returns the structure graph of the network afterwards. */
export function applyRemoval(net: PrunedNetwork, removal: Removal, follower?: SurgeryFollower): StructureGraph {
  for (const change of removal.spareChanges) {
    const record = net.gates.groups.get(change.group);
    if (record === undefined) continue;
    for (const i of change.spares) record.spare[i] = 1;
    for (const i of change.unspared) record.spare[i] = 0;
    for (const i of change.spares) record.theta[i] = 0;
  }
  const events = removal.events;
  if (events.length === 0) return net.graph;
  applyEvents(net.model, net.graph, events, follower);
  for (const event of events) {
    if (event.kind === 'block') net.gates.dropBlock(event.block, net.graph.groups.filter((g) => g.block === event.block).map((g) => g.id));
  }
  for (const event of events) if (event.kind === 'units') net.gates.narrow(event.group, event.keep);
  net.history.push(...events);
  // Traced without gates: a gate's multiply would read as a per-channel constant and fix its group.
  net.multipliers.uninstall();
  const graph = buildStructureGraph(net.model, net.inputShape, net.structure);
  const prunable = new Set(graph.groups.filter((g) => g.prunable).map((g) => g.id));
  for (const id of [...net.gates.groups.keys()]) if (!prunable.has(id)) net.gates.groups.delete(id);
  const blocks = new Set(graph.blocks.map((b) => b.id));
  for (const id of [...net.gates.blocks.keys()]) if (!blocks.has(id)) net.gates.blocks.delete(id);
  if (net.gated) net.multipliers.install(graph, net.gates);
  return graph;
}

/**
 * After the settle step's removal: the spare units that round widths up join the network with the
 * weights that read them zeroed (so it computes what it did), and every theta becomes 0 or 1.
 */
export function fixGates(model: Module, graph: StructureGraph, gates: GateState): void {
  for (const group of graph.groups) {
    const record = gates.groups.get(group.id);
    if (record === undefined) continue;
    const spares = record.spare.flatMap((spare, i) => (spare === 1 ? [i] : []));
    if (spares.length > 0) silenceUnits(model, group, spares);
    record.spare.fill(0);
  }
  for (const record of [...gates.groups.values(), ...gates.blocks.values()]) {
    record.theta = record.theta.map((t) => (t >= 0.5 ? 1 : 0));
  }
}
