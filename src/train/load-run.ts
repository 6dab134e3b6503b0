// Loads the network a run directory describes, from the directory alone: the dense model by name,
// the pruning history replayed on it (architecture.json, or the checkpoint of an unfinished run),
// then the weights.
import { existsSync } from 'node:fs';
import * as E from '../engine/index.js';
import { replayHistory, type Architecture, type CatState } from '../cat/index.js';
import { createModel, isModelName, modelNames } from '../models/index.js';
import type { Module } from '../nn/index.js';
import { loadCheckpoint } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { RunDirectory, RunDirectoryError } from './run-dir.js';

export interface LoadedRun {
  config: TrainConfig;
  model: Module;
  /** architecture.json of a finished run; undefined for an unfinished one. */
  architecture: Architecture | undefined;
  /** Which weights were loaded: the final model, or the checkpoint of an unfinished run. */
  weights: string;
  /** Whether the network was laid out channels-last (an image run that asked for it); feed it input laid out alike. */
  channelsLast: boolean;
}

/** What an unfinished run (no architecture.json) takes from its dataset: an image set's or a sequence set's sizes. */
export type DataShape =
  | { channels: number; height: number; width: number; numClasses: number }
  | { channels: number; length: number; numClasses: number };

const shapeOf = (data: DataShape): number[] => ('length' in data ? [data.channels, data.length] : [data.channels, data.height, data.width]);

export function loadRunNetwork(dir: string, options: { device?: string; data?: DataShape } = {}): LoadedRun {
  const run = new RunDirectory(dir);
  const config = run.readConfig();
  if (!isModelName(config.model)) {
    throw new RunDirectoryError(`${dir} was trained with model '${config.model}', which is not built in or registered here (known: ${modelNames().join(', ')}); register it with registerModel first`);
  }
  const finished = existsSync(run.file('model')) && existsSync(run.file('architecture'));
  if (!finished && !run.hasCheckpoint) throw new RunDirectoryError(`${dir} has neither a final model (model.safetensors + architecture.json) nor a checkpoint`);
  const architecture = finished ? run.readJson<Architecture>('architecture') : undefined;
  const checkpoint = finished ? undefined : loadCheckpoint<TrainConfig>(run.file('checkpoint'));
  let model: Module | undefined;
  try {
    const data = options.data;
    const inputShape = architecture?.input_shape ?? (data === undefined ? undefined : shapeOf(data));
    const numClasses = architecture?.num_classes ?? data?.numClasses;
    const inChannels = architecture?.in_channels ?? data?.channels;
    // A sequence model's layers may depend on its input length (a flatten before a linear layer).
    const sequence = inputShape?.length === 2;
    const inputLength = sequence ? inputShape[1] : undefined;
    model = createModel(config.model, { ...(numClasses === undefined ? {} : { numClasses }), ...(inChannels === undefined ? {} : { inChannels }), ...(inputLength === undefined ? {} : { inputLength }) });
    const history = architecture?.history ?? (checkpoint?.method as { cat?: CatState } | undefined)?.cat?.history ?? [];
    if (history.length > 0) {
      if (inputShape === undefined) throw new RunDirectoryError(`${dir} is unfinished and pruned: pass its dataset so its input shape is known`);
      replayHistory(model, inputShape, history);
    }
    const device = E.checkDevice(options.device ?? config.device);
    if (device !== 'cpu') model.to(device);
    const channelsLast = config.channelsLast && !sequence;
    if (channelsLast) model.toMemoryFormat('channels_last');
    if (checkpoint !== undefined) model.loadStateDict(checkpoint.model);
    else model.load(run.file('model'));
    checkFiniteWeights(model, checkpoint === undefined ? run.file('model') : run.file('checkpoint'));
    return { config, model, architecture, weights: checkpoint === undefined ? run.file('model') : run.file('checkpoint'), channelsLast };
  } catch (error) {
    model?.dispose();
    throw error;
  } finally {
    if (checkpoint !== undefined) E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  }
}

/** Throws, naming the tensor, if a parameter holds NaN or infinity (a run that diverged, a damaged file). */
export function checkFiniteWeights(model: Module, source: string): void {
  E.noGrad(() =>
    E.scope(() => {
      for (const [name, parameter] of model.namedParameters()) {
        if (parameter.value.numel === 0) continue;
        const largest = parameter.value.abs().max().item();
        if (!Number.isFinite(largest)) throw new RunDirectoryError(`${source}: weight '${name}' holds ${Number.isNaN(largest) ? 'NaN' : 'infinity'}; the run diverged or the file is damaged`);
      }
    }),
  );
}
