// Data-parallel training as a training method that wraps another (src/train/method.ts): every worker
// holds the whole network and trains on its own part of each global batch. Before the first step the
// workers take rank 0's weights and buffers; before each evaluation, rank 0's buffers (BatchNorm's
// running statistics, the values PyTorch's DDP sends before every forward); after backward, one
// coalesced all-reduce averages the weights' gradients and the wrapped method's estimates (CAT's
// gate gradients), weighted by each
// worker's share of the batch, together with a few flags (a worker that cannot step, a worker asked to
// stop). The wrapped method then makes the same decisions on every worker from the same numbers; after
// every structural change the workers compare a hash of the network and of the method's state.
import * as E from '../engine/index.js';
import { BatchNorm, type Module } from '../nn/index.js';
import type { BackwardContext, Callback, EvalMetrics, MethodContext, RunState, StepContext, StepEstimates, TrainingMethod } from '../train/index.js';
import { LockstepError, lockstepDigest } from './lockstep.js';

/** The collectives data-parallel training needs (src/engine's ProcessGroup has them). */
export interface Collectives {
  readonly rank: number;
  readonly worldSize: number;
  allReduceCoalesced(tensors: readonly E.Tensor[], options?: { bucketBytes?: number; scale?: number }): void;
  broadcast(tensors: E.Tensor | readonly E.Tensor[], root?: number): void;
  allGather(tensor: E.Tensor): E.Tensor[];
  allReduceSum(tensor: E.Tensor): E.Tensor;
}

export interface DataParallelOptions {
  group: Collectives;
  /** Gradient bucket size of the all-reduce. */
  bucketBytes?: number;
  /** BatchNorm statistics over the whole global batch (--sync-bn); default: each worker's part. */
  syncBatchNorm?: boolean;
  /**
   * 'shared' (default): the wrapped method's random draws before the forward (CAT's gates) come from
   * the generator every worker holds in the same state, so all workers draw alike. 'per-worker':
   * each worker draws its own, from a stream seeded by the step and its rank (so a resumed run
   * draws what the uninterrupted one did).
   */
  gateDraws?: GateDraws;
}

export type GateDraws = 'shared' | 'per-worker';

/** Flags summed with the gradients: examples, workers that cannot step, workers asked to stop. */
const EXAMPLES = 0;
const CANNOT_STEP = 1;
const STOP = 2;
const LOSS = 3;
const CORRECT = 4;
const FLAGS = 5;

class DataParallelMethod<State> implements TrainingMethod<State> {
  readonly name: string;
  private run: RunState | null = null;
  private synced = false;
  /** This step's loss weight when BatchNorm is synced (its backward was already the whole batch's share), else null. */
  private weighted: number | null = null;
  private structure = '';
  private epoch = { started: 0, lastStep: 0, local: 0, global: 0, lossSum: 0, correct: 0 };

  constructor(
    private readonly inner: TrainingMethod<State>,
    private readonly model: Module,
    private readonly options: DataParallelOptions,
  ) {
    this.name = inner.name;
    if (options.syncBatchNorm === true) {
      const sum = (t: E.Tensor): E.Tensor => options.group.allReduceSum(t);
      for (const layer of this.batchNorms()) layer.syncStatistics(sum);
    }
    // Every worker starts from rank 0's network, whatever its own seed or checkpoint gave it.
    E.noGrad(() => this.options.group.broadcast(this.stateTensors(), 0));
    this.structure = structureKey(model);
    this.checkLockstep('the start');
  }

  private batchNorms(): BatchNorm[] {
    return this.model.modules().filter((m): m is BatchNorm => m instanceof BatchNorm);
  }

  private stateTensors(): E.Tensor[] {
    return [...this.model.parameters().map((p) => p.value), ...this.model.namedBuffers().map(([, b]) => b.value)];
  }

  beforeForward(ctx: StepContext): void {
    this.synced = false;
    this.weighted = null;
    if (this.options.gateDraws !== 'per-worker') {
      this.inner.beforeForward?.(ctx);
      return;
    }
    // The shared generator is left as it was, so every worker's shared stream stays the same.
    const shared = E.keep(E.getRngState());
    try {
      E.manualSeed(perWorkerSeed(ctx.step, this.options.group.rank));
      this.inner.beforeForward?.(ctx);
    } finally {
      E.setRngState(shared);
      shared.dispose();
    }
  }

