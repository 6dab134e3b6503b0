// Runs a pilot sweep: one short training per setting into DIR/<name>/, one after another, each
// measured (accuracy, size, training time, CPU latency) and recorded in DIR/sweep.json as soon as it
// finishes. Running the sweep again continues it: recorded points are skipped, a point whose run was
// interrupted resumes from its checkpoint (or restarts if it never wrote one).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as E from '../engine/index.js';
import { sampleShape, type Dataset } from '../data/index.js';
import { countComplexity, createModel } from '../models/index.js';
import { checkModelFitsData, loadConfigDatasets, modelOptionsFor, resumeRun, RunDirectory, type RunSummary, type TrainConfig, type Trainer, trainRun } from '../train/index.js';
import { fullScaleCommand } from './full-command.js';
import { measureLatency, type LatencyOptions } from './latency.js';
import { sweepFronts } from './pareto.js';
import { sameSetting, settingName } from './settings.js';
import { readSweep, SWEEP_FILE, writeSweep } from './sweep-file.js';
import type { SweepFile, SweepPoint, SweepSetting } from './types.js';

export interface SweepOptions {
  out: string;
  settings: readonly SweepSetting[];
  /** Fraction of the training set each pilot trains on, in (0, 1]. */
  subset: number;
  /** Epochs of the full-scale commands the sweep writes down. */
  fullEpochs: number;
  /** Train flags every point shares, repeated in the full-scale commands (e.g. ['--seed', '1']). */
  trainArgs: readonly string[];
  /** The pilot's training config for a setting (its trainSubset is set by the sweep). */
  configFor: (setting: SweepSetting) => TrainConfig;
  /** In-memory datasets instead of loading the config's data. */
  datasets?: { train: Dataset; test: Dataset };
  progress?: boolean;
  latency?: LatencyOptions;
  /** Called with each point's trainer, e.g. to wire Ctrl-C to trainer.run.stopTraining. */
  onTrainer?: (trainer: Trainer) => void;
  /** Called when a point starts: trained afresh, resumed, or skipped as already recorded. */
  onStart?: (name: string, action: 'train' | 'resume' | 'skip') => void;
  /** Called after each point is recorded. */
  onPoint?: (point: SweepPoint, sweep: SweepFile) => void;
}

export interface SweepResult {
  /** False when a point's training was stopped (the sweep can be run again to continue). */
  completed: boolean;
  sweep: SweepFile;
}

/** Thrown when a sweep cannot start or continue as asked (the CLI reports it as a bad directory). */
export class SweepError extends Error {
  override name = 'SweepError';
}

function checkSettings(settings: readonly SweepSetting[]): void {
  if (settings.length === 0) throw new SweepError('a sweep needs at least one setting');
  const names = settings.map(settingName);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new SweepError(`setting ${repeated} is listed twice`);
}

/** The sweep to continue in `out` (read, not yet checked), or null for a new or empty directory. */
function previousSweep(out: string): SweepFile | null {
  if (!existsSync(out) || readdirSync(out).length === 0) return null;
  if (!existsSync(path.join(out, SWEEP_FILE))) {
    throw new SweepError(`${out} is not empty and holds no ${SWEEP_FILE}: choose a new or empty --out directory, or the directory of the sweep to continue`);
  }
  return readSweep(out);
}

/** The sweep to continue, after checking that it was made with the same settings as this call. */
function continuedSweep(old: SweepFile, fresh: SweepFile, out: string): SweepFile {
  const differences = (['model', 'data', 'subset', 'epochs'] as const)
    .filter((key) => old[key] !== fresh[key])
    .map((key) => `${key} ${JSON.stringify(fresh[key])} (the sweep has ${JSON.stringify(old[key])})`);
  if (JSON.stringify(old.train_args ?? []) !== JSON.stringify(fresh.train_args)) differences.push(`train options ${fresh.train_args.join(' ') || '(none)'} (the sweep has ${(old.train_args ?? []).join(' ') || '(none)'})`);
  if (differences.length > 0) throw new SweepError(`${out} holds a sweep made with other settings: ${differences.join('; ')}`);
  // Settings asked for now that the sweep lacks are added after its own; nothing recorded is lost.
  const settings = [...old.settings, ...fresh.settings.filter((s) => !old.settings.some((o) => sameSetting(o, s)))];
  return { ...old, settings, full_epochs: fresh.full_epochs, points: old.points.map((p) => ({ ...p, command: commandFor(fresh, p.setting) })) };
}

