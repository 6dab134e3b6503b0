// The model zoo by name, with each model's default input shape (what the CLI and reports use): [C, H, W]
// for image models, [C, L] for sequence (1-d) models.
import type { Module } from '../nn/index.js';
import type { ModelOptions } from './common.js';
import { fcn1d } from './fcn1d.js';
import { lenet5 } from './lenet.js';
import { DEFAULT_SERIES_LENGTH, lenet1d } from './lenet1d.js';
import { lenet300 } from './mlp.js';
import { cifarResNet } from './resnet-cifar.js';
import { resnet18, resnet34, resnet50 } from './resnet-imagenet.js';
import { resnet1d } from './resnet1d.js';
import { vgg11, vgg16 } from './vgg.js';

interface ModelEntry {
  build: (options: ModelOptions) => Module;
  /** One example without the batch dim, with the default number of input channels: [C, H, W] or [C, L]. */
  inputShape: readonly [number, number, number] | readonly [number, number];
}

/** What a model reads: images [C, H, W] or sequences [C, L]. */
export type InputKind = 'image' | 'sequence';

const MNIST = [1, 28, 28] as const;
const CIFAR = [3, 32, 32] as const;
const IMAGENET = [3, 224, 224] as const;
const SERIES = [1, DEFAULT_SERIES_LENGTH] as const;

const MODELS = {
  lenet300: { build: lenet300, inputShape: MNIST },
  lenet5: { build: lenet5, inputShape: MNIST },
  vgg11: { build: vgg11, inputShape: CIFAR },
  vgg16: { build: vgg16, inputShape: CIFAR },
  resnet20: { build: (o) => cifarResNet(20, o), inputShape: CIFAR },
  resnet32: { build: (o) => cifarResNet(32, o), inputShape: CIFAR },
  resnet44: { build: (o) => cifarResNet(44, o), inputShape: CIFAR },
  resnet56: { build: (o) => cifarResNet(56, o), inputShape: CIFAR },
  resnet110: { build: (o) => cifarResNet(110, o), inputShape: CIFAR },
  resnet18: { build: resnet18, inputShape: IMAGENET },
  resnet34: { build: resnet34, inputShape: IMAGENET },
  resnet50: { build: resnet50, inputShape: IMAGENET },
  fcn1d: { build: fcn1d, inputShape: SERIES },
  resnet1d: { build: resnet1d, inputShape: SERIES },
  lenet1d: { build: lenet1d, inputShape: SERIES },
} as const satisfies Record<string, ModelEntry>;

export type ModelName = keyof typeof MODELS;

/** Networks users registered (registerModel); the CLI and run directories find them by name. */
const userModels = new Map<string, ModelEntry>();

/**
 * Makes a user's network available by name, like a zoo model: `catrain train --model NAME`, resume,
 * eval and info rebuild it with `build`. `inputShape` is one example without the batch dim:
 * [channels, height, width] for an image model, [channels, length] for a sequence model.
 */
export function registerModel(name: string, build: (options: ModelOptions) => Module, inputShape: readonly number[]): void {
  if (!/^[A-Za-z][\w.-]*$/.test(name)) throw new TypeError(`registerModel: '${name}' is not a valid model name (letters, digits, '_', '-', '.'; starting with a letter)`);
  if (Object.hasOwn(MODELS, name)) throw new Error(`registerModel: '${name}' is a built-in model; choose another name`);
  if (typeof build !== 'function') throw new TypeError('registerModel: build must be a function (options) => Module');
  if ((inputShape.length !== 3 && inputShape.length !== 2) || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new RangeError(
      `registerModel: inputShape must be [channels, height, width] (images) or [channels, length] (sequences) of positive integers, got [${inputShape.join(', ')}]`,
    );
  }
  userModels.set(name, { build, inputShape: [...inputShape] as [number, number, number] | [number, number] });
}

/** Built-in model names, then registered ones. */
export const modelNames = (): string[] => [...Object.keys(MODELS), ...userModels.keys()];

export const isModelName = (name: string): boolean => Object.hasOwn(MODELS, name) || userModels.has(name);

function entry(name: string): ModelEntry {
  const found = Object.hasOwn(MODELS, name) ? MODELS[name as ModelName] : userModels.get(name);
  if (found === undefined) throw new Error(`unknown model '${name}': expected one of ${modelNames().join(', ')}`);
  return found;
}

export interface CreateModelOptions extends ModelOptions {
  /** Lay conv weights out channels-last (feed channels-last input too): faster convs on CPU and GPU. */
  channelsLast?: boolean;
}

/** The class a model name builds, e.g. CifarResNet for 'resnet56'. */
export type ModelOf<N extends ModelName> = ReturnType<(typeof MODELS)[N]['build']>;

/** Builds a model by name with fresh (seedable) initial weights, on the CPU; move it with .to(device). */
export function createModel<N extends ModelName>(name: N, options?: CreateModelOptions): ModelOf<N>;
export function createModel(name: string, options?: CreateModelOptions): Module;
export function createModel(name: string, options: CreateModelOptions = {}): Module {
  const { channelsLast = false, ...modelOptions } = options;
  const model = entry(name).build(modelOptions);
  return channelsLast ? model.toMemoryFormat('channels_last') : model;
}

/** Whether a model reads images ([C, H, W]) or sequences ([C, L]). */
export function modelInputKind(name: ModelName | (string & NonNullable<unknown>)): InputKind {
  return entry(name).inputShape.length === 2 ? 'sequence' : 'image';
}

/**
 * The input shape of one example: [C, H, W] for an image model, e.g. [3, 32, 32] for CIFAR models,
 * [C, L] for a sequence model, e.g. [1, 128]. inChannels replaces C; inputLength replaces L (image
 * models ignore it, as their builders do).
 */
export function defaultInputShape(name: ModelName | (string & NonNullable<unknown>), options: Pick<ModelOptions, 'inChannels' | 'inputLength'> = {}): number[] {
  const shape = entry(name).inputShape;
  if (shape.length === 2) return [options.inChannels ?? shape[0], options.inputLength ?? shape[1]];
  const [c, h, w] = shape;
  return [options.inChannels ?? c, h, w];
}
