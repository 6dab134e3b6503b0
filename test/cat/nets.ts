// Networks defined by a user, not by the zoo: the structure graph must handle them without any
// per-architecture code (issue: "a user's own network gets CAT as a zoo model does").
import * as E from '../../src/engine/index.js';
import { BatchNorm2d, Conv2d, Linear, Module, ReLU, ResidualBlock, Sequential, conv3x3 } from '../../src/nn/index.js';

interface TinyBranch {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  act: ReLU;
  conv2: Conv2d;
  bn2: BatchNorm2d;
}

/** A residual block of the user's own: same shape as a basic block, its own names. */
export class TinyBlock extends ResidualBlock<TinyBranch> {
  constructor(inPlanes: number, planes: number, stride = 1) {
    super(inPlanes, planes, { conv1: conv3x3(inPlanes, planes, stride), bn1: new BatchNorm2d(planes), act: new ReLU(), conv2: conv3x3(planes, planes), bn2: new BatchNorm2d(planes) }, { stride, shortcutName: 'shortcut' });
  }

  protected forwardBranch(b: TinyBranch, x: E.Tensor): E.Tensor {
    return b.bn2.call(b.conv2.call(b.act.call(b.bn1.call(b.conv1.call(x)))));
  }
}

/**
 * stem conv-BN, functional ReLU, two stages of residual blocks, functional global average pooling and
 * flatten, and a classifier: modules and functional ops mixed, as a user would write it.
 */
export class TinyResNet extends Module {
  readonly stem: Conv2d;
  readonly bn: BatchNorm2d;
  readonly blocks: Sequential;
  readonly head: Linear;

  constructor(inChannels = 1, classes = 4, widths: readonly [number, number] = [8, 16]) {
    super();
    this.stem = this.registerModule('stem', conv3x3(inChannels, widths[0]));
    this.bn = this.registerModule('bn', new BatchNorm2d(widths[0]));
    this.blocks = this.registerModule('blocks', new Sequential(new TinyBlock(widths[0], widths[0]), new TinyBlock(widths[0], widths[1], 2), new TinyBlock(widths[1], widths[1])));
    this.head = this.registerModule('head', new Linear(widths[1], classes));
  }

  forward(x: E.Tensor): E.Tensor {
    const y = this.blocks.call(E.relu(this.bn.call(this.stem.call(x))));
    return this.head.call(E.flatten(y.mean([2, 3], true), 1));
  }
}

/** A plain CNN with functional ReLUs after BatchNorm, max pooling and a flatten into two linears. */
export class FunctionalCnn extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor() {
    super();
    this.conv = this.registerModule('conv', new Conv2d(1, 6, 3, { padding: 1, bias: false }));
    this.bn = this.registerModule('bn', new BatchNorm2d(6));
    this.fc1 = this.registerModule('fc1', new Linear(6 * 4 * 4, 12));
    this.fc2 = this.registerModule('fc2', new Linear(12, 3));
  }

  forward(x: E.Tensor): E.Tensor {
    const h = E.maxPool2d(E.relu(this.bn.call(this.conv.call(x))), 2);
    return this.fc2.call(E.relu(this.fc1.call(h.flatten(1))));
  }
}
