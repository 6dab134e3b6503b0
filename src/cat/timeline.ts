// When each part of a CAT run happens, in steps (docs/method.md section 4 and docs/cat.md "schedule"):
// the gate warm-up, the patience window, the removal cadence, the gate step size, the budget's ramp and
// freeze, and the settle step. Pure arithmetic on the options and the run's length.
import type { BudgetSchedule, BudgetTarget } from './budget.js';
import type { CatOptions } from './options.js';

export interface CatSchedule {
  stepsPerEpoch: number;
  totalSteps: number;
}

export interface CatTimeline {
  /** Steps of plain training before the gates move. */
  warmupSteps: number;
  /** Steps a theta must sit at 0 before its structure may go (condition (a)). */
  patience: number;
  /** Steps between removals that track the expected cost. */
  trackEvery: number;
  /** The gate step eta_theta before per-gate scaling. */
  rate: number;
  /** The step from which the gates are rounded and the pruned network trains on deterministically. */
  settleStep: number;
  budget: { target: BudgetTarget; schedule: BudgetSchedule } | null;
}

/** `denseLatencyMs`: the dense network's modelled latency, which --target-latency is a fraction of. */
export function catTimeline(options: CatOptions, { stepsPerEpoch, totalSteps }: CatSchedule, denseLatencyMs?: number): CatTimeline {
  const warmupSteps = Math.round(options.gateWarmupEpochs * stepsPerEpoch);
  const settleStep = Math.round((1 - options.settleFraction) * totalSteps);
  const target: BudgetTarget | null =
    options.targetMacs !== null
      ? { kind: 'macs', fraction: options.targetMacs }
      : options.targetParams !== null
        ? { kind: 'params', fraction: options.targetParams }
        : options.targetLatency !== null
          ? { kind: 'latency', fraction: options.targetLatency / (denseLatencyMs ?? NaN) }
          : null;
  // Gamma holds the target from the ramp's end, then stays fixed for the last quarter of the time
  // before the settle step, so the remaining gates settle at 0 or 1.
  const rampEnd = Math.round(options.pruneBy * totalSteps);
  const freeze = Math.round(rampEnd + 0.75 * (settleStep - rampEnd));
  return {
    warmupSteps,
    patience: Math.round(options.patienceEpochs * stepsPerEpoch),
    trackEvery: Math.max(1, Math.round(stepsPerEpoch / 4)),
    // With no data signal and at gamma = 1, a gate's push is about its own share, which the step
    // divides by: eta = 1 / (steps to cross) makes it cross [0, 1] in gateCrossEpochs.
    rate: options.gateLr ?? 1 / Math.max(1, options.gateCrossEpochs * stepsPerEpoch),
    settleStep,
    budget: target === null ? null : { target, schedule: { start: warmupSteps, rampEnd, freeze, every: 10 } },
  };
}
