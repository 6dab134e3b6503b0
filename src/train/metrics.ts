// Classification metrics accumulated over batches.
import * as E from '../engine/index.js';

export interface EvalMetrics {
  loss: number;
  top1: number;
  top5: number;
  count: number;
}

/** Sums loss and top-1/top-5 hits over batches; `result()` gives means and percentages. */
export class MetricAccumulator {
  private lossSum = 0;
  private top1Hits = 0;
  private top5Hits = 0;
  private count = 0;

  /** Adds a batch of logits [N, C] and int64 targets [N]. */
  add(logits: E.Tensor, target: E.Tensor): void {
    E.noGrad(() =>
      E.scope(() => {
        const n = target.size(0);
        this.lossSum += E.crossEntropy(logits, target, { reduction: 'sum' }).item();
        const k = Math.min(5, logits.size(1));
        const hits = E.topk(logits, k, 1).indices.eq(target.unsqueeze(1));
        this.top1Hits += hits.narrow(1, 0, 1).sum().item();
        this.top5Hits += hits.sum().item();
        this.count += n;
      }),
    );
  }

  result(): EvalMetrics {
    const c = Math.max(1, this.count);
    return { loss: this.lossSum / c, top1: (100 * this.top1Hits) / c, top5: (100 * this.top5Hits) / c, count: this.count };
  }
}
