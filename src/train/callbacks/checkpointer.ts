// Saves the run's checkpoint after every epoch and when training stops early (Ctrl-C, a stop flag).
import type { Callback, RunState } from '../callback.js';
import type { RunPosition } from '../checkpoint.js';

/** Where the run continues from: after a finished epoch, the start of the next one. */
export function positionOf(run: RunState): RunPosition {
  return run.batchInEpoch >= run.batchesPerEpoch
    ? { epoch: run.epoch + 1, batchInEpoch: 0, step: run.step }
    : { epoch: run.epoch, batchInEpoch: run.batchInEpoch, step: run.step };
}

export class Checkpointer implements Callback {
  /** `save` writes the checkpoint for a position (atomically). */
  constructor(private readonly save: (position: RunPosition) => void) {}

  onEpochEnd(run: RunState): void {
    this.save(positionOf(run));
  }

  onTrainEnd(run: RunState): void {
    if (run.stopTraining) this.save(positionOf(run));
  }
}
