// A user's network on catrain's command line: a small residual CNN for 28x28 greyscale images (a
// 16-channel stem, three basic blocks at 16, 32 and 32 channels, the second halving the resolution,
// global average pooling and one Linear), registered as 'small-resnet' before the CLI runs. It is
// the second network of the short-pilot checks in docs/results.md:
//   node dist/examples/small-resnet.js train --model small-resnet --data fashion-mnist --epochs 3 ...
import { nn, registerModel, runCli } from '../src/index.js';
import type { Tensor } from '../src/engine/index.js';

class SmallResNet extends nn.Module {
  readonly conv1: nn.Conv2d;
  readonly bn1: nn.BatchNorm2d;
  readonly relu: nn.ReLU;
  readonly layer1: nn.Sequential;
  readonly avgpool: nn.GlobalAvgPool2d;
  readonly fc: nn.Linear;

  constructor(inChannels: number, numClasses: number) {
    super();
    this.conv1 = this.registerModule('conv1', nn.conv3x3(inChannels, 16));
    this.bn1 = this.registerModule('bn1', new nn.BatchNorm2d(16));
    this.relu = this.registerModule('relu', new nn.ReLU(true));
    const blocks = new nn.Sequential(new nn.BasicBlock(16, 16), new nn.BasicBlock(16, 32, { stride: 2, shortcutName: 'shortcut' }), new nn.BasicBlock(32, 32));
    this.layer1 = this.registerModule('layer1', blocks);
    this.avgpool = this.registerModule('avgpool', new nn.GlobalAvgPool2d());
    this.fc = this.registerModule('fc', new nn.Linear(32, numClasses));
  }

  forward(x: Tensor): Tensor {
    return this.fc.call(this.avgpool.call(this.layer1.call(this.relu.call(this.bn1.call(this.conv1.call(x))))));
  }
}

registerModel('small-resnet', (options) => new SmallResNet(options.inChannels ?? 1, options.numClasses ?? 10), [1, 28, 28]);
process.exitCode = await runCli(process.argv);
