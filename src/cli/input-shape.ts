// The input of a model named on the command line without a run or data (info, bench, latency-profile):
// its default shape, which --channels and --input-length change for a sequence model, whose layers may
// depend on the length (lenet1d's flatten) and whose data decides both. Image models take the fixed
// size their dataset has, so they refuse the two flags.
import type { Command } from 'commander';
import { createModel, defaultInputShape, isModelName, modelInputKind, modelNames, type CreateModelOptions } from '../models/index.js';
import type { Module } from '../nn/index.js';
import { badArgument } from './errors.js';
import { positiveInt } from './options.js';

export interface InputShapeCliOptions {
  channels?: number;
  inputLength?: number;
}

export function addInputShapeOptions(command: Command): Command {
  return command
    .option('--channels <n>', 'sequence models: input channels (sensors), as the data will have (default: the model\'s)', positiveInt('--channels'))
    .option('--input-length <steps>', 'sequence models: time steps per input, as the data will have (default: the model\'s)', positiveInt('--input-length'));
}

/** The checked model name and one example's shape ([C, H, W] or [C, L]) with the flags applied. */
export function modelInput(model: string, options: InputShapeCliOptions): { model: string; inputShape: number[]; modelOptions: CreateModelOptions } {
  if (!isModelName(model)) throw badArgument(`unknown model '${model}'`, `choose one of: ${modelNames().join(', ')}`);
  const given = [options.channels === undefined ? null : '--channels', options.inputLength === undefined ? null : '--input-length'].filter((flag) => flag !== null);
  if (modelInputKind(model) === 'image') {
    if (given.length > 0) {
      throw badArgument(`${given.join(' and ')} ${given.length > 1 ? 'describe' : 'describes'} a sequence model's input, but ${model} takes images of [${defaultInputShape(model).join(', ')}]`, `drop ${given.length > 1 ? 'them' : 'it'}, or pick a sequence model (${modelNames().filter((name) => modelInputKind(name) === 'sequence').join(', ')})`);
    }
    return { model, inputShape: defaultInputShape(model), modelOptions: {} };
  }
  const modelOptions: CreateModelOptions = {
    ...(options.channels === undefined ? {} : { inChannels: options.channels }),
    ...(options.inputLength === undefined ? {} : { inputLength: options.inputLength }),
  };
  return { model, inputShape: defaultInputShape(model, modelOptions), modelOptions };
}

/** createModel, with a builder's refusal of the shape (a length too short for its pools) as a bad argument. */
export function buildForInput(model: string, options: CreateModelOptions): Module {
  try {
    return createModel(model, options);
  } catch (error) {
    // Builders name themselves first ('lenet1d: inputLength must be ...'); any other error (the
    // engine's start-up, say) is not about the flags and keeps its own exit code.
    if (error instanceof RangeError && error.message.startsWith(`${model}: `)) throw badArgument(error.message);
    throw error;
  }
}
