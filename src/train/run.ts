// The one call that trains: builds a run from its config (a zoo or registered model, or a Module the
// caller passes), trains it with the standard callbacks and the config's training method (method.ts),
// writes the run directory, and resumes exactly from its checkpoint, rebuilding the network the
// method's saved state describes.
import type { LatencyProfile } from '../cat/index.js';
import * as E from '../engine/index.js';
import { isSequenceDataset, sampleShape, type Dataset } from '../data/index.js';
import type { Module } from '../nn/index.js';
import type { Callback } from './callback.js';
import { Checkpointer } from './callbacks/checkpointer.js';
import { JsonlLog } from './callbacks/jsonl-log.js';
import { NanGuard } from './callbacks/nan-guard.js';
import { ProgressBar } from './callbacks/progress-bar.js';
import { saveCheckpoint, type RunPosition } from './checkpoint.js';
import { checkedConfig, type TrainConfig } from './config.js';
import type { EvalMetrics } from './metrics.js';
import type { MethodContext, MethodKind, MethodOutcome, TrainingMethod, WorkerRole } from './method.js';
import { methodFor } from './methods/index.js';
import { restoreRun, type Restored } from './restore.js';
import { describeRunData, readRunData } from './run-data.js';
import { RunDirectory, RunDirectoryError } from './run-dir.js';
import { buildRun, makeModel, parameterNames, type RunParts } from './setup.js';
import { throughputOf, writeSummary, type LatencyCheck } from './summary.js';
import { Trainer, type TrainerOptions } from './trainer.js';

/** A network the caller built (instead of a model name): the run takes ownership and disposes it. */
export interface NetworkSpec {
  module: Module;
  /** One example without the batch dim, e.g. [1, 28, 28], or [C, L] for sequences (default: the data's). */
  inputShape: readonly number[];
}

export interface TrainRunOptions {
  /** Continue the run in `out` from its checkpoint, with its saved config (resumeRun does the same). */
  resume?: boolean;
  /** Print progress (default true). */
  progress?: boolean;
  /** More callbacks, after the standard ones. */
  callbacks?: Callback[];
  /** Called once the trainer exists, e.g. to wire Ctrl-C to trainer.run.stopTraining. */
  onTrainer?: (trainer: Trainer, method: TrainingMethod) => void;
  /** In-memory datasets (images or sequences) to use instead of loading config.data. */
  datasets?: { train: Dataset; test: Dataset };
  /** Train this network instead of building config.model (pass a fresh dense one again to resume). */
  network?: NetworkSpec;
  /** Builds the trainer, e.g. a Trainer subclass with its own trainStep; the default is Trainer. */
  makeTrainer?: (options: TrainerOptions) => Trainer;
  /** This process is one worker of a data-parallel run (src/distributed); only the writer touches `outDir`. */
  worker?: WorkerRole;
  /**
   * Measures the saved network on a latency profile's runtime (median milliseconds of LATENCY_RUNS
   * timed runs at the profile's batch); a run with a profile records it in summary.json.
   */
  measureLatency?: (model: Module, inputShape: readonly number[], profile: LatencyProfile, dense?: () => Module) => Promise<MeasuredLatency>;
}

/** Timed runs of the end-of-run latency measurement. */
export const LATENCY_RUNS = 30;

/** The end-of-run measurement: the saved network, and the dense one timed beside it where it can be built. */
export interface MeasuredLatency {
  readonly ms: number;
  readonly denseMs?: number;
}

export interface TrainRunResult {
  completed: boolean;
  position: RunPosition;
  test?: EvalMetrics;
  seconds: number;
}

/** Continues the run in `outDir` from its checkpoint, with the settings it was started with. */
export function resumeRun(outDir: string, options: Omit<TrainRunOptions, 'resume'> = {}): Promise<TrainRunResult> {
  return train(null, outDir, options, true);
}

/**
 * Trains `config` into `outDir`, a new or empty directory. With `resume`, continues the run there
 * instead; `config` must then be the run's own (or null), and a different one is refused.
 */
