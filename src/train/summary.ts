// summary.json: the run's outcome in one object (accuracy, size before and after, what was removed,
// and time), written when training completes.
import type { TrainConfig } from './config.js';
import type { EvalMetrics } from './metrics.js';
import type { MethodOutcome } from './method.js';
import type { RunDirectory } from './run-dir.js';

export interface RunSummary {
  model: string;
  data: string;
  epochs: number;
  /** The training method's name: 'cat' or 'dense'. */
  method: string;
  test_acc: number;
  test_top5: number;
  test_loss: number;
  baseline: { macs: number; params: number };
  final: { macs: number; params: number };
  macs_reduction: number;
  params_reduction: number;
  blocks_removed: number;
  units_removed: number;
  /** Gates of the saved network that are not exactly 0 or 1: 0 once the gates have settled. */
  gates_nonbinary: number;
  /** Gates that had not settled within 0.01 of 0 or 1 at the settle step and were rounded there. */
  gates_rounded: number;
  /** Gates strictly inside (0, 1) at the settle step, however close to 0 or 1. */
  gates_interior: number;
  train_seconds: number;
  epoch_seconds: number[];
}

export interface SummaryInput {
  config: TrainConfig;
  test: EvalMetrics;
  outcome: MethodOutcome;
  trainSeconds: number;
  epochSeconds: number[];
}

export function summarize(input: SummaryInput): RunSummary {
  const { config, test, outcome } = input;
  const { baseline, final } = outcome;
  return {
    model: config.model,
    data: config.data,
    epochs: config.epochs,
    method: outcome.method,
    test_acc: test.top1,
    test_top5: test.top5,
    test_loss: test.loss,
    baseline,
    final,
    macs_reduction: 1 - final.macs / baseline.macs,
    params_reduction: 1 - final.params / baseline.params,
    blocks_removed: outcome.blocksRemoved,
    units_removed: outcome.unitsRemoved,
    gates_nonbinary: outcome.gatesNonBinary,
    gates_rounded: outcome.gatesRounded,
    gates_interior: outcome.gatesInterior,
    train_seconds: input.trainSeconds,
    epoch_seconds: input.epochSeconds,
  };
}

export function writeSummary(out: RunDirectory, input: SummaryInput): RunSummary {
  const summary = summarize(input);
  out.writeJson('summary', summary);
  return summary;
}
