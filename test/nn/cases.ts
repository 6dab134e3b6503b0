// The table of module kinds that drives the generic tests (as PyTorch's test/test_modules.py).
import {
  AdaptiveAvgPool1d, AvgPool1d, AvgPool2d, BasicBlock, BatchNorm1d, BatchNorm2d, Bottleneck, Conv1d, Conv2d, Dropout, Flatten,
  GlobalAvgPool1d, GlobalAvgPool2d, Identity, Linear, MaxPool1d, MaxPool2d, type Module, ReLU, Sequential,
} from '../../src/nn/index.js';
import { SeriesResidualBlock } from '../../src/models/index.js';

export interface ModuleCase {
  name: string;
  make: () => Module;
  /** Input shape including the batch dim. */
  input: readonly number[];
  /** Expected state-dict keys, in order. */
  keys: readonly string[];
  /** Output differs between train and eval (batch statistics, dropout). */
  modeDependent: boolean;
}

const BN = ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'];
const bnKeys = (prefix: string): string[] => BN.map((k) => `${prefix}.${k}`);

export const CASES: readonly ModuleCase[] = [
  { name: 'Linear', make: () => new Linear(5, 3), input: [4, 5], keys: ['weight', 'bias'], modeDependent: false },
  { name: 'Linear without bias, 3-d input', make: () => new Linear(5, 3, { bias: false }), input: [2, 4, 5], keys: ['weight'], modeDependent: false },
  { name: 'Conv2d', make: () => new Conv2d(3, 4, 3, { stride: 2, padding: 1, bias: false }), input: [2, 3, 7, 7], keys: ['weight'], modeDependent: false },
  { name: 'Conv2d dilated, grouped', make: () => new Conv2d(4, 6, [3, 1], { dilation: 2, groups: 2, padding: [2, 0] }), input: [2, 4, 6, 5], keys: ['weight', 'bias'], modeDependent: false },
  { name: 'Conv1d', make: () => new Conv1d(3, 4, 3, { stride: 2, padding: 1, bias: false }), input: [2, 3, 9], keys: ['weight'], modeDependent: false },
  { name: 'Conv1d same, dilated, grouped', make: () => new Conv1d(4, 6, 4, { dilation: 2, groups: 2, padding: 'same' }), input: [2, 4, 11], keys: ['weight', 'bias'], modeDependent: false },
  { name: 'BatchNorm1d', make: () => new BatchNorm1d(4), input: [6, 4], keys: BN, modeDependent: true },
  { name: 'BatchNorm1d on [N, C, L]', make: () => new BatchNorm1d(3, { momentum: null }), input: [4, 3, 5], keys: BN, modeDependent: true },
  { name: 'BatchNorm2d', make: () => new BatchNorm2d(3), input: [4, 3, 5, 5], keys: BN, modeDependent: true },
  { name: 'BatchNorm2d without affine', make: () => new BatchNorm2d(3, { affine: false }), input: [4, 3, 5, 5], keys: BN.slice(2), modeDependent: true },
  { name: 'BatchNorm2d without running stats', make: () => new BatchNorm2d(3, { trackRunningStats: false }), input: [4, 3, 5, 5], keys: BN.slice(0, 2), modeDependent: false },
  { name: 'ReLU', make: () => new ReLU(), input: [3, 4], keys: [], modeDependent: false },
  { name: 'MaxPool2d', make: () => new MaxPool2d(3, { stride: 2, padding: 1 }), input: [2, 3, 8, 8], keys: [], modeDependent: false },
  { name: 'AvgPool2d', make: () => new AvgPool2d(2), input: [2, 3, 8, 8], keys: [], modeDependent: false },
  { name: 'GlobalAvgPool2d', make: () => new GlobalAvgPool2d(), input: [2, 3, 5, 5], keys: [], modeDependent: false },
  { name: 'MaxPool1d', make: () => new MaxPool1d(3, { stride: 2, padding: 1 }), input: [2, 3, 10], keys: [], modeDependent: false },
  { name: 'AvgPool1d', make: () => new AvgPool1d(2), input: [2, 3, 10], keys: [], modeDependent: false },
  { name: 'AdaptiveAvgPool1d', make: () => new AdaptiveAvgPool1d(3), input: [2, 3, 10], keys: [], modeDependent: false },
  { name: 'GlobalAvgPool1d', make: () => new GlobalAvgPool1d(), input: [2, 3, 7], keys: [], modeDependent: false },
  { name: 'Flatten', make: () => new Flatten(), input: [2, 3, 4, 4], keys: [], modeDependent: false },
  { name: 'Dropout', make: () => new Dropout(0.5), input: [4, 64], keys: [], modeDependent: true },
  { name: 'Identity', make: () => new Identity(), input: [2, 3], keys: [], modeDependent: false },
  {
    name: 'Sequential conv-bn-relu',
    make: () => new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU()),
    input: [2, 3, 6, 6],
    keys: ['0.weight', '0.bias', ...bnKeys('1')],
    modeDependent: true,
  },
  {
    name: 'BasicBlock with projection',
    make: () => new BasicBlock(4, 8, { stride: 2, shortcutName: 'shortcut' }),
    input: [2, 4, 8, 8],
    keys: ['conv1.weight', ...bnKeys('bn1'), 'conv2.weight', ...bnKeys('bn2'), 'shortcut.0.weight', ...bnKeys('shortcut.1')],
    modeDependent: true,
  },
  {
    name: 'resnet1d block with a BatchNorm shortcut',
    make: () => new SeriesResidualBlock(4, 4),
    input: [2, 4, 12],
    keys: ['conv1.weight', ...bnKeys('bn1'), 'conv2.weight', ...bnKeys('bn2'), 'conv3.weight', ...bnKeys('bn3'), ...bnKeys('shortcut')],
    modeDependent: true,
  },
  {
    name: 'Bottleneck with identity shortcut',
    make: () => new Bottleneck(8, 2),
    input: [2, 8, 6, 6],
    keys: ['conv1.weight', ...bnKeys('bn1'), 'conv2.weight', ...bnKeys('bn2'), 'conv3.weight', ...bnKeys('bn3')],
    modeDependent: true,
  },
];
