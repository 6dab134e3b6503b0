// A per-epoch progress bar on a TTY (cli-progress); a one-line summary per epoch otherwise.
import cliProgress from 'cli-progress';
import type { BatchLogs, Callback, EpochLogs, RunState } from '../callback.js';

export class ProgressBar implements Callback {
  private bar: cliProgress.SingleBar | undefined;
  private lossSum = 0;
  private seen = 0;

  /** `status` adds a live field, e.g. CAT's 'MACs 63.0% | blocks 8/9'; `examples` names what a batch holds. */
  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly status?: () => string | undefined,
    private readonly examples: 'images' | 'sequences' = 'images',
  ) {}

  onEpochBegin(run: RunState): void {
    this.lossSum = 0;
    this.seen = 0;
    if (!this.stream.isTTY) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream,
        format: `epoch ${run.epoch + 1}/${run.epochs} [{bar}] {value}/{total} | loss {loss}{status} | {eta_formatted} left`,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(run.batchesPerEpoch, run.batchInEpoch, { loss: '-', status: this.statusText() });
  }

  onBatchEnd(run: RunState, logs: BatchLogs): void {
    this.lossSum += logs.loss * logs.size;
    this.seen += logs.size;
    this.bar?.update(run.batchInEpoch, { loss: (this.lossSum / this.seen).toFixed(4), status: this.bar === undefined ? '' : this.statusText() });
  }

  onEpochEnd(run: RunState, logs: EpochLogs): void {
    this.bar?.stop();
    this.bar = undefined;
    const test = logs.test === undefined ? '' : ` | test loss ${logs.test.loss.toFixed(4)} top-1 ${logs.test.top1.toFixed(2)}% top-5 ${logs.test.top5.toFixed(2)}%`;
    this.stream.write(
      `epoch ${logs.epoch + 1}/${run.epochs} | train loss ${logs.trainLoss.toFixed(4)} top-1 ${logs.trainTop1.toFixed(2)}%${test} | ` +
        `${logs.seconds.toFixed(1)} s, ${logs.imagesPerSecond.toFixed(0)} ${this.examples === 'sequences' ? 'seq/s' : 'img/s'} | lr ${logs.rate.toPrecision(3)}${this.statusText()}\n`,
    );
  }

  private statusText(): string {
    const status = this.status?.();
    return status === undefined ? '' : ` | ${status}`;
  }

  onTrainEnd(): void {
    this.bar?.stop();
  }
}