export function trainRun(config: TrainConfig | null, outDir: string, options: TrainRunOptions = {}): Promise<TrainRunResult> {
  if (options.resume !== true && config === null) throw new TypeError('trainRun needs a config for a new run (or resume: true)');
  return train(config, outDir, options, options.resume === true);
}

/** The run's config: the saved one when resuming (refusing a given one that differs), else the given one, checked. */
function runConfig(out: RunDirectory, given: TrainConfig | null, resume: boolean, writes: boolean): TrainConfig {
  if (!resume) {
    if (writes) out.checkFresh();
    return checkedConfig(given as TrainConfig);
  }
  const saved = out.readConfig();
  if (given !== null) {
    const wanted = checkedConfig(given);
    const differ = (Object.keys(saved) as (keyof TrainConfig)[]).filter((key) => JSON.stringify(wanted[key]) !== JSON.stringify(saved[key]));
    if (differ.length > 0) throw new RunDirectoryError(`${out.dir} was started with other settings (${differ.join(', ')}); resume it without a config, or with its own`);
  }
  return saved;
}

async function train(given: TrainConfig | null, outDir: string, options: TrainRunOptions, resumeAsked: boolean): Promise<TrainRunResult> {
  const out = new RunDirectory(outDir);
  // A run that failed before its first checkpoint is started again from its saved settings.
  const resume = resumeAsked && !out.isUnstarted;
  if (resume && !out.hasCheckpoint) throw new RunDirectoryError(`${outDir} has no checkpoint to resume from`);
  const writes = options.worker?.writes ?? true;
  const config = runConfig(out, given, resumeAsked, writes);
  // Data and model are built before anything is written, so a corrupt dataset or a bad setting
  // leaves no half-made run directory behind.
  // A resumed sequence run re-applies the statistics it was normalised with (data.json).
  const normalization = resume ? readRunData(out)?.normalization : undefined;
  const parts = buildRun(config, { datasets: options.datasets, network: options.network?.module, shard: options.worker?.shard, normalization });
  const kind: MethodKind<unknown> = methodFor(config);
  let method: TrainingMethod | null = null;
  const started = performance.now();
  try {
    const inputShape = options.network?.inputShape ?? sampleShape(parts.dataset.train);
    const restored = resume ? restoreRun(parts, out, inputShape, kind, writes) : undefined;
    const context = methodContext(parts, inputShape);
    method = kind.create(context, restored?.state);
    // After the method exists, so that settings only it can check (a latency target out of reach)
    // leave no run directory either.
    if (!resume && writes) {
      out.createFresh();
      out.writeJson('config', config);
      const data = describeRunData(parts.dataset.train, parts.dataset.test);
      if (data !== null) out.writeJson('data', data);
    }
    if (options.worker !== undefined) method = options.worker.wrap(method, context);
    return await trainWith(method, kind, parts, out, options, restored, started, inputShape);
  } finally {
    method?.dispose();
    await Promise.all([parts.train.close(), parts.test.close()]);
    parts.optimizer.dispose();
    parts.model.dispose();
  }
}

function methodContext(parts: RunParts, inputShape: readonly number[]): MethodContext {
  const stepsPerEpoch = parts.train.batchesPerEpoch;
  const { config, model, optimizer, schedule, dataset } = parts;
  return {
    model,
    inputShape,
    modelName: config.model,
    numClasses: dataset.train.numClasses,
    inChannels: dataset.train.channels,
    optimizer,
    schedule,
    stepsPerEpoch,
    totalSteps: stepsPerEpoch * config.epochs,
    device: E.checkDevice(config.device),
  };
}

