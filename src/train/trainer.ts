// The training loop. `fit()` runs epochs over a batch source, calling the callbacks' hooks; the step
// itself is `trainStep`, which calls the training method's hooks around forward, backward and the
// weight update (method.ts), and which a subclass may override to change what one step does.
import * as E from '../engine/index.js';
import { emit, type BatchLogs, type Callback, type EpochLogs, type RunState } from './callback.js';
import { MetricAccumulator, type EvalMetrics } from './metrics.js';
import type { RunPosition } from './checkpoint.js';
import type { LrSchedule } from './schedule.js';
import type { StepHooks } from './method.js';
import type { Sgd } from './sgd.js';

/** A batch as the data loader hands it over: host memory, NCHW or NHWC float32 images or [N, C, L] sequences. */
export interface HostBatch {
  images: Float32Array;
  labels: BigInt64Array;
  size: number;
  /** [N, C, H, W] for 'nchw', [N, H, W, C] for 'nhwc', [N, C, L] for 'ncl'. */
  shape: readonly [number, number, number, number] | readonly [number, number, number];
  layout: 'nchw' | 'nhwc' | 'ncl';
}

export interface BatchSource {
  readonly batchesPerEpoch: number;
  epoch(epoch: number, options?: { startBatch?: number }): AsyncIterable<HostBatch>;
}

/** Moves a host batch into tensors on `device`; NHWC data becomes a channels-last NCHW view. */
export function batchToTensors(batch: HostBatch, device: E.Device): { x: E.Tensor; y: E.Tensor } {
  const images = E.tensor(batch.images, { shape: batch.shape, device });
  const x = batch.layout === 'nhwc' ? images.permute([0, 3, 1, 2]) : images;
  return { x, y: E.tensor(batch.labels, { shape: [batch.size], device }) };
}

export interface TrainableModel {
  /** The forward with hooks (Module.call), so gates and other hooks attached to the root run too. */
  call(x: E.Tensor): E.Tensor;
  train(): unknown;
  eval(): unknown;
}

/** Loss, top-1 and top-5 of a model in eval mode over every batch of a source. */
export async function evaluateModel(model: TrainableModel, source: BatchSource, device: E.Device): Promise<EvalMetrics> {
  model.eval();
  const metrics = new MetricAccumulator();
  for await (const batch of source.epoch(0)) {
    // A worker's part of a short last batch may hold no image.
    if (batch.size === 0) continue;
    E.noGrad(() =>
      E.scope(() => {
        const { x, y } = batchToTensors(batch, device);
        metrics.add(model.call(x), y);
      }),
    );
  }
  return metrics.result();
}

export interface TrainerOptions {
  model: TrainableModel;
  optimizer: Sgd;
  schedule: LrSchedule;
  train: BatchSource;
  test?: BatchSource;
  epochs: number;
  device?: E.Device;
  callbacks?: Callback[];
  /** Where a resumed run continues. */
  start?: RunPosition;
  /** The training method's step hooks, per-epoch log fields and evaluation hooks (none: plain SGD). */
  method?: StepHooks & { epochFields?(): Record<string, unknown>; beforeEvaluation?(): void; mergeEvaluation?(metrics: EvalMetrics): EvalMetrics };
}

export class Trainer {
  readonly run: RunState;
  readonly callbacks: Callback[];

