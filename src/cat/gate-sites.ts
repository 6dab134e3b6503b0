// Where a group's unit gate multiplies (docs/method.md section 2; docs/cat.md, "Coupled channel groups"):
// after the last op that does not keep zero at zero, so a gate at 0 hands every consumer exact zeros.
// A group with one producer gets one site on the path all its consumers share. A coupled group (channels
// that residual sums join) gets one site per producer, before the sums: every operand of a sum is then
// gated by the same multiplier, so the sum is, and so is everything after it, as long as only ops that
// keep zero at zero (ReLU, pooling, more sums) stand between a sum and the layers that read it.
import type { Trace } from '../nn/index.js';
import type { GateSite } from './graph-types.js';
import { lineage, type GroupPropagation, type Join, type LineageEntry } from './propagation.js';

interface FoundSite {
  site: string;
  rank: number;
  /** Only linear ops between the site and every consumer: the consumers' weights can carry the gate. */
  linearToConsumers: boolean;
  /** The site is the output of the last op that moves zero (a norm): its parameters can carry the gate. */
  atNorm: boolean;
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
    if (site !== undefined && prop.flow.get(entry.value)?.expand === 1 && (rank === 2 || rank === 4)) {
      const linearToConsumers = chains.every((chain) => chain.slice(chain.findIndex((e) => e.value === entry.value) + 1).every((e) => e.linear));
      return { site, rank, linearToConsumers, atNorm: i === lastNonZero && !entry.zero };
    }
  }
  return 'no module output to attach its gate to after its last normalisation (run the nonlinearity as a module, e.g. nn.ReLU)';
}

export interface CoupledGroup {
  readonly producers: readonly string[];
  readonly producerValues: readonly number[];
  /** The values the group's consumers read. */
  readonly readers: readonly number[];
  readonly joins: readonly Join[];
}

/**
 * One gate site per producer of a coupled group, or why there can be none. `canCarry(module)`: whether
 * a module's parameters can carry the gate of its output channels (an affine BatchNorm).
 */
export function coupledGateSites(
  prop: GroupPropagation,
  group: CoupledGroup,
  moduleOutput: ReadonlyMap<number, string>,
  trace: Trace,
  canCarry: (module: string) => boolean,
): GateSite[] | string {
  const sums = new Set(group.joins.map((join) => join.output));
  const readersOf = new Map<number, number[]>(group.producerValues.map((value) => [value, []]));
  for (const value of [...group.readers, ...group.joins.flatMap((join) => join.operands)]) {
    const chain = lineage(prop, value);
    const start = chain[0]?.value ?? value;
    if (sums.has(start)) {
      if (chain.slice(1).some((entry) => !entry.zero)) return 'an op that does not keep zero at zero (a norm, as in a pre-activation ResNet) reads the summed channels, so no gate before the sum gives it exact zeros';
      continue;
    }
    const readers = readersOf.get(start);
    if (readers === undefined) return 'a consumer or a sum reads it through an op catrain does not follow';
    readers.push(value);
  }
  const sites: GateSite[] = [];
  for (const [i, value] of group.producerValues.entries()) {
    const found = findGateSite(prop, value, readersOf.get(value) ?? [], moduleOutput, trace);
    if (typeof found === 'string') return `${group.producers[i] ?? '?'}: ${found}`;
    sites.push({ module: found.site, rank: found.rank, folds: found.atNorm && canCarry(found.site) ? 'norm' : 'activation' });
  }
  return sites;
}
