// Budget targeting (docs/method.md section 6, catrain's extension): gamma becomes a controlled variable
// that steers the expected cost along a path from 1 (end of gate warm-up) to the target (at
// `rampEnd`), then holds it there until `freeze`, after which gamma stays fixed so the remaining
// gates settle to 0 or 1.
export interface BudgetTarget {
  kind: 'macs' | 'params' | 'latency';
  /** Fraction of the dense network, in (0, 1). */
  fraction: number;
}

export interface BudgetSchedule {
  start: number;
  rampEnd: number;
  freeze: number;
  /** Steps between adjustments. */
  every: number;
}

/** Aim a little under the target: a network over budget fails the user's constraint (docs/method.md section 6). */
export const BUDGET_MARGIN = 0.01;
/** Largest relative change of gamma per adjustment. */
const MAX_CHANGE = 0.03;
const GAIN = 2;

export function targetAt(step: number, target: BudgetTarget, schedule: BudgetSchedule): number {
  const goal = target.fraction * (1 - BUDGET_MARGIN);
  if (step <= schedule.start) return 1;
  if (step >= schedule.rampEnd) return goal;
  return 1 + ((goal - 1) * (step - schedule.start)) / (schedule.rampEnd - schedule.start);
}

/** The next gamma, given the expected cost as a fraction of the dense network. */
export function adjustGamma(gamma: number, step: number, costFraction: number, target: BudgetTarget, schedule: BudgetSchedule): number {
  if (step < schedule.start || step >= schedule.freeze || (step - schedule.start) % schedule.every !== 0) return gamma;
  const error = (costFraction - targetAt(step, target, schedule)) / target.fraction;
  const change = Math.max(-MAX_CHANGE, Math.min(MAX_CHANGE, GAIN * error));
  return gamma * Math.exp(change);
}
