// Stops a run whose loss stops being finite, before a checkpoint could store diverged weights.
import type { BatchLogs, Callback, RunState } from '../callback.js';

export class NonFiniteLossError extends Error {
  constructor(readonly step: number, readonly loss: number) {
    super(
      `loss became ${loss} at step ${step}: training diverged. Lower the learning rate (--lr), check the input ` +
        'normalisation, or resume from the last checkpoint; the checkpoint was left as it was.',
    );
    this.name = 'NonFiniteLossError';
  }
}

export class NanGuard implements Callback {
  onBatchEnd(run: RunState, logs: BatchLogs): void {
    if (!Number.isFinite(logs.loss)) throw new NonFiniteLossError(run.step, logs.loss);
  }
}
