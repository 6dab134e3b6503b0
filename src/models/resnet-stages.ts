// What the CIFAR and the ImageNet ResNets share: a conv-BN-ReLU stem (the ImageNet one with a max-pool
// after it), stages of residual blocks in which the first block of every stage but the first halves
// the resolution, global average pooling and one Linear, then He initialisation of every conv. The
// modules are built in state-key order, so the random initialisation draws in that order too.
import type * as E from '../engine/index.js';
import { BatchNorm2d, GlobalAvgPool2d, Linear, MaxPool2d, Module, ReLU, Sequential, type Conv2d } from '../nn/index.js';
import { heInitConvs } from './common.js';

export interface ResNetLayout {
  /** Builds the stem conv. */
  readonly stem: () => Conv2d;
  /** Whether a 3x3/2 max-pool follows the stem (the ImageNet layout). */
  readonly stemPool: boolean;
  /** Planes per stage. */
  readonly planes: readonly number[];
  /** Blocks per stage. */
  readonly blocks: readonly number[];
  readonly block: (inPlanes: number, planes: number, stride: number) => Module;
  /** A block's output channels per plane (1 for basic blocks, 4 for bottlenecks). */
  readonly expansion: number;
  readonly numClasses: number;
}

export abstract class StagedResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu: ReLU;
  readonly maxpool: MaxPool2d | null;
  /** layer1, layer2, ...: each a Sequential of residual blocks. */
  readonly stages: readonly Sequential[];
  readonly avgpool: GlobalAvgPool2d;
  readonly fc: Linear;

  protected constructor(layout: ResNetLayout) {
    super();
    this.conv1 = this.registerModule('conv1', layout.stem());
    this.bn1 = this.registerModule('bn1', new BatchNorm2d(this.conv1.outChannels));
    this.relu = this.registerModule('relu', new ReLU(true));
    this.maxpool = layout.stemPool ? this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 })) : null;
    let inPlanes = this.conv1.outChannels;
    this.stages = layout.planes.map((planes, s) => {
      const stage = new Sequential();
      for (let b = 0; b < (layout.blocks[s] as number); b++) {
        stage.append(layout.block(inPlanes, planes, b === 0 && s > 0 ? 2 : 1));
        inPlanes = planes * layout.expansion;
      }
      return this.registerModule(`layer${s + 1}`, stage);
    });
    this.avgpool = this.registerModule('avgpool', new GlobalAvgPool2d());
    this.fc = this.registerModule('fc', new Linear(inPlanes, layout.numClasses));
    heInitConvs(this);
  }

  forward(x: E.Tensor): E.Tensor {
    let y = this.relu.call(this.bn1.call(this.conv1.call(x)));
    if (this.maxpool !== null) y = this.maxpool.call(y);
    for (const stage of this.stages) y = stage.call(y);
    return this.fc.call(this.avgpool.call(y));
  }
}
