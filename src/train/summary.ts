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
  /** Processes that trained the last epoch (data-parallel workers; 1 for one process). */
  workers: number;
  /** Training images per second of all workers together, median over the epochs. */
  img_s: number;
  /** The same per worker. */
  img_s_per_worker: number;
  /** With a latency profile: the saved network measured on the profile's runtime. */
  latency?: LatencyCheck;
}

/** The end-of-run measurement of a run with a latency profile (docs/cat.md, "Latency"). */
export interface LatencyCheck {
  runtime: string;
  batch: number;
  /** Timed runs of the median (after warm-up). */
  runs: number;
  /** --target-latency, or null without a latency budget. */
  target_ms: number | null;
  /** What the profile's model predicts for the saved network. */
  predicted_ms: number;
  measured_ms: number;
  /** The dense network as the profile measured it. */
  dense_ms: number;
  /** The dense network timed beside the saved one at the end of the run (absent for a network the caller built). */
  dense_measured_ms?: number;
}

/** The fields of an epoch's log line that throughputOf reads. */
export interface ThroughputFields {
  img_s?: unknown;
  img_s_per_worker?: unknown;
  workers?: unknown;
}

/** The throughput figures of summary.json, from the epochs' log lines. */
export interface Throughput {
  workers: number;
  imgS: number;
  imgSPerWorker: number;
}

export interface SummaryInput {
  config: TrainConfig;
  test: EvalMetrics;
  outcome: MethodOutcome;
  trainSeconds: number;
  epochSeconds: number[];
  throughput: Throughput;
  latency?: LatencyCheck;
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
    workers: input.throughput.workers,
    img_s: input.throughput.imgS,
    img_s_per_worker: input.throughput.imgSPerWorker,
    ...(input.latency === undefined ? {} : { latency: input.latency }),
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Throughput over the epochs of log.jsonl lines: a line without img_s_per_worker is a one-process
 * epoch, whose img_s is its worker's; workers are the last epoch's.
 */
export function throughputOf(lines: readonly ThroughputFields[]): Throughput {
  const numbers = (values: unknown[]): number[] => values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const last = lines.at(-1)?.workers;
  return {
    workers: typeof last === 'number' && Number.isInteger(last) && last >= 1 ? last : 1,
    imgS: median(numbers(lines.map((line) => line.img_s))),
    imgSPerWorker: median(numbers(lines.map((line) => line.img_s_per_worker ?? line.img_s))),
  };
}

export function writeSummary(out: RunDirectory, input: SummaryInput): RunSummary {
  const summary = summarize(input);
  out.writeJson('summary', summary);
  return summary;
}