  constructor(readonly options: TrainerOptions) {
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${options.epochs}`);
    const start = options.start ?? { epoch: 0, batchInEpoch: 0, step: 0 };
    this.run = { ...start, epochs: options.epochs, batchesPerEpoch: options.train.batchesPerEpoch, stopTraining: false };
    this.callbacks = options.callbacks ?? [];
  }

  toTensors(batch: HostBatch): { x: E.Tensor; y: E.Tensor } {
    return batchToTensors(batch, this.options.device ?? 'cpu');
  }

  /** One optimisation step on a batch; returns its loss and hits. Runs inside a scope. */
  trainStep(x: E.Tensor, y: E.Tensor, rate: number): BatchLogs {
    const { model, optimizer, method } = this.options;
    const ctx = { step: this.run.step, x, y, rate };
    method?.beforeForward?.(ctx);
    const logits = model.call(x);
    const loss = E.crossEntropy(logits, y);
    const weight = method?.lossWeight?.(ctx) ?? 1;
    (weight === 1 ? loss : E.mul(loss, weight)).backward();
    const lossValue = loss.item();
    const correct = E.noGrad(() => logits.argmax(1).eq(y).sum().item());
    const logs = { loss: lossValue, correct, size: y.size(0), rate };
    if (!Number.isFinite(lossValue)) {
      optimizer.zeroGrad();
      method?.discardStep?.();
      return logs;
    }
    const after = { ...ctx, loss: lossValue, correct };
    if (method?.afterBackward?.(after) === false) {
      optimizer.zeroGrad();
      method.discardStep?.();
      return logs;
    }
    optimizer.step(rate);
    method?.afterUpdate?.(after);
    return logs;
  }

  /** Loss, top-1 and top-5 of the model in eval mode over a batch source. */
  async evaluate(source: BatchSource): Promise<EvalMetrics> {
    this.options.method?.beforeEvaluation?.();
    const metrics = await evaluateModel(this.options.model, source, this.options.device ?? 'cpu');
    return this.options.method?.mergeEvaluation?.(metrics) ?? metrics;
  }

  /** Extra per-epoch figures for the logs: the training method's (CAT reports the network's size). */
  epochExtras(): Record<string, unknown> | undefined {
    return this.options.method?.epochFields?.();
  }

  private lastYield = 0;

  // Batches made on this thread resolve as microtasks, so without this a whole epoch could pass
  // without the event loop turning: no signal (Ctrl-C) or timer would be handled until its end.
  private async yieldToEventLoop(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < 20) return;
    this.lastYield = now;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async fit(): Promise<RunState> {
    const { run, callbacks, options } = this;
    await emit(callbacks, 'onTrainBegin', run);
    for (; run.epoch < options.epochs && !run.stopTraining; run.epoch++, run.batchInEpoch = 0) {
      options.model.train();
      await emit(callbacks, 'onEpochBegin', run);
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let rate = options.schedule.rateAt(run.step);
      for await (const batch of options.train.epoch(run.epoch, { startBatch: run.batchInEpoch })) {
        rate = options.schedule.rateAt(run.step);
        const logs = E.scope(() => {
          const { x, y } = this.toTensors(batch);
          return this.trainStep(x, y, rate);
        });
        run.step += 1;
        run.batchInEpoch += 1;
        lossSum += logs.loss * logs.size;
        correct += logs.correct;
        seen += logs.size;
        await emit(callbacks, 'onBatchEnd', run, logs);
        await this.yieldToEventLoop();
        if (run.stopTraining) break;
      }
      // Stopped on the epoch's last batch, the epoch is complete: it is evaluated and logged before the loop ends.
      if (run.stopTraining && run.batchInEpoch < run.batchesPerEpoch) break;
      const seconds = (performance.now() - started) / 1000;
      const test = options.test === undefined ? undefined : await this.evaluate(options.test);
      const epochLogs: EpochLogs = {
        epoch: run.epoch,
        trainLoss: lossSum / Math.max(1, seen),
        trainTop1: (100 * correct) / Math.max(1, seen),
        rate,
        seconds,
        imagesPerSecond: seen / seconds,
        ...(test === undefined ? {} : { test }),
      };
      const extra = this.epochExtras();
      if (extra !== undefined) epochLogs.extra = extra;
      await emit(callbacks, 'onEpochEnd', run, epochLogs);
    }
    await emit(callbacks, 'onTrainEnd', run);
    return run;
  }
}