async function trainWith(method: TrainingMethod, kind: MethodKind<unknown>, parts: RunParts, out: RunDirectory, options: TrainRunOptions, restored: Restored | undefined, started: number, inputShape: readonly number[]): Promise<TrainRunResult> {
  const { config } = parts;
  let lastTest: EvalMetrics | undefined;
  const epochSeconds: number[] = [];
  // The scope frees the state-dict handles; the optimiser's momentum buffers are kept tensors.
  const save = (position: RunPosition): void =>
    E.scope(() => {
      const state = method.state();
      saveCheckpoint(out.file('checkpoint'), {
        position,
        config,
        model: parts.model.stateDict(),
        optimizer: parts.optimizer.stateDict(parameterNames(parts.model)),
        method: state === undefined ? undefined : { [kind.key]: state },
      });
    });
  const writes = options.worker?.writes ?? true;
  const callbacks: Callback[] = [
    new NanGuard(),
    ...(options.progress === false || !writes ? [] : [new ProgressBar(process.stderr, () => method.status(), isSequenceDataset(parts.dataset.train) ? 'sequences' : 'images')]),
    ...(writes ? [new JsonlLog(out.file('log')), new Checkpointer(save)] : []),
    {
      onEpochEnd: (_run, logs) => {
        lastTest = logs.test;
        epochSeconds.push(logs.seconds);
      },
    },
    ...method.callbacks(),
    ...(options.callbacks ?? []),
  ];
  const trainerOptions: TrainerOptions = {
    model: parts.model,
    optimizer: parts.optimizer,
    schedule: parts.schedule,
    train: parts.train,
    test: parts.test,
    epochs: config.epochs,
    device: E.checkDevice(config.device),
    callbacks,
    method,
    ...(restored === undefined ? {} : { start: restored.position }),
  };
  const trainer = options.makeTrainer?.(trainerOptions) ?? new Trainer(trainerOptions);
  options.onTrainer?.(trainer, method);
  const run = await trainer.fit();
  const position = { epoch: run.epoch, batchInEpoch: run.batchInEpoch, step: run.step };
  if (run.stopTraining && run.epoch < config.epochs) return { completed: false, position, seconds: (performance.now() - started) / 1000 };
  // The deployed network is evaluated as saved, so summary.test_acc is what `catrain eval` gives.
  const { changed } = method.finish(run.step);
  const test = changed || lastTest === undefined ? await trainer.evaluate(parts.test) : lastTest;
  const seconds = (performance.now() - started) / 1000;
  if (!writes) return { completed: true, position, test, seconds };
  const outcome = method.outcome();
  parts.model.save(out.file('model'), { model: config.model });
  out.writeJson('architecture', outcome.architecture);
  // The dense network timed beside the pruned one shows how far the machine has drifted since the
  // profile was made; a network the caller built cannot be rebuilt dense here.
  const dense = options.network === undefined ? (): Module => makeModel(config, parts.dataset.train) : undefined;
  const latency = outcome.latency === undefined || options.measureLatency === undefined ? undefined : latencyCheck(outcome.latency, await options.measureLatency(parts.model, inputShape, outcome.latency.profile, dense));
  writeSummary(out, { config, test, outcome, trainSeconds: seconds, epochSeconds: readEpochSeconds(out, epochSeconds), throughput: throughputOf(out.readLog()), latency });
  return { completed: true, position, test, seconds };
}

function latencyCheck(latency: NonNullable<MethodOutcome['latency']>, measured: MeasuredLatency): LatencyCheck {
  const { profile } = latency;
  return {
    runtime: profile.runtime,
    batch: profile.batch,
    runs: LATENCY_RUNS,
    target_ms: latency.targetMs,
    predicted_ms: latency.predictedMs,
    measured_ms: measured.ms,
    dense_ms: profile.denseMs,
    ...(measured.denseMs === undefined ? {} : { dense_measured_ms: measured.denseMs }),
  };
}

/** Epoch seconds of the whole run, also the epochs trained before a resume (from log.jsonl). */
function readEpochSeconds(out: RunDirectory, thisProcess: readonly number[]): number[] {
  const logged = out.readLog().map((line) => Number(line.epoch_s));
  return logged.length >= thisProcess.length ? logged : [...thisProcess];
}
