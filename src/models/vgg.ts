// VGG with BatchNorm for 32x32 images (Simonyan & Zisserman 2015, CIFAR variant).
import type * as E from '../engine/index.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential } from '../nn/index.js';
import { checkCount, type ModelOptions } from './common.js';

/** Channel counts of the 3x3 convs, 'M' for a 2x2 max-pool (torchvision's cfgs 'A' and 'D'). */
const CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>;

export type VggName = keyof typeof CONFIGS;

/**
 * features (conv3x3-BN-ReLU blocks and max-pools; keys 'features.0.weight', ...) then a single
 * Linear(512, classes) named 'classifier'. The single-Linear classifier is the common CIFAR VGG
 * (e.g. kuangliu/pytorch-cifar), not torchvision's three-layer ImageNet head: after five pools a
 * 32x32 image is 1x1x512. Convs keep their bias, as in that code (parameter counts match it).
 */
export class VGG extends Module {
  readonly features: Sequential;
  readonly flatten: Flatten;
  readonly classifier: Linear;

  constructor(name: VggName, options: ModelOptions = {}) {
    super();
    let channels = checkCount(name, 'inChannels', options.inChannels ?? 3);
    this.features = this.registerModule('features', new Sequential());
    for (const item of CONFIGS[name]) {
      if (item === 'M') {
        this.features.append(new MaxPool2d(2));
      } else {
        this.features.append(new Conv2d(channels, item, 3, { padding: 1 })).append(new BatchNorm2d(item)).append(new ReLU());
        channels = item;
      }
    }
    this.flatten = this.registerModule('flatten', new Flatten());
    this.classifier = this.registerModule('classifier', new Linear(channels, checkCount(name, 'numClasses', options.numClasses ?? 10)));
  }

  forward(x: E.Tensor): E.Tensor {
    return this.classifier.call(this.flatten.call(this.features.call(x)));
  }
}

export const vgg11 = (options: ModelOptions = {}): VGG => new VGG('vgg11', options);
export const vgg16 = (options: ModelOptions = {}): VGG => new VGG('vgg16', options);
