// architecture.json: what a pruned network looks like, and how to rebuild it from its dense
// definition (the pruning history). eval, info and the reports read it; nothing else is needed
// besides model.safetensors.
import type { Module } from '../nn/index.js';
import type { StructureGraph } from './graph-types.js';
import type { PruneEvent } from './surgery.js';

export const ARCHITECTURE_FORMAT = 1;

export interface Architecture {
  format: number;
  /** Zoo or registered model name the dense network is built from. */
  model: string;
  /** One example without the batch dim. */
  input_shape: number[];
  num_classes: number;
  in_channels: number;
  /** Replaying these events on the dense network gives this one. */
  history: PruneEvent[];
  /** Every gated group: its width at the start and now. */
  groups: { id: string; initial_width: number; width: number }[];
  /** Every residual block, and whether its branch was removed. */
  blocks: { id: string; removed: boolean }[];
  /** Weight shapes of every conv and linear layer. */
  layers: { module: string; op: string; weight_shape: number[] }[];
  macs: number;
  params: number;
}

export interface ArchitectureSource {
  model: string;
  inputShape: readonly number[];
  numClasses: number;
  inChannels: number;
  network: Module;
  graph: StructureGraph;
  history: readonly PruneEvent[];
  initialWidths: Readonly<Record<string, number>>;
  initialBlocks: readonly string[];
}

export function describeArchitecture(source: ArchitectureSource): Architecture {
  const { graph, network } = source;
  const widths = new Map(graph.groups.map((g) => [g.id, g.width] as const));
  const alive = new Set(graph.blocks.map((b) => b.id));
  return {
    format: ARCHITECTURE_FORMAT,
    model: source.model,
    input_shape: [...source.inputShape],
    num_classes: source.numClasses,
    in_channels: source.inChannels,
    history: [...source.history],
    groups: Object.entries(source.initialWidths).map(([id, initial]) => ({ id, initial_width: initial, width: widths.get(id) ?? 0 })),
    blocks: [...new Set([...source.initialBlocks, ...alive])].map((id) => ({ id, removed: !alive.has(id) })),
    layers: graph.layers.map((l) => {
      const weight = network.getSubmodule(l.module).ownTensors().parameters.get('weight');
      return { module: l.module, op: l.op, weight_shape: weight === undefined ? [] : [...weight.value.shape] };
    }),
    macs: graph.macs,
    params: graph.params,
  };
}

/** What summary.json counts of an architecture: its size, the blocks removed, the units removed. */
export function architectureCounts(architecture: Architecture): { final: { macs: number; params: number }; blocksRemoved: number; unitsRemoved: number } {
  return {
    final: { macs: architecture.macs, params: architecture.params },
    blocksRemoved: architecture.blocks.filter((b) => b.removed).length,
    unitsRemoved: architecture.groups.reduce((total, g) => total + g.initial_width - g.width, 0),
  };
}
