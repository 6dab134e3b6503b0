// The settings of a training run: what `catrain train` accepts and what a run directory records.
import { catProblems, DEFAULT_CAT, type CatOptions } from '../cat/index.js';
import { isSeriesSpec, parseDatasetSpec, sensorLogValueProblems, signalAugmentProblems, windowProblems, type DatasetSpec, type SensorLogOptions, type SignalAugmentOptions } from '../data/index.js';

export type ScheduleName = 'cosine' | 'step' | 'constant';

/**
 * Signal augmentations (sequence data, training only): every one off by default, and an image run
 * must leave them off. Sigmas are in units of each channel's standard deviation.
 */
export type SignalAugmentSettings = SignalAugmentOptions;

export interface TrainConfig extends SignalAugmentSettings {
  model: string;
  /** Dataset spec: mnist, fashion-mnist, cifar10:DIR, cifar100:DIR, folder:DIR, ucr:DIR/NAME, uea:DIR/NAME, csv:FILE. */
  data: string;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  nesterov: boolean;
  /** L2 weight decay on conv and linear weights; never on BatchNorm parameters or biases. */
  weightDecay: number;
  schedule: ScheduleName;
  warmupEpochs: number;
  /** Epochs at which the step schedule multiplies the rate by gamma. */
  milestones: number[];
  gamma: number;
  seed: number;
  /** Pad-4 random crop + flip: images only; sequence runs ignore it (their augmentations are the signal fields). */
  augment: boolean;
  workers: number;
  device: string;
  /** Channels-last images; sequence runs ignore it (an [N, C, L] batch has no channels-last order). */
  channelsLast: boolean;
  evalBatchSize: number;
  /** Side of the square images an image-folder dataset is resized to. */
  imageSize: number;
  /** Train on the first N training samples only (a quick pilot); null: all of them. */
  trainSubset: number | null;
  /** csv: sensor logs: time steps per window (one sample); null for other data. */
  window: number | null;
  /** csv: sensor logs: steps between the starts of consecutive windows; null: the loader's default. */
  stride: number | null;
  /** csv: sensor logs: the column holding the class label; null: the loader's default ('label'). */
  labelColumn: string | null;
  /** csv: sensor logs: the trailing fraction of the rows kept for testing, in (0, 1); null: the loader's default (0.2). */
  testFraction: number | null;
  /**
   * Data-parallel runs: BatchNorm takes its batch statistics over the whole global batch instead of
   * each worker's part (PyTorch's SyncBatchNorm). One process trains alike either way.
   */
  syncBn: boolean;
  /**
   * Data-parallel runs: the gates are drawn once for the whole batch ('shared') or by each worker
   * for its part ('per-worker'; docs/distributed.md compares the two).
   */
  gateDraws: 'shared' | 'per-worker';
  /** Complexity-Aware Training settings; null trains the dense network. */
  cat: CatOptions | null;
}

/** The defaults: the "cifar-quick" protocol's optimiser settings (docs/results.md). */
export const DEFAULT_CONFIG: Omit<TrainConfig, 'model' | 'data'> = {
  epochs: 15,
  batchSize: 128,
  lr: 0.1,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  schedule: 'cosine',
  warmupEpochs: 1,
  milestones: [],
  gamma: 0.1,
  seed: 0,
  augment: true,
  workers: 1,
  device: 'cpu',
  channelsLast: true,
  evalBatchSize: 500,
  imageSize: 224,
  trainSubset: null,
  window: null,
  stride: null,
  labelColumn: null,
  testFraction: null,
  jitter: 0,
  scaling: 0,
  timeShift: 0,
  windowCrop: 1,
  syncBn: false,
  gateDraws: 'shared',
  cat: null,
};

/**
 * A config as given (or saved by any catrain version) made whole: an option that did not exist yet ran
 * with its default, and CAT at strength 0 is the dense run it always trained (gamma = 0, docs/method.md).
 */
export function withConfigDefaults(saved: TrainConfig): TrainConfig {
  const cat = saved.cat === null || saved.cat === undefined || saved.cat.strength === 0 ? null : { ...DEFAULT_CAT, ...saved.cat };
  return { ...DEFAULT_CONFIG, ...saved, cat };
}

