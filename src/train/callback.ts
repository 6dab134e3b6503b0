// The hooks a training run calls, in order: onTrainBegin, then per epoch onEpochBegin, onBatchEnd
// after every step, onEpochEnd after evaluation; onTrainEnd once. Setting `run.stopTraining` from a
// hook ends the run after the current step, with a checkpoint.
import type { EvalMetrics } from './metrics.js';

export interface RunState {
  /** 0-based epoch being trained (or the next one, between epochs). */
  epoch: number;
  /** Batches of this epoch already trained. */
  batchInEpoch: number;
  /** Global step count, across epochs. */
  step: number;
  readonly epochs: number;
  readonly batchesPerEpoch: number;
  stopTraining: boolean;
}

export interface BatchLogs {
  loss: number;
  correct: number;
  size: number;
  rate: number;
}

export interface EpochLogs {
  epoch: number;
  trainLoss: number;
  trainTop1: number;
  rate: number;
  seconds: number;
  imagesPerSecond: number;
  test?: EvalMetrics;
  /** Extra figures a custom step adds (e.g. network size during CAT). */
  extra?: Record<string, unknown>;
}

export interface Callback {
  onTrainBegin?(run: RunState): void | Promise<void>;
  onEpochBegin?(run: RunState): void | Promise<void>;
  onBatchEnd?(run: RunState, logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(run: RunState, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(run: RunState): void | Promise<void>;
}

/** Calls one hook on every callback, in order. */
export async function emit<K extends keyof Callback>(callbacks: readonly Callback[], hook: K, ...args: Parameters<NonNullable<Callback[K]>>): Promise<void> {
  for (const callback of callbacks) {
    const fn = callback[hook] as ((...a: typeof args) => void | Promise<void>) | undefined;
    if (fn !== undefined) await fn.apply(callback, args);
  }
}
