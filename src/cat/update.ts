// The gate update of one step (docs/method.md sections 3 and 4): the automatic regularisation weights
// c_k, the projected gradient step on theta with per-gate step scaling, and the bookkeeping of the
// pruning conditions.
import type { ExpectedComplexity } from './complexity.js';
import type { GateRecord, GateRecordView, GateState, GateView } from './gate-state.js';

export interface Knobs {
  /** gamma >= 0: accuracy vs complexity. */
  strength: number;
  /** alpha > 0: a MAC saved by a layer gate counts alpha times. */
  layerPreference: number;
  /** beta in [0, 1]: weight of MACs (1) against parameters (0). */
  flopsShare: number;
}

export interface Baseline {
  macs: number;
  params: number;
  /** The dense network's modelled milliseconds, when a latency profile measures compute. */
  latency?: number;
}

export interface Shares {
  units: Map<string, number>;
  blocks: Map<string, number>;
}

/**
 * The cost the knobs weigh, beta * compute / C0 + (1 - beta) * parameters / P0 (of a network or of a
 * gate), where compute is milliseconds when the baseline has a latency, else MACs.
 */
export function weighedCost(compute: number, params: number, baseline: Baseline, flopsShare: number): number {
  return (flopsShare * compute) / (baseline.latency ?? baseline.macs) + ((1 - flopsShare) * params) / baseline.params;
}

/** beta dEF/dtheta / F0 + (1 - beta) dEP/dtheta / P0 for every gate: its share of the network's cost. */
export function complexityShares(expected: ExpectedComplexity, baseline: Baseline, flopsShare: number): Shares {
  const share = (dMacs: number, dParams: number): number => weighedCost(dMacs, dParams, baseline, flopsShare);
  const units = new Map<string, number>();
  const blocks = new Map<string, number>();
  const dCompute = baseline.latency === undefined ? expected.dMacs : expected.dLatency;
  if (dCompute === undefined) throw new Error('complexityShares: the baseline has a latency but the expected cost has none (no latency model was given)');
  for (const [id, d] of dCompute.units) units.set(id, share(d, expected.dParams.units.get(id) ?? 0));
  for (const [id, d] of dCompute.blocks) blocks.set(id, share(d, expected.dParams.blocks.get(id) ?? 0));
  for (const [id, d] of expected.dParams.units) if (!units.has(id)) units.set(id, share(0, d));
  for (const [id, d] of expected.dParams.blocks) if (!blocks.has(id)) blocks.set(id, share(0, d));
  return { units, blocks };
}

/**
 * Each gate's reference share, which its step is divided by (the "scale note" of docs/method.md
 * section 4): its own initial share ('share'), or the mean share of all gates ('none').
 */
export function referenceScale(raw: Shares, gates: GateView, scaling: 'share' | 'none'): Shares {
  // A gate whose structure costs nothing measurable still needs a finite step.
  const floor = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([id, s]) => [id, Math.max(s, 1e-9)]));
  const shares = { units: floor(raw.units), blocks: floor(raw.blocks) };
  if (scaling === 'share') return shares;
  let total = 0;
  let count = 0;
  for (const [id, s] of shares.units) {
    const n = gates.groups.get(id)?.theta.length ?? 0;
    total += s * n;
    count += n;
  }
  for (const s of shares.blocks.values()) {
    total += s;
    count += 1;
  }
  const mean = count === 0 ? 1 : total / count;
  return { units: new Map([...shares.units.keys()].map((id) => [id, mean])), blocks: new Map([...shares.blocks.keys()].map((id) => [id, mean])) };
}

/** c_k = gamma * rho_k * share_k, rho = alpha for layer gates and 1 for unit gates. */
export function coefficients(shares: Shares, knobs: Knobs): Shares {
  const units = new Map([...shares.units].map(([id, s]) => [id, knobs.strength * s] as const));
  const blocks = new Map([...shares.blocks].map(([id, s]) => [id, knobs.strength * knobs.layerPreference * s] as const));
  return { units, blocks };
}

/**
 * How close to 0 or 1 a theta must be to count as settled there. Each step moves theta by a noisy
 * amount, so a gate the data does not want still leaves 0 by a hair on some steps; within this band
 * it is drawn in under 1% of steps. Condition (a) and the end-of-run binary count use it.
 */
export const SETTLED = 0.01;

export const isSettled = (theta: number): boolean => theta <= SETTLED || theta >= 1 - SETTLED;

export interface StepSettings {
  /** Gate learning rate eta_theta (already divided by the reference share). */
  rate: number;
  /** EMA weight of the newest g + c in the pull statistic. */
  pullWeight: number;
}

/** theta <- clip(theta - eta_k (g + c), 0, 1) on one record; updates the zero counters and pull statistic. */
function stepRecord(record: GateRecord, grads: ArrayLike<number>, c: number, eta: number, pullWeight: number): void {
  for (let i = 0; i < record.theta.length; i++) {
    if (record.spare[i] === 1) continue;
    const push = (grads[i] as number) + c;
    const theta = Math.min(1, Math.max(0, (record.theta[i] as number) - eta * push));
    record.theta[i] = theta;
    record.zeroSteps[i] = theta <= SETTLED ? (record.zeroSteps[i] as number) + 1 : 0;
    record.pull[i] = (1 - pullWeight) * (record.pull[i] as number) + pullWeight * push;
  }
}

/**
 * The projected step on every gate. `scale0` is each gate's share at the start: dividing its step by
 * it ("scale note" of docs/method.md section 4) lets a unit and a block cross [0, 1] on similar time scales.
 */
export function projectedStep(
  gates: GateState,
  grads: { units: Map<string, Float64Array>; blocks: Map<string, number> },
  c: Shares,
  scale0: Shares,
  settings: StepSettings,
): void {
  for (const [id, record] of gates.groups) {
    const g = grads.units.get(id);
    if (g === undefined) continue;
    stepRecord(record, g, c.units.get(id) ?? 0, settings.rate / (scale0.units.get(id) ?? 1), settings.pullWeight);
  }
  for (const [id, record] of gates.blocks) {
    const g = grads.blocks.get(id);
    if (g === undefined) continue;
    stepRecord(record, [g], c.blocks.get(id) ?? 0, settings.rate / (scale0.blocks.get(id) ?? 1), settings.pullWeight);
  }
}

/** Pruning condition (a) and (b): at 0 for the patience window, and the data no longer pulls it back. */
export const isRemovable = (record: GateRecordView, i: number, patience: number): boolean =>
  record.spare[i] !== 1 && (record.theta[i] as number) <= SETTLED && (record.zeroSteps[i] as number) >= patience && (record.pull[i] as number) > 0;
