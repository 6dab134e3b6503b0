// The files a pilot sweep writes (DIR/sweep.json) and the constraints `catrain recommend` accepts.
// The dashboard reads these types too, so they change only by adding optional fields.

/** How one sweep point asks CAT for a size: a budget fraction of the dense network, or a strength. */
export interface SweepSetting {
  kind: 'target-macs' | 'target-params' | 'strength';
  value: number;
}

/** One finished pilot run of the sweep, measured. */
export interface SweepPoint {
  /** Unique within the sweep, e.g. 'macs-0.3' or 'strength-1'. */
  name: string;
  /** Its run directory, relative to the sweep directory. */
  dir: string;
  setting: SweepSetting;
  /** Test top-1 accuracy of the pruned network, in percent. */
  test_acc: number;
  /** MACs of one forward pass of the pruned network (one example). */
  macs: number;
  params: number;
  /** macs / the dense network's MACs. */
  macs_fraction: number;
  params_fraction: number;
  /** Wall-clock training time of the pilot run. */
  train_seconds: number;
  /** Median CPU inference latency of the pruned network, per batch (not per example). */
  latency_ms: { batch1: number; batch64: number };
  /** The `catrain train ...` command that trains this setting at full scale (no subset). */
  command: string;
}

/** The objective pairs a Pareto front is computed for: accuracy up, the cost down. */
export type FrontCost = 'macs' | 'latency' | 'train_seconds';

/** DIR/sweep.json. */
export interface SweepFile {
  format: 1;
  model: string;
  /** Dataset spec as the runs record it (absolute directory for folder datasets). */
  data: string;
  /** Fraction of the training set each pilot trained on (1: all of it). */
  subset: number;
  /** Epochs of each pilot run. */
  epochs: number;
  /** Epochs of the full-scale commands in `points[].command`. */
  full_epochs: number;
  /** Dense network size, the reference of the fractions. */
  dense: { macs: number; params: number };
  /** Every setting the sweep was asked for, in order (finished or not). */
  settings: SweepSetting[];
  /** Other train options the sweep passed to every point, as CLI flags (e.g. ['--seed', '1']). */
  train_args: string[];
  /** Finished points, in the order of `settings`. */
  points: SweepPoint[];
  /** Names of the points on the accuracy-vs-MACs front, cheapest first. */
  pareto: string[];
  /** Fronts against other costs (accuracy vs latency at batch 1, vs training time), cheapest first. */
  fronts: Record<FrontCost, string[]>;
  /** Threads libtorch used for the latency measurement. */
  latency_threads: number;
}

/**
 * What `recommend` must satisfy (exactly one):
 * - maxMacs: MACs at most this; a value ≤ 1 is a fraction of the dense network, > 1 an absolute count.
 * - maxLatencyMs: batch-1 CPU latency at most this many milliseconds.
 * - minAcc: test accuracy at least this, in percent.
 */
export type Constraint = { maxMacs: number } | { maxLatencyMs: number } | { minAcc: number };
