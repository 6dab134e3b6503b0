// ResNets for ImageNet with torchvision's layout and state keys (torchvision/models/resnet.py):
// 7x7/2 stem, 3x3/2 max-pool, four stages (64, 128, 256, 512 planes), BasicBlocks for 18/34 and
// Bottlenecks (expansion 4, stride on the 3x3: v1.5) for 50, projection shortcuts under 'downsample'.
import type * as E from '../engine/index.js';
import { BasicBlock, BatchNorm2d, Bottleneck, Conv2d, GlobalAvgPool2d, Linear, MaxPool2d, Module, ReLU, Sequential } from '../nn/index.js';
import { checkCount, heInitConvs, type ModelOptions } from './common.js';

const LAYOUTS = {
  resnet18: { block: 'basic', counts: [2, 2, 2, 2] },
  resnet34: { block: 'basic', counts: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', counts: [3, 4, 6, 3] },
} as const;

export type ImageNetResNetName = keyof typeof LAYOUTS;

export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly maxpool: MaxPool2d;
  /** layer1 ... layer4. */
  readonly stages: readonly Sequential[];
  readonly avgpool: GlobalAvgPool2d;
  readonly fc: Linear;

  constructor(readonly variant: ImageNetResNetName, options: ModelOptions = {}) {
    super();
    const { block, counts } = LAYOUTS[variant];
    const expansion = block === 'basic' ? BasicBlock.expansion : Bottleneck.expansion;
    this.conv1 = this.registerModule('conv1', new Conv2d(checkCount(variant, 'inChannels', options.inChannels ?? 3), 64, 7, { stride: 2, padding: 3, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(64));
    this.relu = this.registerModule('relu', new ReLU(true));
    this.maxpool = this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    let inPlanes = 64;
    this.stages = [64, 128, 256, 512].map((planes, s) => {
      const stage = new Sequential();
      for (let b = 0; b < (counts[s] as number); b++) {
        const options = { stride: b === 0 && s > 0 ? 2 : 1, shortcutName: 'downsample' } as const;
        stage.append(block === 'basic' ? new BasicBlock(inPlanes, planes, options) : new Bottleneck(inPlanes, planes, options));
        inPlanes = planes * expansion;
      }
      return this.registerModule(`layer${s + 1}`, stage);
    });
    this.avgpool = this.registerModule('avgpool', new GlobalAvgPool2d());
    this.fc = this.registerModule('fc', new Linear(512 * expansion, checkCount(variant, 'numClasses', options.numClasses ?? 1000)));
    heInitConvs(this);
  }

  forward(x: E.Tensor): E.Tensor {
    let y = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    for (const stage of this.stages) y = stage.call(y);
    return this.fc.call(this.avgpool.call(y));
  }
}

export const resnet18 = (options: ModelOptions = {}): ResNet => new ResNet('resnet18', options);
export const resnet34 = (options: ModelOptions = {}): ResNet => new ResNet('resnet34', options);
export const resnet50 = (options: ModelOptions = {}): ResNet => new ResNet('resnet50', options);