  /**
   * With synced BatchNorm a worker's backward also carries the other workers' losses (through the
   * statistics' sum), so the examples' weights must be applied before backward, not after: each
   * worker's loss is scaled by its share of the whole batch, and the gradients are then just summed.
   */
  lossWeight(ctx: StepContext): number {
    if (this.options.syncBatchNorm !== true) return 1;
    const examples = ctx.y.size(0);
    const total = E.scope(() => {
      const count = E.tensor([examples], { dtype: 'float64' });
      this.options.group.allReduceCoalesced([count]);
      return count.item();
    });
    this.weighted = total > 0 ? examples / total : 0;
    return this.weighted;
  }

  /**
   * DDP's convention gives every worker rank 0's buffers (BatchNorm's running statistics) before each
   * forward. A training forward never reads them, and rank 0's own never change by it, so sending
   * them only before they are read, at evaluation, gives the same numbers without a collective per step.
   */
  beforeEvaluation(): void {
    this.inner.beforeEvaluation?.();
    const buffers = this.model.namedBuffers().map(([, b]) => b.value);
    if (buffers.length > 0) E.noGrad(() => this.options.group.broadcast(buffers, 0));
  }

  afterBackward(ctx: BackwardContext): boolean {
    const ok = this.inner.afterBackward?.(ctx) !== false;
    return this.average(ctx.y.size(0), ok, ctx.loss, ctx.correct);
  }

  /**
   * One all-reduce for the step: gradients and estimates scaled by this worker's examples and summed,
   * then divided by all workers' examples, so the step is the one the whole batch would give.
   */
  private average(examples: number, ok: boolean, loss: number, correct: number): boolean {
    this.synced = true;
    // Gradient handles made here belong to the scope; the gradients themselves are changed in place.
    return E.scope(() => {
      const estimates: StepEstimates | undefined = this.inner.estimates?.();
      const grads = this.model.parameters().flatMap((p) => {
        const g = p.grad;
        return g === null ? [] : [g];
      });
      const tensors = [...grads, ...(estimates?.tensors ?? [])];
      const numbers = estimates?.numbers ?? [];
      const flags = new Float64Array(FLAGS + numbers.length);
      flags[EXAMPLES] = examples;
      flags[CANNOT_STEP] = ok && Number.isFinite(loss) ? 0 : 1;
      flags[STOP] = this.run?.stopTraining === true ? 1 : 0;
      flags[LOSS] = Number.isFinite(loss) ? loss * examples : 0;
      flags[CORRECT] = correct;
      numbers.forEach((n, i) => (flags[FLAGS + i] = n * examples));
      const shared = E.tensor(flags, { dtype: 'float64' });
      const preWeighted = this.weighted !== null;
      E.noGrad(() => {
        if (!preWeighted) for (const t of tensors) t.mul_(examples);
        this.options.group.allReduceCoalesced([...tensors, shared], this.options.bucketBytes === undefined ? {} : { bucketBytes: this.options.bucketBytes });
      });
      const sums = shared.data() as Float64Array;
      const total = sums[EXAMPLES] as number;
      if ((sums[STOP] as number) > 0 && this.run !== null) this.run.stopTraining = true;
      this.epoch.lastStep = performance.now();
      if ((sums[CANNOT_STEP] as number) > 0 || total === 0) return false;
      if (!preWeighted) {
        E.noGrad(() => {
          for (const t of tensors) t.mul_(1 / total);
        });
      }
      estimates?.set(numbers.map((_, i) => (sums[FLAGS + i] as number) / total));
      this.epoch.local += examples;
      this.epoch.global += total;
      this.epoch.lossSum += sums[LOSS] as number;
      this.epoch.correct += sums[CORRECT] as number;
      return true;
    });
  }

  afterUpdate(ctx: BackwardContext): void {
    this.inner.afterUpdate?.(ctx);
    const structure = structureKey(this.model);
    if (structure !== this.structure) {
      this.structure = structure;
      this.checkLockstep(`step ${ctx.step}`);
    }
  }

  discardStep(): void {
    // A worker whose own loss was not finite still takes part in the step's all-reduce, so the
    // others learn that nobody steps.
    if (!this.synced) this.average(0, false, Number.NaN, 0);
    this.inner.discardStep?.();
  }

