// Learning-rate schedules as pure functions of the global step, so a resumed run recomputes the
// same rate from its step counter alone.

export interface LrSchedule {
  /** The learning rate for global step `step` (0-based) of `totalSteps`. */
  rateAt(step: number): number;
  describe(): string;
}

export interface ScheduleOptions {
  baseRate: number;
  totalSteps: number;
  /** Steps of linear warm-up from baseRate / warmupSteps to baseRate (0 = none). */
  warmupSteps?: number;
}

function checkOptions({ baseRate, totalSteps, warmupSteps = 0 }: ScheduleOptions): void {
  if (!(baseRate > 0) || !Number.isFinite(baseRate)) throw new RangeError(`learning rate must be a positive number, got ${baseRate}`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new RangeError(`total steps must be a positive integer, got ${totalSteps}`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps > totalSteps) {
    throw new RangeError(`warm-up steps must be an integer in [0, ${totalSteps}], got ${warmupSteps}`);
  }
}

/** Linear warm-up: step 0 runs at baseRate / warmupSteps, step warmupSteps - 1 at baseRate. */
function warmup(step: number, { baseRate, warmupSteps = 0 }: ScheduleOptions): number | undefined {
  return step < warmupSteps ? (baseRate * (step + 1)) / warmupSteps : undefined;
}

/** Cosine decay from baseRate to 0 over the steps after warm-up. */
export function cosineSchedule(options: ScheduleOptions): LrSchedule {
  checkOptions(options);
  const { baseRate, totalSteps, warmupSteps = 0 } = options;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  return {
    rateAt: (step) => warmup(step, options) ?? (baseRate * (1 + Math.cos((Math.PI * (step - warmupSteps)) / decaySteps))) / 2,
    describe: () => `cosine from ${baseRate} to 0 over ${decaySteps} steps after ${warmupSteps} warm-up steps`,
  };
}

/** Multiplies the rate by `gamma` at each milestone step. */
export function stepSchedule(options: ScheduleOptions & { milestones: readonly number[]; gamma?: number }): LrSchedule {
  checkOptions(options);
  const { baseRate, milestones, gamma = 0.1 } = options;
  if (!milestones.every((m, i) => Number.isInteger(m) && m > 0 && (i === 0 || m > (milestones[i - 1] as number)))) {
    throw new RangeError(`step milestones must be increasing positive integers, got [${milestones.join(', ')}]`);
  }
  return {
    rateAt: (step) => warmup(step, options) ?? baseRate * gamma ** milestones.filter((m) => step >= m).length,
    describe: () => `step: ${baseRate} x ${gamma} at steps [${milestones.join(', ')}]`,
  };
}

/** A constant rate, after an optional warm-up. */
export function constantSchedule(options: ScheduleOptions): LrSchedule {
  checkOptions(options);
  return {
    rateAt: (step) => warmup(step, options) ?? options.baseRate,
    describe: () => `constant ${options.baseRate}`,
  };
}
