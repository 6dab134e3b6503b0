// The variational Bernoulli parameters theta of every gate, with the bookkeeping of the pruning
// conditions (docs/method.md section 4, step 6): how many steps each theta has sat at 0, and a running
// mean of g + c (positive: the data no longer pulls the structure back). Plain numbers in float64,
// so a checkpoint stores them exactly as JSON and a resumed run continues bit for bit.
import type { StructureGraph } from './graph-types.js';
import type { GateProbabilities } from './complexity.js';

export interface GateSelection {
  /** Gate units (false: --layers-only). */
  units: boolean;
  /** Gate residual blocks (false: --units-only). */
  layers: boolean;
  /** Module-path patterns ('*' wildcard; a prefix protects everything below it) never pruned. */
  protect: readonly string[];
}

export interface GateRecord {
  theta: number[];
  zeroSteps: number[];
  pull: number[];
  /** Units kept only to round the physical width (theta held at 0, removed at the end). */
  spare: number[];
}

function patternToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}(\\..*)?$`);
}

/** Whether a module path matches any --protect pattern. */
export function isProtected(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => patternToRegExp(p).test(path));
}

/** A gate record as readers outside the controller see it: they cannot change it. */
export interface GateRecordView {
  readonly theta: readonly number[];
  readonly zeroSteps: readonly number[];
  readonly pull: readonly number[];
  readonly spare: readonly number[];
}

/** The gates, read-only. */
export interface GateView extends GateProbabilities {
  readonly groups: ReadonlyMap<string, GateRecordView>;
  readonly blocks: ReadonlyMap<string, GateRecordView>;
  count(unsettled: (theta: number) => boolean): number;
}

export class GateState implements GateView {
  readonly groups = new Map<string, GateRecord>();
  readonly blocks = new Map<string, GateRecord>();

  /** Gates for every prunable, unprotected structure of the graph, theta = 1. */
  static initial(graph: StructureGraph, selection: GateSelection): GateState {
    const state = new GateState();
    const fresh = (n: number): GateRecord => ({ theta: new Array<number>(n).fill(1), zeroSteps: new Array<number>(n).fill(0), pull: new Array<number>(n).fill(0), spare: new Array<number>(n).fill(0) });
    if (selection.units) {
      for (const g of graph.groups) if (g.prunable && !isProtected(g.id, selection.protect) && !g.gateSites.some((site) => isProtected(site.module, selection.protect))) state.groups.set(g.id, fresh(g.width));
    }
    if (selection.layers) {
      for (const b of graph.blocks) if (b.prunable && !isProtected(b.id, selection.protect)) state.blocks.set(b.id, fresh(1));
    }
    return state;
  }

  units(group: string): ArrayLike<number> | undefined {
    return this.groups.get(group)?.theta;
  }

  block(block: string): number | undefined {
    return this.blocks.get(block)?.theta[0];
  }

  /** Keeps units `keep` of a group (after surgery removed the others). */
  narrow(group: string, keep: readonly number[]): void {
    const record = this.groups.get(group);
    if (record === undefined) return;
    const pick = (values: number[]): number[] => keep.map((i) => values[i] as number);
    this.groups.set(group, { theta: pick(record.theta), zeroSteps: pick(record.zeroSteps), pull: pick(record.pull), spare: pick(record.spare) });
  }

  /** Forgets a removed block and the groups that lived in it. */
  dropBlock(block: string, groupsInside: readonly string[]): void {
    this.blocks.delete(block);
    for (const g of groupsInside) this.groups.delete(g);
  }

  /** Gates (spare units excluded) with `unsettled(theta)`. */
  count(unsettled: (theta: number) => boolean): number {
    let count = 0;
    for (const record of [...this.groups.values(), ...this.blocks.values()]) {
      record.theta.forEach((t, i) => {
        if (unsettled(t) && record.spare[i] !== 1) count += 1;
      });
    }
    return count;
  }

  toJSON(): { groups: Record<string, GateRecord>; blocks: Record<string, GateRecord> } {
    return { groups: Object.fromEntries(this.groups), blocks: Object.fromEntries(this.blocks) };
  }

  static fromJSON(json: { groups: Record<string, GateRecord>; blocks: Record<string, GateRecord> }): GateState {
    const state = new GateState();
    for (const [id, record] of Object.entries(json.groups)) state.groups.set(id, record);
    for (const [id, record] of Object.entries(json.blocks)) state.blocks.set(id, record);
    return state;
  }
}
