// A training method: what a run does beyond plain minibatch SGD. The trainer calls its step hooks
// around the forward, backward and weight update; the run saves its state in every checkpoint, shows
// its status on the progress bar, logs its per-epoch figures, and at the end asks it for the network
// to save and for what summary.json and architecture.json record of it. Dense training is the method
// that adds nothing; CAT (methods/cat.ts) prunes through the same hooks, and other methods (gradient
// synchronisation across workers, a measured-latency cost) plug in here too.
import type { LatencyProfile } from '../cat/index.js';
import type * as E from '../engine/index.js';
import type { Module } from '../nn/index.js';
import type { Callback } from './callback.js';
import type { EvalMetrics } from './metrics.js';
import type { LrSchedule } from './schedule.js';
import type { Sgd } from './sgd.js';

/** One training step as the hooks see it. */
export interface StepContext {
  /** Global step, across epochs. */
  readonly step: number;
  readonly x: E.Tensor;
  readonly y: E.Tensor;
  /** The learning rate of this step. */
  readonly rate: number;
}

/** A step after backward: the gradients are in place and the loss is finite. */
export interface BackwardContext extends StepContext {
  /** The mean loss over this process's examples. */
  readonly loss: number;
  /** Correct top-1 predictions among them. */
  readonly correct: number;
}

/**
 * What a method estimates per step besides the weights' gradients, for a run that averages across
 * workers (CAT: the gate gradients g_k). The run scales and sums them in place with the gradients.
 */
export interface StepEstimates {
  /** Tensors averaged in place (gradients of the step's gate multipliers, say). */
  tensors: E.Tensor[];
  /** Plain numbers averaged alike; the run hands the averages back through `set`. */
  numbers: number[];
  set(averaged: number[]): void;
}

export interface StepHooks {
  /** Before the forward (e.g. draw this step's gates). */
  beforeForward?(ctx: StepContext): void;
  /**
   * What this process's mean loss is multiplied by before backward (default 1): its share of the
   * whole batch, for workers whose backward passes reach each other's gradients (synced BatchNorm).
   */
  lossWeight?(ctx: StepContext): number;
  /**
   * After backward, before the weight update: the gradients may be read, replaced or added to.
   * Returning false skips this step's update (the trainer then zeroes the gradients and calls
   * discardStep), as every worker must when any of them cannot step.
   */
  afterBackward?(ctx: BackwardContext): boolean | void;
  /** After the weight update. */
  afterUpdate?(ctx: BackwardContext): void;
  /** The step's update is skipped (a loss that is not finite): drop what beforeForward prepared. */
  discardStep?(): void;
  /** This step's estimates to average across workers (after afterBackward, before afterUpdate). */
  estimates?(): StepEstimates | undefined;
}

/** What a finished run records of its method: summary.json's fields, and architecture.json whole. */
export interface MethodOutcome {
  method: string;
  baseline: { macs: number; params: number };
  final: { macs: number; params: number };
  blocksRemoved: number;
  unitsRemoved: number;
  /** Gates of the saved network that are not exactly 0 or 1 (0 for a method without gates). */
  gatesNonBinary: number;
  /** Gates that had not settled by themselves and were rounded at the end. */
  gatesRounded: number;
  /** Gates strictly inside (0, 1) when they were rounded. */
  gatesInterior: number;
  /** architecture.json: the saved network's shape, and how to rebuild it. */
  architecture: object;
  /** A CAT run with a latency profile: the profile, and its model's milliseconds for the saved network. */
  latency?: { profile: LatencyProfile; predictedMs: number; targetMs: number | null };
}

export interface TrainingMethod<State = unknown> extends StepHooks {
  /** Its name in summary.json ('dense', 'cat'). */
  readonly name: string;
  /** More callbacks for the trainer, after the run's own. */
  callbacks(): Callback[];
  /** Plain-JSON state that a checkpoint must hold to continue the run exactly; undefined: none. */
  state(): State | undefined;
  /** A few words for the progress bar, or undefined. */
  status(): string | undefined;
  /** Figures for this epoch's log line. */
  epochFields(): Record<string, unknown>;
  /**
   * Training is over: makes the network the one that is saved. Returns whether that changed it since
   * the last epoch's evaluation (the run then evaluates it again).
   */
  finish(step: number): { changed: boolean };
  /** What summary.json and architecture.json record, once finish() ran. */
  outcome(): MethodOutcome;
  /** Before this worker evaluates its part of the test set (data-parallel runs take rank 0's running statistics here). */
  beforeEvaluation?(): void;
  /** Evaluation of this worker's part of the test set made whole (data-parallel runs). */
  mergeEvaluation?(metrics: EvalMetrics): EvalMetrics;
  dispose(): void;
}

/** What a method is built with. */
export interface MethodContext {
  model: Module;
  /** One example without the batch dim. */
  inputShape: readonly number[];
  modelName: string;
  numClasses: number;
  inChannels: number;
  optimizer: Sgd;
  schedule: LrSchedule;
  stepsPerEpoch: number;
  totalSteps: number;
  device: E.Device;
}

/**
 * How this process takes part in a run that several workers train together (src/distributed): its
 * part of every batch, whether it is the one that writes the run directory, and how the config's
 * method is wrapped to train in step with the others.
 */
export interface WorkerRole {
  shard: { index: number; count: number };
  writes: boolean;
  wrap(method: TrainingMethod, context: MethodContext): TrainingMethod;
}

/**
 * A method with its settings, as a run finds it from its config: how to read its checkpoint state, how to
 * rebuild the network that state describes before the weights are loaded, and how to start it.
 */
export interface MethodKind<State> {
  /** The key its state has in a checkpoint's `method` record. */
  readonly key: string;
  /** The checkpoint state, checked; throws naming what is wrong. */
  parseState(json: unknown): State;
  /** Reshapes a freshly built network as the state left it; true when it changed. */
  restoreStructure(model: Module, inputShape: readonly number[], state: State): boolean;
  create(context: MethodContext, restored: State | undefined): TrainingMethod<State>;
}
