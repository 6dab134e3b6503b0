// A small, fixed sample of gate probabilities for the epoch log (log.jsonl's `gate_sample`), so the
// report can draw how gates move. Logging only: it reads the controller and changes nothing.
//
// The selection depends only on the controller's initial structure (saved in checkpoints), so a
// resumed run samples the same gates. Units are named by their index in the dense network; the
// pruning history maps that index to the unit's current position.
import type { CatController } from './controller.js';
import type { PruneEvent } from './surgery.js';

/** How many gates are sampled at most: a few units of a few groups, and up to `blocks` block gates. */
export const GATE_SAMPLE_LIMITS = { groups: 4, unitsPerGroup: 3, blocks: 24 } as const;

/** Up to `count` items of `items`, evenly spaced, always including the first and the last. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count === 1) return items.slice(0, 1);
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))] as T);
}

export interface SampledGate {
  /** Log key: `unit:GROUP[INDEX]` (index in the dense network) or `block:BLOCK`. */
  key: string;
  kind: 'unit' | 'block';
  structure: string;
  unit?: number;
}

/** The gates sampled from a controller's initial structure. */
export function sampledGates(initial: CatController['initial']): SampledGate[] {
  const gates: SampledGate[] = [];
  for (const group of spread(Object.keys(initial.widths), GATE_SAMPLE_LIMITS.groups)) {
    const width = initial.widths[group] ?? 0;
    const units = spread(Array.from({ length: width }, (_, i) => i), GATE_SAMPLE_LIMITS.unitsPerGroup);
    for (const unit of units) gates.push({ key: `unit:${group}[${unit}]`, kind: 'unit', structure: group, unit });
  }
  for (const block of spread(initial.blocks, GATE_SAMPLE_LIMITS.blocks)) gates.push({ key: `block:${block}`, kind: 'block', structure: block });
  return gates;
}

/** Where a dense-network unit sits now, after the history's narrowings of its group; null once removed. */
function currentIndex(history: readonly PruneEvent[], group: string, unit: number): number | null {
  let index = unit;
  for (const event of history) {
    if (event.kind !== 'units' || event.group !== group) continue;
    const position = event.keep.indexOf(index);
    if (position < 0) return null;
    index = position;
  }
  return index;
}

/**
 * theta of each sampled gate, keyed as SampledGate.key; a removed structure (or a unit of a removed
 * block) logs 0, the probability that it is present.
 */
export function gateSample(cat: Pick<CatController, 'gates' | 'history' | 'initial'>): Record<string, number> {
  const sample: Record<string, number> = {};
  for (const gate of sampledGates(cat.initial)) {
    if (gate.kind === 'block') {
      sample[gate.key] = cat.gates.blocks.get(gate.structure)?.theta[0] ?? 0;
      continue;
    }
    const record = cat.gates.groups.get(gate.structure);
    const index = record === undefined ? null : currentIndex(cat.history, gate.structure, gate.unit ?? 0);
    sample[gate.key] = index === null ? 0 : (record?.theta[index] ?? 0);
  }
  return sample;
}