const commandFor = (sweep: SweepFile, setting: SweepSetting): string =>
  fullScaleCommand({ model: sweep.model, data: sweep.data, fullEpochs: sweep.full_epochs, trainArgs: sweep.train_args, setting });

function denseSize(config: TrainConfig, train: Dataset): { macs: number; params: number } {
  checkModelFitsData(config.model, train);
  const model = createModel(config.model, modelOptionsFor(train));
  try {
    const complexity = E.noGrad(() => countComplexity(model, sampleShape(train)));
    return { macs: complexity.macs, params: complexity.params };
  } finally {
    model.dispose();
  }
}

function record(sweep: SweepFile, point: SweepPoint): SweepFile {
  const order = (p: SweepPoint): number => sweep.settings.findIndex((s) => sameSetting(s, p.setting));
  const points = [...sweep.points.filter((p) => p.name !== point.name), point].sort((a, b) => order(a) - order(b));
  const fronts = sweepFronts(points);
  return { ...sweep, points, pareto: fronts.macs, fronts };
}

function measurePoint(sweep: SweepFile, setting: SweepSetting, dir: string, latency: LatencyOptions | undefined): SweepPoint {
  const summary = new RunDirectory(dir).readJson<RunSummary>('summary');
  const times = measureLatency(dir, { ...latency, batchSizes: [1, 64] });
  return {
    name: settingName(setting),
    dir: path.basename(dir),
    setting,
    test_acc: summary.test_acc,
    macs: summary.final.macs,
    params: summary.final.params,
    macs_fraction: summary.final.macs / summary.baseline.macs,
    params_fraction: summary.final.params / summary.baseline.params,
    train_seconds: summary.train_seconds,
    latency_ms: { batch1: times.get(1) ?? Number.NaN, batch64: times.get(64) ?? Number.NaN },
    command: commandFor(sweep, setting),
  };
}

export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  checkSettings(options.settings);
  if (!(options.subset > 0 && options.subset <= 1)) throw new SweepError(`the subset must be a fraction in (0, 1], got ${options.subset}`);
  // Checked before the data is loaded, so a wrong --out fails at once.
  const previous = previousSweep(options.out);
  const first = options.configFor(options.settings[0] as SweepSetting);
  const datasets = options.datasets ?? loadConfigDatasets(first);
  const trainSubset = options.subset >= 1 ? null : Math.max(1, Math.round(options.subset * datasets.train.count));
  const fresh: SweepFile = {
    format: 1,
    model: first.model,
    data: first.data,
    subset: options.subset,
    epochs: first.epochs,
    full_epochs: options.fullEpochs,
    dense: denseSize(first, datasets.train),
    settings: [...options.settings],
    train_args: [...options.trainArgs],
    points: [],
    pareto: [],
    fronts: { macs: [], latency: [], train_seconds: [] },
    latency_threads: E.getNumThreads(),
  };
  let sweep = previous === null ? fresh : continuedSweep(previous, fresh, options.out);
  mkdirSync(options.out, { recursive: true });
  writeSweep(options.out, sweep);
  for (const setting of sweep.settings) {
    const name = settingName(setting);
    if (sweep.points.some((p) => p.name === name)) {
      options.onStart?.(name, 'skip');
      continue;
    }
    const dir = path.join(options.out, name);
    const run = new RunDirectory(dir);
    const trained = existsSync(run.file('summary')) && existsSync(run.file('model'));
    if (!trained) {
      const resume = run.hasCheckpoint || run.isUnstarted;
      options.onStart?.(name, resume ? 'resume' : 'train');
      const config = { ...options.configFor(setting), trainSubset };
      const runOptions = { progress: options.progress !== false, datasets, ...(options.onTrainer === undefined ? {} : { onTrainer: options.onTrainer }) };
      const result = resume ? await resumeRun(dir, runOptions) : await trainRun(config, dir, runOptions);
      if (!result.completed) return { completed: false, sweep };
    }
    const point = measurePoint(sweep, setting, dir, options.latency);
    sweep = record(sweep, point);
    writeSweep(options.out, sweep);
    options.onPoint?.(point, sweep);
  }
  return { completed: true, sweep };
}
