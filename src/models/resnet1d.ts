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
import { BatchNorm1d, ChainedBlock, Conv1d, ReLU, projection } from '../nn/index.js';
import type { ModelOptions } from './common.js';
import { SeriesStages } from './series-stages.js';

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

export class ResNet1d extends SeriesStages<SeriesResidualBlock> {
  constructor(options: ResNet1dOptions = {}) {
    super('resnet1d', options, 'layer', 'widths', options.widths ?? RESNET1D_WIDTHS, (inPlanes, planes) => new SeriesResidualBlock(inPlanes, planes));
  }
}

export const resnet1d = (options: ResNet1dOptions = {}): ResNet1d => new ResNet1d(options);
