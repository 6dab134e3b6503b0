// Physical removal (docs/method.md section 4, step 7), written once against the structure graph: a unit
// group shrinks its producers' outputs, its norms and every consumer's inputs in one call, and a
// removed block becomes its shortcut. The optimiser follows through the returned slices.
import { channelScaleProblem, flattenedIndices, keep, residualOf, zeroChannels, type Module, type Parameter, type ParameterSlice } from '../nn/index.js';
import type { StructureGraph, UnitGroup } from './graph-types.js';

/** One structural change, as plain data: stored in checkpoints and replayed on resume. */
export type PruneEvent =
  | { readonly step: number; readonly kind: 'units'; readonly group: string; readonly keep: readonly number[] }
  | { readonly step: number; readonly kind: 'block'; readonly block: string };

/** What an optimiser must do after surgery: narrow the state of sliced parameters, forget removed ones. */
export interface SurgeryFollower {
  narrowState(param: Parameter, dim: number, indices: readonly number[]): void;
  removeParameter(param: Parameter): void;
}

/**
 * Keeps units `indices` of a group: every producer's outputs, the norms' channels, every consumer's
 * inputs. `present(module)` is false for modules of a branch removed in the same batch of events (a
 * coupled group spans blocks).
 */
export function keepUnits(model: Module, group: UnitGroup, indices: readonly number[], present: (module: string) => boolean = () => true): ParameterSlice[] {
  if (group.producers.length === 0 || !group.prunable) throw new Error(`group '${group.id}' cannot be pruned: ${group.fixedReason ?? 'it has no producer'}`);
  const slices: ParameterSlice[] = [];
  for (const producer of group.producers.filter(present)) slices.push(...keep(model.getSubmodule(producer), 'outputs', indices));
  for (const norm of group.norms.filter(present)) slices.push(...keep(model.getSubmodule(norm), 'outputs', indices));
  for (const consumer of group.consumers) {
    if (!present(consumer.module)) continue;
    const columns = consumer.expand === 1 ? indices : flattenedIndices(indices, consumer.expand);
    slices.push(...keep(model.getSubmodule(consumer.module), 'inputs', columns));
  }
  return slices;
}

/**
 * Zeroes the weights through which a group's consumers read units `indices`. The network computes
 * exactly what it did while those units were gated off, and training can then put them to use: how
 * the spare units that round a width up to a fast multiple join the network when the gates settle.
 */
export function silenceUnits(model: Module, group: UnitGroup, indices: readonly number[]): void {
  for (const consumer of group.consumers) {
    const layer = model.getSubmodule(consumer.module);
    const problem = channelScaleProblem(layer, 'inputs');
    if (problem !== null) throw new Error(`cannot silence inputs of ${consumer.module}: ${problem}`);
    zeroChannels(layer, 'inputs', consumer.expand === 1 ? indices : flattenedIndices(indices, consumer.expand));
  }
}

/** Removes a residual block's branch; returns the parameters it freed. */
export function removeBlock(model: Module, id: string): Parameter[] {
  const block = residualOf(model.getSubmodule(id));
  if (block === undefined || block.branchNames.length === 0) throw new Error(`'${id}' is not a residual block with a branch to remove`);
  return block.removeBranch();
}

/**
 * Applies a batch of events taken at one step against the graph they were decided on: blocks first,
 * then unit groups outside removed blocks. `follower` (the optimiser) is told about every slice.
 */
export function applyEvents(model: Module, graph: StructureGraph, events: readonly PruneEvent[], follower?: SurgeryFollower): void {
  const groups = new Map(graph.groups.map((g) => [g.id, g] as const));
  const removed = new Set<string>();
  const gone = new Set<string>();
  for (const event of events) {
    if (event.kind !== 'block') continue;
    const params = removeBlock(model, event.block);
    removed.add(event.block);
    for (const module of graph.blocks.find((b) => b.id === event.block)?.layers ?? []) gone.add(module);
    if (follower !== undefined) for (const p of params) follower.removeParameter(p);
  }
  for (const event of events) {
    if (event.kind !== 'units') continue;
    const group = groups.get(event.group);
    if (group === undefined) throw new Error(`pruning history names group '${event.group}', which this network does not have`);
    if (group.block !== null && removed.has(group.block)) continue;
    const slices = keepUnits(model, group, event.keep, (module) => !gone.has(module));
    if (follower !== undefined) for (const s of slices) follower.narrowState(s.parameter, s.dim, s.indices);
  }
}

/** Groups consecutive events of the same step (each batch was decided on one graph). */
export function batchesOf(events: readonly PruneEvent[]): PruneEvent[][] {
  const batches: PruneEvent[][] = [];
  for (const event of events) {
    const last = batches.at(-1);
    if (last !== undefined && last[0]?.step === event.step) last.push(event);
    else batches.push([event]);
  }
  return batches;
}
