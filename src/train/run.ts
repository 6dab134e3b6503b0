// The one call that trains: builds a run from its config (a zoo or registered model, or a Module the
// caller passes), trains with the standard callbacks (CAT when config.cat is set), writes the run
// directory, and resumes exactly from its checkpoint, rebuilding a pruned network from its history.
import * as E from '../engine/index.js';
import type { ImageDataset } from '../data/index.js';
import { CatController, describeArchitecture, replayHistory, type CatState, type PruneEvent } from '../cat/index.js';
import { buildStructureGraph } from '../cat/index.js';
import type { Module } from '../nn/index.js';
import type { Callback } from './callback.js';
import { CatTrainer } from './cat-trainer.js';
import { Checkpointer } from './callbacks/checkpointer.js';
import { JsonlLog } from './callbacks/jsonl-log.js';
import { NanGuard } from './callbacks/nan-guard.js';
import { ProgressBar } from './callbacks/progress-bar.js';
import { loadCheckpoint, saveCheckpoint, type RunPosition } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import type { EvalMetrics } from './metrics.js';
import { checkFiniteWeights } from './load-run.js';
import { RunDirectory, RunDirectoryError } from './run-dir.js';
import { buildRun, makeOptimizer, parameterNames, type RunParts } from './setup.js';
import { writeSummary } from './summary.js';
import { Trainer, type TrainerOptions } from './trainer.js';

/** A network the caller built (instead of a model name): the run takes ownership and disposes it. */
export interface NetworkSpec {
  module: Module;
  /** One example without the batch dim, e.g. [1, 28, 28]. */
  inputShape: readonly number[];
}

export interface TrainRunOptions {
  /** Continue the run in `out` from its checkpoint (its saved config is used). */
  resume?: boolean;
  /** Print progress (default true). */
  progress?: boolean;
  /** More callbacks, after the standard ones. */
  callbacks?: Callback[];
  /** Called once the trainer exists, e.g. to wire Ctrl-C to trainer.run.stopTraining. */
  onTrainer?: (trainer: Trainer) => void;
  /** In-memory datasets to use instead of loading config.data. */
  datasets?: { train: ImageDataset; test: ImageDataset };
  /** Train this network instead of building config.model (pass a fresh dense one again to resume). */
  network?: NetworkSpec;
  /**
   * Builds the trainer, e.g. a Trainer subclass with its own trainStep. Default: CatTrainer when the
   * config asks for CAT (`cat` is its controller), the plain Trainer otherwise.
   */
  makeTrainer?: (options: TrainerOptions, cat: CatController | null) => Trainer;
}

export interface TrainRunResult {
  completed: boolean;
  position: RunPosition;
  test?: EvalMetrics;
  seconds: number;
}

interface Restored {
  position: RunPosition;
  cat: CatState | undefined;
}

/** Rebuilds the network as the checkpoint left it (replaying any pruning), then loads its state. */
function restore(parts: RunParts, out: RunDirectory, inputShape: readonly number[]): Restored {
  const checkpoint = loadCheckpoint<TrainConfig>(out.file('checkpoint'));
  try {
    const cat = (checkpoint.method as { cat?: CatState } | undefined)?.cat;
    if (cat !== undefined && cat.history.length > 0) {
      replayHistory(parts.model, inputShape, cat.history);
      // The optimiser was built on the dense network: rebuild it on the pruned one.
      parts.optimizer.dispose();
      parts.optimizer = makeOptimizer(parts.config, parts.model);
    }
    parts.model.loadStateDict(checkpoint.model, { strict: true });
    checkFiniteWeights(parts.model, out.file('checkpoint'));
    const byName = new Map([...parameterNames(parts.model)].map(([param, name]) => [name, param] as const));
    parts.optimizer.loadStateDict(checkpoint.optimizer, byName);
    E.setRngState(checkpoint.rngState);
    return { position: checkpoint.position, cat };
  } finally {
    E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  }
}

