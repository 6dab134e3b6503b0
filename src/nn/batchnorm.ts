// Batch normalisation (Ioffe & Szegedy 2015) over dim 1, as torch/nn/modules/batchnorm.py: learnable
// weight/bias, running statistics and the int64 counter num_batches_tracked, with the same state keys.
import * as E from '../engine/index.js';
import { checkKeep, checkWidth } from './indices.js';
import { constant_ } from './init.js';
import { Module } from './module.js';
import type { Buffer, Parameter, ParameterSlice } from './parameter.js';
import type { InputSurgery, OutputSurgery } from './surgery-types.js';
import { syncedBatchNorm, type WorkerSum } from './sync-batchnorm.js';

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics; null = cumulative average (PyTorch's None). */
  momentum?: number | null;
  /** Learnable per-channel weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); otherwise batch statistics are always used. */
  trackRunningStats?: boolean;
}

export abstract class BatchNorm extends Module implements OutputSurgery, InputSurgery {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Buffer | null;
  readonly runningVar: Buffer | null;
  readonly numBatchesTracked: Buffer | null;
  readonly eps: number;
  readonly momentum: number | null;
  private width: number;
  private workerSum: WorkerSum | null = null;

  /** Input ranks the layer accepts (BatchNorm1d: 2 or 3, BatchNorm2d: 4). */
  protected abstract readonly ranks: readonly number[];

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = options;
    checkWidth(this.kind, 'numFeatures', numFeatures);
    this.width = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? this.registerParameter('weight', E.empty([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', E.empty([numFeatures])) : null;
    if (trackRunningStats) {
      this.runningMean = this.registerBuffer('running_mean', E.zeros([numFeatures]));
      this.runningVar = this.registerBuffer('running_var', E.ones([numFeatures]));
      this.numBatchesTracked = this.registerBuffer('num_batches_tracked', E.zeros([], { dtype: 'int64' }));
    } else {
      this.runningMean = this.runningVar = this.numBatchesTracked = null;
    }
    this.resetParameters();
  }

  get numFeatures(): number {
    return this.width;
  }
  get inChannels(): number {
    return this.width;
  }
  get outChannels(): number {
    return this.width;
  }

  /**
   * Training forwards take their batch statistics over every worker's examples, summed by `sum`
   * (--sync-bn); null goes back to this worker's own examples, as DDP does by default.
   */
  syncStatistics(sum: WorkerSum | null): void {
    this.workerSum = sum;
  }

  resetRunningStats(): void {
    E.noGrad(() => {
      if (this.runningMean !== null) E.zero_(this.runningMean.value);
      if (this.runningVar !== null) E.fill_(this.runningVar.value, 1);
      if (this.numBatchesTracked !== null) E.zero_(this.numBatchesTracked.value);
    });
  }

  /** Running statistics reset; weight 1, bias 0 (PyTorch's default; zero-init of a block's last gamma is not). */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) constant_(this.weight.value, 1);
    if (this.bias !== null) constant_(this.bias.value, 0);
  }

  forward(x: E.Tensor): E.Tensor {
    if (!this.ranks.includes(x.ndim) || x.size(1) !== this.width) {
      const want = this.ranks.map((r) => `[N, ${this.width}${', *'.repeat(r - 2)}]`).join(' or ');
      throw new RangeError(`${this.toString()}: expected input ${want}, got [${x.shape.join(', ')}]`);
    }
    // As PyTorch: in training, count the batch and use momentum (or 1/count for a cumulative average);
    // batch statistics are used whenever training or when there are no running statistics.
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked !== null) {
      const counter = this.numBatchesTracked.value;
      E.noGrad(() => E.add_(counter, 1));
      if (this.momentum === null) factor = 1 / counter.item();
    }
    const shared = {
      weight: this.weight === null ? null : this.effectiveValue('weight'),
      bias: this.bias === null ? null : this.effectiveValue('bias'),
      runningMean: this.runningMean?.value ?? null,
      runningVar: this.runningVar?.value ?? null,
      momentum: factor,
      eps: this.eps,
    };
    if (this.training && this.workerSum !== null) return syncedBatchNorm(x, { ...shared, sum: this.workerSum });
    return E.batchNorm(x, { ...shared, training: this.training || this.runningMean === null });
  }

  /** Keeps channels `indices` of weight, bias and running statistics. A BatchNorm's inputs are its outputs. */
  keepChannels(indices: readonly number[]): ParameterSlice[] {
    checkKeep(`${this.kind}.keepChannels`, indices, this.width);
    const slices: ParameterSlice[] = [];
    for (const parameter of [this.weight, this.bias]) {
      if (parameter === null) continue;
      parameter.keepAlong(0, indices);
      slices.push({ parameter, dim: 0, indices });
    }
    this.runningMean?.keepAlong(0, indices);
    this.runningVar?.keepAlong(0, indices);
    this.width = indices.length;
    return slices;
  }
  keepOutputs(indices: readonly number[]): ParameterSlice[] {
    return this.keepChannels(indices);
  }
  keepInputs(indices: readonly number[]): ParameterSlice[] {
    return this.keepChannels(indices);
  }

  override extraRepr(): string {
    const parts = [`${this.width}`];
    if (this.eps !== 1e-5) parts.push(`eps=${this.eps}`);
    if (this.momentum !== 0.1) parts.push(`momentum=${this.momentum ?? 'null'}`);
    if (this.weight === null) parts.push('affine=false');
    if (this.runningMean === null) parts.push('track_running_stats=false');
    return parts.join(', ');
  }
}

/** BatchNorm over [N, C] or [N, C, L] (after Linear layers). */
export class BatchNorm1d extends BatchNorm {
  protected readonly ranks = [2, 3];
}

/** BatchNorm over [N, C, H, W] (after convolutions). */
export class BatchNorm2d extends BatchNorm {
  protected readonly ranks = [4];
}
