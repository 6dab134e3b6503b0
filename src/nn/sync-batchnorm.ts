// Batch normalisation whose batch statistics cover every worker's part of the global batch (what
// PyTorch calls SyncBatchNorm). Each worker sums its examples' values and squares per channel; one
// differentiable sum across the workers gives the whole batch's mean and variance, so the forward
// and, through the sum's backward, the gradients are those of one process holding the whole batch.
import * as E from '../engine/index.js';

/** Sums a tensor over the workers, differentiably (the engine's ProcessGroup.allReduceSum). */
export type WorkerSum = (tensor: E.Tensor) => E.Tensor;

export interface SyncedBatchNormOptions {
  weight: E.Tensor | null;
  bias: E.Tensor | null;
  runningMean: E.Tensor | null;
  runningVar: E.Tensor | null;
  /** Weight of this batch in the running statistics. */
  momentum: number;
  eps: number;
  sum: WorkerSum;
}

/** Training-mode batch normalisation over dim 1 with statistics over all workers' examples. */
export function syncedBatchNorm(x: E.Tensor, options: SyncedBatchNormOptions): E.Tensor {
  const channels = x.size(1);
  const dims = x.shape.map((_, d) => d).filter((d) => d !== 1);
  const perChannel = x.numel / channels;
  // [sum of x | sum of x^2 | example count] in one tensor: one collective per layer and direction.
  const local = E.cat([E.sum(x, dims), E.sum(E.square(x), dims), E.full([1], perChannel, { dtype: x.dtype, device: x.device })]);
  const total = options.sum(local);
  const count = (E.noGrad(() => total.narrow(0, 2 * channels, 1).item()) as number) || 0;
  if (count < 2) throw new RangeError(`synced BatchNorm: expected more than 1 value per channel over all workers, got ${count} (input [${x.shape.join(', ')}])`);
  const mean = E.div(total.narrow(0, 0, channels), count);
  const variance = E.sub(E.div(total.narrow(0, channels, channels), count), E.square(mean));
  const shape = x.shape.map((size, d) => (d === 1 ? size : 1));
  let y = E.mul(E.sub(x, mean.view(shape)), E.rsqrt(E.add(variance, options.eps)).view(shape));
  if (options.weight !== null) y = E.mul(y, options.weight.view(shape));
  if (options.bias !== null) y = E.add(y, options.bias.view(shape));
  E.noGrad(() => {
    // As the unsynced layer: the running variance takes the unbiased estimate.
    if (options.runningMean !== null) E.lerp_(options.runningMean, mean, options.momentum);
    if (options.runningVar !== null) E.lerp_(options.runningVar, E.mul(variance, count / (count - 1)), options.momentum);
  });
  return y;
}