export async function trainRun(config: TrainConfig, outDir: string, options: TrainRunOptions = {}): Promise<TrainRunResult> {
  const out = new RunDirectory(outDir);
  // A run that failed before its first checkpoint is started again from its saved settings.
  const resume = options.resume === true && !out.isUnstarted;
  if (options.resume === true) {
    if (resume && !out.hasCheckpoint) throw new RunDirectoryError(`${outDir} has no checkpoint to resume from`);
    config = out.readConfig();
  } else {
    out.checkFresh();
  }
  // Data and model are built before anything is written, so a corrupt dataset or a bad setting
  // leaves no half-made run directory behind.
  const parts = buildRun(config, options.datasets, options.network?.module);
  const { channels, height, width } = parts.dataset.train;
  const inputShape = options.network?.inputShape ?? [channels, height, width];
  let cat: CatController | null = null;
  const started = performance.now();
  try {
    if (!resume) {
      out.createFresh();
      out.writeJson('config', config);
    }
    const restored = resume ? restore(parts, out, inputShape) : undefined;
    if (restored !== undefined) {
      out.removeTemporaries();
      out.trimLog(restored.position.epoch);
    }
    const stepsPerEpoch = parts.train.batchesPerEpoch;
    const device = E.checkDevice(config.device);
    const current = E.noGrad(() => buildStructureGraph(parts.model, inputShape));
    if (config.cat !== null && config.cat.strength > 0) {
      cat = new CatController(parts.model, inputShape, config.cat, { stepsPerEpoch, totalSteps: stepsPerEpoch * config.epochs }, device, restored?.cat);
    }
    const denseReport = { macs: current.macs, params: current.params };
    let lastTest: EvalMetrics | undefined;
    const epochSeconds: number[] = [];
    // The scope frees the state-dict handles; the optimiser's momentum buffers are kept tensors.
    const save = (position: RunPosition): void =>
      E.scope(() =>
        saveCheckpoint(out.file('checkpoint'), {
          position,
          config,
          model: parts.model.stateDict(),
          optimizer: parts.optimizer.stateDict(parameterNames(parts.model)),
          method: cat === null ? undefined : { cat: cat.state() },
        }),
      );
    const controller = cat;
    const status = controller === null ? undefined : (): string => {
      const r = controller.report();
      return `MACs ${(100 * r.macs_fraction).toFixed(1)}%${r.total_blocks > 0 ? ` | blocks ${r.alive_blocks}/${r.total_blocks}` : ''}`;
    };
    const callbacks: Callback[] = [
      new NanGuard(),
      ...(options.progress === false ? [] : [new ProgressBar(process.stderr, status)]),
      new JsonlLog(out.file('log')),
      new Checkpointer(save),
      {
        onEpochEnd: (_run, logs) => {
          lastTest = logs.test;
          epochSeconds.push(logs.seconds);
        },
      },
      ...(options.callbacks ?? []),
    ];
    const trainerOptions = {
      model: parts.model,
      optimizer: parts.optimizer,
      schedule: parts.schedule,
      train: parts.train,
      test: parts.test,
      epochs: config.epochs,
      device,
      callbacks,
      ...(restored === undefined ? {} : { start: restored.position }),
    };
    const trainer =
      options.makeTrainer?.(trainerOptions, cat) ?? (cat === null ? new DenseTrainer(trainerOptions, denseReport) : new CatTrainer(trainerOptions, cat));
    options.onTrainer?.(trainer);
    const run = await trainer.fit();
    const position = { epoch: run.epoch, batchInEpoch: run.batchInEpoch, step: run.step };
    if (run.stopTraining && run.epoch < config.epochs) return { completed: false, position, seconds: (performance.now() - started) / 1000 };
    let history: PruneEvent[] = [];
    let nonBinary = 0;
    let rounded = 0;
    let interior = 0;
    let test = lastTest;
    if (cat !== null) {
      const final = cat.settle(run.step, parts.optimizer);
      rounded = final.nonBinary;
      interior = final.interior;
      nonBinary = cat.gates.count((t) => t !== 0 && t !== 1);
      history = cat.history;
      // The deployed network is evaluated as saved, so summary.test_acc is what `catrain eval` gives;
      // when the gates settled before the last epoch ended, that epoch's evaluation already was of it.
      if (final.step >= run.step || lastTest === undefined) test = await trainer.evaluate(parts.test);
    }
    test ??= await trainer.evaluate(parts.test);
    const seconds = (performance.now() - started) / 1000;
    const graph = E.noGrad(() => buildStructureGraph(parts.model, inputShape));
    const architecture = describeArchitecture({
      model: config.model,
      inputShape,
      numClasses: parts.dataset.train.numClasses,
      inChannels: channels,
      network: parts.model,
      graph,
      history,
      initialWidths: cat?.initial.widths ?? {},
      initialBlocks: cat?.initial.blocks ?? graph.blocks.map((b) => b.id),
    });
    parts.model.save(out.file('model'), { model: config.model });
    out.writeJson('architecture', architecture);
    writeSummary(out, {
      config,
      test,
      baseline: cat?.baseline ?? denseReport,
      architecture,
      gatesNonBinary: nonBinary,
      gatesRounded: rounded,
      gatesInterior: interior,
      trainSeconds: seconds,
      epochSeconds: readEpochSeconds(out, epochSeconds),
    });
    return { completed: true, position, test, seconds };
  } finally {
    cat?.dispose();
    await Promise.all([parts.train.close(), parts.test.close()]);
    parts.optimizer.dispose();
    parts.model.dispose();
  }
}

/** Epoch seconds of the whole run, also the epochs trained before a resume (from log.jsonl). */
function readEpochSeconds(out: RunDirectory, thisProcess: readonly number[]): number[] {
  const logged = out.readLog().map((line) => Number(line.epoch_s));
  return logged.length >= thisProcess.length ? logged : [...thisProcess];
}

/** The plain trainer, reporting the (constant) network size in the log like the CAT trainer does. */
class DenseTrainer extends Trainer {
  constructor(
    options: ConstructorParameters<typeof Trainer>[0],
    private readonly size: { macs: number; params: number },
  ) {
    super(options);
  }

  override epochExtras(): Record<string, unknown> {
    return { macs: this.size.macs, params: this.size.params, expected_macs: this.size.macs, expected_params: this.size.params, macs_fraction: 1 };
  }
}
