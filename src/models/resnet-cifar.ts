// ResNets for CIFAR (He et al. 2016, section 4.2): a 3x3 stem with 16 filters, three stages of n basic
// blocks at widths 16, 32, 64 (the first block of stages 2 and 3 halves the resolution), global
// average pooling and one Linear; depth = 6n + 2. Shortcuts that change shape are 1x1 conv + BN
// projections (option B), so ResNet-20 has 272,474 parameters (docs/method.md section 3).
// Keys follow the common CIFAR code: conv1, bn1, layer1.0.conv1, layer2.0.shortcut.0, fc.
import type * as E from '../engine/index.js';
import { BasicBlock, BatchNorm2d, Conv2d, GlobalAvgPool2d, Linear, Module, ReLU, Sequential, conv3x3 } from '../nn/index.js';
import { checkCount, heInitConvs, type ModelOptions } from './common.js';

export const CIFAR_RESNET_DEPTHS = [20, 32, 44, 56, 110] as const;
export type CifarResNetDepth = (typeof CIFAR_RESNET_DEPTHS)[number];

export class CifarResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  /** The three stages, each a Sequential of BasicBlocks. */
  readonly stages: readonly Sequential[];
  readonly avgpool: GlobalAvgPool2d;
  readonly fc: Linear;

  constructor(readonly depth: CifarResNetDepth, options: ModelOptions = {}) {
    super();
    const name = `resnet${depth}`;
    if ((depth - 2) % 6 !== 0 || depth < 8) throw new RangeError(`${name}: depth must be 6n + 2, got ${depth}`);
    const blocks = (depth - 2) / 6;
    this.conv1 = this.registerModule('conv1', conv3x3(checkCount(name, 'inChannels', options.inChannels ?? 3), 16));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(16));
    this.relu = this.registerModule('relu', new ReLU(true));
    let inPlanes = 16;
    const stages: Sequential[] = [];
    [16, 32, 64].forEach((planes, s) => {
      const stage = new Sequential();
      for (let b = 0; b < blocks; b++) {
        stage.append(new BasicBlock(inPlanes, planes, { stride: b === 0 && s > 0 ? 2 : 1, shortcutName: 'shortcut' }));
        inPlanes = planes;
      }
      stages.push(this.registerModule(`layer${s + 1}`, stage));
    });
    this.stages = stages;
    this.avgpool = this.registerModule('avgpool', new GlobalAvgPool2d());
    this.fc = this.registerModule('fc', new Linear(64, checkCount(name, 'numClasses', options.numClasses ?? 10)));
    heInitConvs(this);
  }

  forward(x: E.Tensor): E.Tensor {
    let y = this.relu.call(this.bn1.call(this.conv1.call(x)));
    for (const stage of this.stages) y = stage.call(y);
    return this.fc.call(this.avgpool.call(y));
  }
}

export const cifarResNet = (depth: CifarResNetDepth, options: ModelOptions = {}): CifarResNet => new CifarResNet(depth, options);