  /** Every worker must hold the same network and method state; a difference stops the run. */
  private checkLockstep(when: string): void {
    const digest = lockstepDigest(this.structure, this.inner.state());
    const all = E.scope(() => this.options.group.allGather(E.tensor(digest, { dtype: 'float64' })).map((t) => [...(t.data() as Float64Array)]));
    const differ = all.map((d, rank) => (d.every((v, i) => v === all[0]?.[i]) ? -1 : rank)).filter((rank) => rank >= 0);
    if (differ.length > 0) throw new LockstepError(when, differ);
  }

  callbacks(): Callback[] {
    return [
      ...this.inner.callbacks(),
      {
        onTrainBegin: (run) => {
          this.run = run;
        },
        onEpochBegin: () => {
          const now = performance.now();
          this.epoch = { started: now, lastStep: now, local: 0, global: 0, lossSum: 0, correct: 0 };
        },
        onEpochEnd: () => this.checkLockstep('the end of the epoch'),
      },
    ];
  }

  state(): State | undefined {
    return this.inner.state();
  }

  status(): string | undefined {
    const inner = this.inner.status();
    const workers = `${this.options.group.worldSize} workers`;
    return inner === undefined ? workers : `${inner} | ${workers}`;
  }

  epochFields(): Record<string, unknown> {
    // Training time only: the epoch's evaluation runs after its last step.
    const seconds = Math.max(1e-9, (this.epoch.lastStep - this.epoch.started) / 1000);
    const { local, global } = this.epoch;
    return {
      ...this.inner.epochFields(),
      // The whole batch's loss and accuracy, and the throughput of all workers and of one.
      train_loss: global > 0 ? this.epoch.lossSum / global : Number.NaN,
      train_acc: global > 0 ? (100 * this.epoch.correct) / global : Number.NaN,
      workers: this.options.group.worldSize,
      img_s: global / seconds,
      img_s_per_worker: local / seconds,
    };
  }

  finish(step: number): { changed: boolean } {
    const result = this.inner.finish(step);
    this.structure = structureKey(this.model);
    this.checkLockstep('the end of training');
    return result;
  }

  /** Each worker evaluated its part of the test set: sums of losses and hits make the whole. */
  mergeEvaluation(metrics: EvalMetrics): EvalMetrics {
    const sums = E.scope(() => {
      const { loss, top1, top5, count } = metrics;
      // Hits are whole numbers: rounding undoes the percentage's float error, so the result is exact.
      const local = E.tensor([loss * count, Math.round((top1 * count) / 100), Math.round((top5 * count) / 100), count], { dtype: 'float64' });
      this.options.group.allReduceCoalesced([local]);
      return [...(local.data() as Float64Array)];
    });
    const [lossSum = 0, top1Hits = 0, top5Hits = 0, count = 0] = sums;
    const c = Math.max(1, count);
    return { loss: lossSum / c, top1: (100 * top1Hits) / c, top5: (100 * top5Hits) / c, count };
  }

  outcome(): ReturnType<TrainingMethod['outcome']> {
    return this.inner.outcome();
  }

  dispose(): void {
    for (const layer of this.batchNorms()) layer.syncStatistics(null);
    this.inner.dispose();
  }
}

/** A seed for one worker's draws at one step: distinct per (step, rank), the same on every run. */
function perWorkerSeed(step: number, rank: number): number {
  // splitmix-style mixing of the pair into 53 bits.
  let h = BigInt(step) * 0x9e3779b97f4a7c15n + BigInt(rank + 1) * 0xbf58476d1ce4e5b9n;
  h = ((h ^ (h >> 30n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return Number((h ^ (h >> 31n)) & 0x1fffffffffffffn);
}

/** The network's shape: every parameter's name and size (it changes with every surgery). */
function structureKey(model: Module): string {
  return model
    .namedParameters()
    .map(([name, p]) => `${name}:${p.value.shape.join('x')}`)
    .join(',');
}

/** Wraps a method so that it trains data-parallel in `options.group`. */
export function dataParallel<State>(inner: TrainingMethod<State>, context: MethodContext, options: DataParallelOptions): TrainingMethod<State> {
  return new DataParallelMethod(inner, context.model, options);
}
