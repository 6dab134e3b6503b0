// Appends one JSON object per epoch to a file (the run's log.jsonl): losses and accuracies, then the
// trainer's extras (network size, and for CAT the gates' state), then the epoch's time.
import { appendFileSync } from 'node:fs';
import type { Callback, EpochLogs, RunState } from '../callback.js';

export class JsonlLog implements Callback {
  constructor(private readonly path: string) {}

  onEpochEnd(run: RunState, logs: EpochLogs): void {
    const record = {
      epoch: logs.epoch + 1,
      step: run.step,
      lr: logs.rate,
      train_loss: logs.trainLoss,
      train_acc: logs.trainTop1,
      ...(logs.test === undefined ? {} : { test_loss: logs.test.loss, test_acc: logs.test.top1, test_top5: logs.test.top5 }),
      epoch_s: logs.seconds,
      img_s: logs.imagesPerSecond,
      ...logs.extra,
      time: new Date().toISOString(),
    };
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}
