// Appends one JSON object per epoch to a file (the run's metrics.jsonl).
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
      train_top1: logs.trainTop1,
      ...(logs.test === undefined ? {} : { test_loss: logs.test.loss, test_top1: logs.test.top1, test_top5: logs.test.top5 }),
      epoch_s: logs.seconds,
      img_s: logs.imagesPerSecond,
      ...logs.extra,
      time: new Date().toISOString(),
    };
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}
