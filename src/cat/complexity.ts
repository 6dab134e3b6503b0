// Expected MACs and parameters under independent Bernoulli gates, with exact partial derivatives
// (docs/method.md section 3). Every term is theta_B * a * (sum theta_in) * (sum theta_out), so it is
// multilinear in the thetas: a derivative is the term with that theta's factor removed, and every
// unit of a group has the same derivative (it depends on the group only through its sum).
import type { StructureGraph } from './graph-types.js';
import { layerMs, type LatencyModel } from './latency.js';

/** Gate probabilities as complexity reads them. */
export interface GateProbabilities {
  /** theta of each unit of a gated group, or undefined when the group is fixed at theta = 1. */
  units(group: string): ArrayLike<number> | undefined;
  /** theta of a gated block, or undefined when the block is fixed. */
  block(block: string): number | undefined;
}

export interface ComplexityGradient {
  /** d/dtheta of one unit of each gated group (the same for every unit of a group). */
  readonly units: Map<string, number>;
  readonly blocks: Map<string, number>;
}

export interface ExpectedComplexity {
  readonly macs: number;
  readonly params: number;
  readonly dMacs: ComplexityGradient;
  readonly dParams: ComplexityGradient;
  /** Expected milliseconds and their derivatives, when a latency model was given. */
  readonly latency?: number;
  readonly dLatency?: ComplexityGradient;
}

/** Every gate at 1: the network as it stands. */
export const ALL_ON: GateProbabilities = { units: () => undefined, block: () => undefined };

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}

class Accumulator {
  total = 0;
  readonly units = new Map<string, number>();
  readonly blocks = new Map<string, number>();

  addUnit(group: string, gated: boolean, value: number): void {
    if (gated) this.units.set(group, (this.units.get(group) ?? 0) + value);
  }
  addBlock(block: string | null, gated: boolean, value: number): void {
    if (block !== null && gated) this.blocks.set(block, (this.blocks.get(block) ?? 0) + value);
  }
}

export function expectedComplexity(graph: StructureGraph, theta: GateProbabilities, timing?: LatencyModel): ExpectedComplexity {
  const width = new Map(graph.groups.map((g) => [g.id, g.width] as const));
  const groupSum = new Map<string, { s: number; gated: boolean }>();
  for (const group of graph.groups) {
    const units = theta.units(group.id);
    groupSum.set(group.id, units === undefined ? { s: group.width, gated: false } : { s: sum(units), gated: true });
  }
  const S = (id: string): { s: number; gated: boolean } => groupSum.get(id) ?? { s: width.get(id) ?? 0, gated: false };
  const B = (block: string | null): { t: number; gated: boolean } => {
    const t = block === null ? undefined : theta.block(block);
    return t === undefined ? { t: 1, gated: false } : { t, gated: true };
  };
  const macs = new Accumulator();
  const params = new Accumulator();
  const latency = new Accumulator();
  latency.total = timing?.remainderMs ?? 0;

  for (const layer of graph.layers) {
    const b = B(layer.block);
    if (layer.constant) {
      const t = timing?.layer(layer.module);
      if (t !== undefined) {
        // A grouped conv keeps its widths, so only its block can save its time.
        const ms = layerMs(t, S(layer.inGroup).s, S(layer.outGroup).s);
        latency.total += b.t * ms;
        latency.addBlock(layer.block, b.gated, ms);
      }
      macs.total += b.t * layer.macs;
      params.total += b.t * layer.params;
      macs.addBlock(layer.block, b.gated, layer.macs);
      params.addBlock(layer.block, b.gated, layer.params);
      continue;
    }
    const input = S(layer.inGroup);
    const output = S(layer.outGroup);
    const t = timing?.layer(layer.module);
    if (t !== undefined) {
      const ms = layerMs(t, input.s, output.s);
      latency.total += b.t * ms;
      latency.addBlock(layer.block, b.gated, ms);
      latency.addUnit(layer.inGroup, input.gated, b.t * (t.a * output.s + t.b));
      latency.addUnit(layer.outGroup, output.gated, b.t * (t.a * input.s + t.c));
    }
    const features = input.s * layer.inExpand;
    const pairMacs = layer.macsPerPair * features * output.s;
    const pairParams = layer.weightsPerPair * features * output.s + layer.biasPerUnit * output.s;
    macs.total += b.t * pairMacs;
    params.total += b.t * pairParams;
    macs.addBlock(layer.block, b.gated, pairMacs);
    params.addBlock(layer.block, b.gated, pairParams);
    macs.addUnit(layer.inGroup, input.gated, b.t * layer.macsPerPair * layer.inExpand * output.s);
    params.addUnit(layer.inGroup, input.gated, b.t * layer.weightsPerPair * layer.inExpand * output.s);
    macs.addUnit(layer.outGroup, output.gated, b.t * layer.macsPerPair * features);
    params.addUnit(layer.outGroup, output.gated, b.t * (layer.weightsPerPair * features + layer.biasPerUnit));
  }
  for (const norm of graph.norms) {
    const b = B(norm.block);
    const g = S(norm.group);
    params.total += b.t * norm.paramsPerUnit * g.s;
    params.addBlock(norm.block, b.gated, norm.paramsPerUnit * g.s);
    params.addUnit(norm.group, g.gated, b.t * norm.paramsPerUnit);
  }
  for (const other of graph.otherParams) {
    const b = B(other.block);
    params.total += b.t * other.params;
    params.addBlock(other.block, b.gated, other.params);
  }
  return {
    macs: macs.total,
    params: params.total,
    dMacs: { units: macs.units, blocks: macs.blocks },
    dParams: { units: params.units, blocks: params.blocks },
    ...(timing === undefined ? {} : { latency: latency.total, dLatency: { units: latency.units, blocks: latency.blocks } }),
  };
}
