// ResNets for ImageNet with torchvision's layout and state keys (torchvision/models/resnet.py):
// 7x7/2 stem, 3x3/2 max-pool, four stages (64, 128, 256, 512 planes), BasicBlocks for 18/34 and
// Bottlenecks (expansion 4, stride on the 3x3: v1.5) for 50, projection shortcuts under 'downsample'.
import { BasicBlock, Bottleneck, Conv2d, type MaxPool2d } from '../nn/index.js';
import { checkCount, type ModelOptions } from './common.js';
import { StagedResNet, type ResNetLayout } from './resnet-stages.js';

const LAYOUTS = {
  resnet18: { block: BasicBlock, counts: [2, 2, 2, 2] },
  resnet34: { block: BasicBlock, counts: [3, 4, 6, 3] },
  resnet50: { block: Bottleneck, counts: [3, 4, 6, 3] },
} as const;

export type ImageNetResNetName = keyof typeof LAYOUTS;

function imageNetLayout(variant: ImageNetResNetName, options: ModelOptions): ResNetLayout {
  const { block: Block, counts } = LAYOUTS[variant];
  const inChannels = checkCount(variant, 'inChannels', options.inChannels ?? 3);
  return {
    stem: () => new Conv2d(inChannels, 64, 7, { stride: 2, padding: 3, bias: false }),
    stemPool: true,
    planes: [64, 128, 256, 512],
    blocks: counts,
    block: (inPlanes, planes, stride) => new Block(inPlanes, planes, { stride, shortcutName: 'downsample' }),
    expansion: Block.expansion,
    numClasses: checkCount(variant, 'numClasses', options.numClasses ?? 1000),
  };
}

export class ResNet extends StagedResNet {
  declare readonly maxpool: MaxPool2d;

  constructor(readonly variant: ImageNetResNetName, options: ModelOptions = {}) {
    super(imageNetLayout(variant, options));
  }
}

export const resnet18 = (options: ModelOptions = {}): ResNet => new ResNet('resnet18', options);
export const resnet34 = (options: ModelOptions = {}): ResNet => new ResNet('resnet34', options);
export const resnet50 = (options: ModelOptions = {}): ResNet => new ResNet('resnet50', options);
