// Rebuilds a pruned network from its dense definition and its pruning history (resume, eval, info):
// each batch of events is applied against a fresh trace of the network as it was at that step. The
// trace couples residual channels whatever the run chose: a group pruned without coupling has the same
// id, layers and surgery with it (coupling only makes more groups prunable), so one rule replays both.
import type { Module } from '../nn/index.js';
import { buildStructureGraph } from './graph.js';
import { applyEvents, batchesOf, type PruneEvent } from './surgery.js';

export function replayHistory(model: Module, inputShape: readonly number[], history: readonly PruneEvent[]): void {
  for (const batch of batchesOf(history)) applyEvents(model, buildStructureGraph(model, inputShape), batch);
}
