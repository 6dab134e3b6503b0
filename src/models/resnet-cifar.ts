// ResNets for CIFAR (He et al. 2016, section 4.2): a 3x3 stem with 16 filters, three stages of n basic
// blocks at widths 16, 32, 64 (the first block of stages 2 and 3 halves the resolution), global
// average pooling and one Linear; depth = 6n + 2. Shortcuts that change shape are 1x1 conv + BN
// projections (option B), so ResNet-20 has 272,474 parameters (docs/method.md section 3).
// Keys follow the common CIFAR code: conv1, bn1, layer1.0.conv1, layer2.0.shortcut.0, fc.
import { BasicBlock, conv3x3 } from '../nn/index.js';
import { checkCount, type ModelOptions } from './common.js';
import { StagedResNet, type ResNetLayout } from './resnet-stages.js';

export const CIFAR_RESNET_DEPTHS = [20, 32, 44, 56, 110] as const;
export type CifarResNetDepth = (typeof CIFAR_RESNET_DEPTHS)[number];

function cifarLayout(depth: number, options: ModelOptions): ResNetLayout {
  const name = `resnet${depth}`;
  if ((depth - 2) % 6 !== 0 || depth < 8) throw new RangeError(`${name}: depth must be 6n + 2, got ${depth}`);
  const inChannels = checkCount(name, 'inChannels', options.inChannels ?? 3);
  const perStage = (depth - 2) / 6;
  return {
    stem: () => conv3x3(inChannels, 16),
    stemPool: false,
    planes: [16, 32, 64],
    blocks: [perStage, perStage, perStage],
    block: (inPlanes, planes, stride) => new BasicBlock(inPlanes, planes, { stride, shortcutName: 'shortcut' }),
    expansion: BasicBlock.expansion,
    numClasses: checkCount(name, 'numClasses', options.numClasses ?? 10),
  };
}

export class CifarResNet extends StagedResNet {
  constructor(readonly depth: CifarResNetDepth, options: ModelOptions = {}) {
    super(cifarLayout(depth, options));
  }
}

export const cifarResNet = (depth: CifarResNetDepth, options: ModelOptions = {}): CifarResNet => new CifarResNet(depth, options);
