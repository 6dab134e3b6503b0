// The one call that trains: builds a run from its config, trains with the standard callbacks, writes
// the run directory, and resumes exactly from its checkpoint.
import * as E from '../engine/index.js';
import type { ImageDataset } from '../data/index.js';
import { countComplexity } from '../models/index.js';
import type { Callback } from './callback.js';
import { Checkpointer } from './callbacks/checkpointer.js';
import { JsonlLog } from './callbacks/jsonl-log.js';
import { NanGuard } from './callbacks/nan-guard.js';
import { ProgressBar } from './callbacks/progress-bar.js';
import { loadCheckpoint, saveCheckpoint, type RunPosition } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import type { EvalMetrics } from './metrics.js';
import { RunDirectory, RunDirectoryError } from './run-dir.js';
import { buildRun, type RunParts } from './setup.js';
import { Trainer } from './trainer.js';

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
}

export interface TrainRunResult {
  completed: boolean;
  position: RunPosition;
  test?: EvalMetrics;
  seconds: number;
}

function restore(parts: RunParts, out: RunDirectory): RunPosition {
  const checkpoint = loadCheckpoint<TrainConfig>(out.file('checkpoint'));
  try {
    parts.model.loadStateDict(checkpoint.model, { strict: true });
    const byName = new Map([...parts.names].map(([param, name]) => [name, param] as const));
    parts.optimizer.loadStateDict(checkpoint.optimizer, byName);
    E.setRngState(checkpoint.rngState);
    return checkpoint.position;
  } finally {
    E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  }
}

export async function trainRun(config: TrainConfig, outDir: string, options: TrainRunOptions = {}): Promise<TrainRunResult> {
  const out = new RunDirectory(outDir);
  if (options.resume === true) {
    if (!out.hasCheckpoint) throw new RunDirectoryError(`${outDir} has no checkpoint to resume from`);
    config = out.readJson<TrainConfig>('config');
  } else {
    out.checkFresh();
  }
  // Data and model are built before anything is written, so a corrupt dataset or a bad setting
  // leaves no half-made run directory behind.
  const parts = buildRun(config, options.datasets);
  const started = performance.now();
  try {
    if (options.resume !== true) {
      out.createFresh();
      out.writeJson('config', config);
    }
    const start = options.resume === true ? restore(parts, out) : undefined;
    let lastTest: EvalMetrics | undefined;
    // The scope frees the state-dict handles; the optimiser's momentum buffers are kept tensors.
    const save = (position: RunPosition): void =>
      E.scope(() =>
        saveCheckpoint(out.file('checkpoint'), { position, config, model: parts.model.stateDict(), optimizer: parts.optimizer.stateDict(parts.names) }),
      );
    const callbacks: Callback[] = [
      new NanGuard(),
      ...(options.progress === false ? [] : [new ProgressBar()]),
      new JsonlLog(out.file('metrics')),
      new Checkpointer(save),
      { onEpochEnd: (_run, logs) => void (lastTest = logs.test) },
      ...(options.callbacks ?? []),
    ];
    const trainer = new Trainer({
      model: parts.model,
      optimizer: parts.optimizer,
      schedule: parts.schedule,
      train: parts.train,
      test: parts.test,
      epochs: config.epochs,
      device: E.checkDevice(config.device),
      callbacks,
      ...(start === undefined ? {} : { start }),
    });
    options.onTrainer?.(trainer);
    const run = await trainer.fit();
    const position = { epoch: run.epoch, batchInEpoch: run.batchInEpoch, step: run.step };
    const seconds = (performance.now() - started) / 1000;
    if (run.stopTraining && run.epoch < config.epochs) return { completed: false, position, seconds };
    // The last epoch's evaluation is the final one, unless no epoch ran in this process.
    const test = lastTest ?? (await trainer.evaluate(parts.test));
    parts.model.save(out.file('model'), { model: config.model });
    const { channels, height, width } = parts.dataset.train;
    const complexity = countComplexity(parts.model, [channels, height, width]);
    out.writeJson('summary', { model: config.model, data: config.data, epochs: config.epochs, test, params: complexity.params, macs: complexity.macs, seconds });
    return { completed: true, position, test, seconds };
  } finally {
    await Promise.all([parts.train.close(), parts.test.close()]);
    parts.optimizer.dispose();
    parts.model.dispose();
  }
}
