// Where a group's unit gate multiplies (docs/method.md section 2; docs/cat.md, "Coupled groups"): after
// the last op that does not keep zero at zero, so a gate at 0 hands every consumer exact zeros. A group
// with one producer gets one site on the path all its consumers share; a coupled group (channels that
// residual sums join) one per path into its consumers.
import type { Trace } from '../nn/index.js';
import type { GateSite } from './graph-types.js';
import { lineage, type GroupPropagation, type Join, type LineageEntry } from './propagation.js';

export interface FoundSite {
  site: string;
  rank: number;
  /** Only linear ops between the site and every consumer: the consumers' weights can carry the gate. */
  linearToConsumers: boolean;
}

/** The latest module output on the path from `producerValue` that every reader in `readers` reads through. */
export function findGateSite(prop: GroupPropagation, producerValue: number, readers: readonly number[], moduleOutput: ReadonlyMap<number, string>, trace: Trace): FoundSite | string {
  if (readers.length === 0) return 'no layer reads it';
  const chains = readers.map((v) => lineage(prop, v));
  if (chains.some((chain) => chain[0]?.value !== producerValue)) return 'a consumer reads it through an op catrain does not follow';
  const first = chains[0] as LineageEntry[];
  const common = first.filter((entry) => chains.every((chain) => chain.some((e) => e.value === entry.value)));
  let lastNonZero = 0;
  common.forEach((entry, i) => {
    if (!entry.zero) lastNonZero = i;
  });
  for (let i = common.length - 1; i >= lastNonZero; i--) {
    const entry = common[i] as LineageEntry;
    const site = moduleOutput.get(entry.value);
    const rank = trace.values[entry.value]?.shape.length ?? 0;
    if (site !== undefined && prop.flow.get(entry.value)?.expand === 1 && rank >= 2 && rank <= 4) {
      const linearToConsumers = chains.every((chain) => chain.slice(chain.findIndex((e) => e.value === entry.value) + 1).every((e) => e.linear));
      return { site, rank, linearToConsumers };
    }
  }
  return 'no module output to attach its gate to after its last normalisation (run the nonlinearity as a module, e.g. nn.ReLU)';
}

export interface CoupledGroup {
  readonly producerValues: readonly number[];
  /** The values the group's consumers read. */
  readonly readers: readonly number[];
  readonly joins: readonly Join[];
}

/**
 * The gate sites of a coupled group, or why there can be none. Only the layers that read the group
 * need exact zeros: a sum may add ungated values, since its result is gated again before anything
 * reads it. So the sites sit on the paths into the consumers, after the sums and their ReLUs (the
 * stem's ReLU output, each block's output), where the derivative of an off gate is the channel's
 * value itself; a gate before a sum would reach the loss only through the ReLU after it, whose
 * derivative at the zero it makes is 0, and off draws would carry no signal. Each consumer path
 * starts at a producer or at a sum; one site per start.
 */
export function coupledGateSites(prop: GroupPropagation, group: CoupledGroup, moduleOutput: ReadonlyMap<number, string>, trace: Trace): FoundSite[] | string {
  const starts = new Set([...group.producerValues, ...group.joins.map((join) => join.output)]);
  const readersOf = new Map<number, number[]>();
  for (const value of group.readers) {
    const start = lineage(prop, value)[0]?.value ?? value;
    if (!starts.has(start)) return 'a consumer reads it through an op catrain does not follow';
    readersOf.set(start, [...(readersOf.get(start) ?? []), value]);
  }
  const found: FoundSite[] = [];
  for (const [start, readers] of readersOf) {
    const site = findGateSite(prop, start, readers, moduleOutput, trace);
    if (typeof site === 'string') return `where ${moduleOutput.get(start) ?? 'a sum'} is read: ${site}`;
    found.push(site);
  }
  return found;
}

/**
 * The sites as the graph records them: folded into the consumers' weights when every site reaches
 * them through linear ops and every consumer's weights can carry the gate, else on the activations.
 */
export function gateSitesOf(found: readonly FoundSite[], consumersCanCarry: boolean): GateSite[] {
  const folds = consumersCanCarry && found.every((site) => site.linearToConsumers) ? 'consumers' : 'activation';
  return found.map((site) => ({ module: site.site, rank: site.rank, folds }));
}