/** Thrown for a config that cannot train; the message lists every problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The config made whole and checked; throws a ConfigError naming every problem. */
export function checkedConfig(config: TrainConfig): TrainConfig {
  const whole = withConfigDefaults(config);
  const problems = configProblems(whole);
  if (problems.length > 0) throw new ConfigError(`invalid training config: ${problems.join('; ')}`);
  return whole;
}

/** Checks the combinations single-option parsing cannot; returns the problems found. */
export function configProblems(config: TrainConfig): string[] {
  const problems: string[] = [];
  if (config.nesterov && config.momentum === 0) problems.push('--nesterov needs --momentum > 0');
  if (config.warmupEpochs > config.epochs) problems.push(`--warmup-epochs (${config.warmupEpochs}) exceeds --epochs (${config.epochs})`);
  if (config.schedule === 'step' && config.milestones.length === 0) problems.push('--schedule step needs --milestones, e.g. --milestones 8,12');
  if (config.gateDraws !== 'shared' && config.gateDraws !== 'per-worker') problems.push(`gateDraws (--gate-draws) must be 'shared' or 'per-worker', got ${JSON.stringify(config.gateDraws)}`);
  if (typeof config.syncBn !== 'boolean') problems.push(`syncBn (--sync-bn) must be true or false, got ${JSON.stringify(config.syncBn)}`);
  problems.push(...signalAugmentProblems(config));
  const spec = knownSpec(config.data);
  const sensorLog = sensorLogOptionsOf(config);
  if (spec !== null) {
    problems.push(...windowProblems(spec, sensorLog));
    if (!isSeriesSpec(spec)) problems.push(...signalOptionsOnImages(config, spec.kind));
  } else {
    problems.push(...sensorLogValueProblems(sensorLog));
  }
  if (config.cat !== null) problems.push(...catProblems(config.cat, config.epochs));
  return problems;
}

/** The sensor-log settings of a config as the loader takes them: a null one is left out, so the loader's default holds. */
export function sensorLogOptionsOf(config: Pick<TrainConfig, 'window' | 'stride' | 'labelColumn' | 'testFraction'>): SensorLogOptions {
  return {
    ...(config.window === null ? {} : { window: config.window }),
    ...(config.stride === null ? {} : { stride: config.stride }),
    ...(config.labelColumn === null ? {} : { labelColumn: config.labelColumn }),
    ...(config.testFraction === null ? {} : { testFraction: config.testFraction }),
  };
}

/** The spec of config.data; null for a name the spec parser does not know (an embedder's in-memory data). */
function knownSpec(data: string): DatasetSpec | null {
  try {
    return parseDatasetSpec(data);
  } catch {
    return null;
  }
}

/** The signal augmentations an image run was given (they only make sense on sequences). */
export function signalOptionsOnImages(config: SignalAugmentSettings, dataName: string): string[] {
  const given = [
    config.jitter !== 0 ? '--jitter' : null,
    config.scaling !== 0 ? '--scaling' : null,
    config.timeShift !== 0 ? '--time-shift' : null,
    config.windowCrop !== 1 ? '--window-crop' : null,
  ].filter((flag) => flag !== null);
  return given.length === 0 ? [] : [`${given.join(', ')} augment sequences, but ${dataName} holds images (use --augment for crop and flip)`];
}

/** The signal fields of a config, as the DataLoader takes them. */
export const signalAugmentOf = (config: SignalAugmentSettings): SignalAugmentOptions => ({ jitter: config.jitter, scaling: config.scaling, timeShift: config.timeShift, windowCrop: config.windowCrop });

/** Whether `catrain train` augments this data when neither --augment nor --no-augment is given: CIFAR and folders. */
export function augmentsByDefault(data: string): boolean {
  const kind = knownSpec(data)?.kind;
  return !(kind === 'mnist' || kind === 'fashion-mnist' || kind === 'ucr' || kind === 'uea' || kind === 'csv');
}
