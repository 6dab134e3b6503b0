// The residual network for time series of Wang, Yan and Oates (2017), "Time series classification from
// scratch with deep neural networks: a strong baseline", IJCNN 2017 (arXiv:1611.06455), section 3:
// three residual blocks of 64, 128 and 128 filters; each block's branch is three conv + BatchNorm
// steps with kernels 8, 5 and 3 ('same' padding, stride 1), ReLU after the first two; the shortcut
// is added to the branch and a ReLU follows the sum; then global average pooling over time and a
// linear classifier. Where a block changes the width the shortcut is a 1x1 conv + BatchNorm; the
// third block, at equal widths, normalises its shortcut with a BatchNorm alone, as the authors' code
// (and Fawaz et al.'s 2019 re-implementation of it) does. Weights are He-initialised (the Keras code
// used Glorot), as catrain's other ResNets.
//
// Every block is a ResidualBlock, so CAT can remove any of the three as a layer: removing a branch
// leaves relu(shortcut(x)), which keeps the shapes, whatever the shortcut is (a projection included).
// The third block, the widest, holds about half of the network's MACs, which is what lets a 0.5 MAC
// budget be met by dropping a block.
import type * as E from '../engine/index.js';
import { BatchNorm1d, ChainedBlock, Conv1d, GlobalAvgPool1d, Linear, Module, ReLU, projection } from '../nn/index.js';
import { checkCount, heInitConvs, type ModelOptions } from './common.js';

export const RESNET1D_WIDTHS = [64, 128, 128] as const;
export const RESNET1D_KERNELS = [8, 5, 3] as const;

export interface SeriesBranch {
  conv1: Conv1d;
  bn1: BatchNorm1d;
  /** After bn1 and bn2: where the block's unit gates go (its internal widths). */
  relu1: ReLU;
  conv2: Conv1d;
  bn2: BatchNorm1d;
  relu2: ReLU;
  conv3: Conv1d;
  bn3: BatchNorm1d;
}

const step = (inChannels: number, outChannels: number, kernel: number): [Conv1d, BatchNorm1d] => [
  new Conv1d(inChannels, outChannels, kernel, { padding: 'same', bias: false }),
  new BatchNorm1d(outChannels),
];

/** One residual block of Wang et al.'s ResNet: conv8-bn-relu-conv5-bn-relu-conv3-bn plus shortcut, relu after the sum. */
export class SeriesResidualBlock extends ChainedBlock<SeriesBranch> {
  constructor(inPlanes: number, planes: number) {
    const [k1, k2, k3] = RESNET1D_KERNELS;
    const [conv1, bn1] = step(inPlanes, planes, k1);
    const [conv2, bn2] = step(planes, planes, k2);
    const [conv3, bn3] = step(planes, planes, k3);
    const shortcut = inPlanes === planes ? new BatchNorm1d(planes) : projection(inPlanes, planes, 1, 1);
    super(inPlanes, planes, { conv1, bn1, relu1: new ReLU(true), conv2, bn2, relu2: new ReLU(true), conv3, bn3 }, { shortcutName: 'shortcut', shortcut });
  }
}

export interface ResNet1dOptions extends ModelOptions {
  /** The three blocks' widths (default Wang et al.'s 64, 128, 128; narrower ones make quick tests). */
  widths?: readonly [number, number, number];
}

export class ResNet1d extends Module {
  /** layer1..layer3. */
  readonly blocks: readonly SeriesResidualBlock[];
  readonly avgpool: GlobalAvgPool1d;
  readonly fc: Linear;

  constructor(options: ResNet1dOptions = {}) {
    super();
    let width = checkCount('resnet1d', 'inChannels', options.inChannels ?? 1);
    const numClasses = checkCount('resnet1d', 'numClasses', options.numClasses ?? 2);
    const widths = (options.widths ?? RESNET1D_WIDTHS).map((w) => checkCount('resnet1d', 'widths', w));
    if (widths.length !== 3) throw new RangeError(`resnet1d: widths must list the 3 blocks' widths, got ${widths.length}`);
    this.blocks = widths.map((planes, i) => {
      const block = this.registerModule(`layer${i + 1}`, new SeriesResidualBlock(width, planes));
      width = planes;
      return block;
    });
    this.avgpool = this.registerModule('avgpool', new GlobalAvgPool1d());
    this.fc = this.registerModule('fc', new Linear(width, numClasses));
    heInitConvs(this);
  }

  forward(x: E.Tensor): E.Tensor {
    let y = x;
    for (const block of this.blocks) y = block.call(y);
    return this.fc.call(this.avgpool.call(y));
  }
}

export const resnet1d = (options: ResNet1dOptions = {}): ResNet1d => new ResNet1d(options);
