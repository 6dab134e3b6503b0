// A training method: what a run does beyond plain minibatch SGD. The trainer calls its step hooks
// around the forward, backward and weight update; the run saves its state in every checkpoint, shows
// its status on the progress bar, logs its per-epoch figures, and at the end asks it for the network
// to save and for what summary.json and architecture.json record of it. Dense training is the method
// that adds nothing; CAT (methods/cat.ts) prunes through the same hooks, and other methods (gradient
// synchronisation across workers, a measured-latency cost) plug in here too.
import type * as E from '../engine/index.js';
import type { Module } from '../nn/index.js';
import type { Callback } from './callback.js';
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
  readonly loss: number;
}

export interface StepHooks {
  /** Before the forward (e.g. draw this step's gates). */
  beforeForward?(ctx: StepContext): void;
  /** After backward, before the weight update: the gradients may be read, replaced or added to. */
  afterBackward?(ctx: BackwardContext): void;
  /** After the weight update. */
  afterUpdate?(ctx: BackwardContext): void;
  /** The step's loss was not finite and its update is skipped: drop what beforeForward prepared. */
  discardStep?(): void;
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
