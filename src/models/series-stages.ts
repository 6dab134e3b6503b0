// What Wang et al.'s two 1-d baselines (fcn1d, resnet1d) share: three stages of given widths, each
// made by the model from the width before it, then global average pooling over time and a linear
// classifier, He-initialised like catrain's other convolutional models.
import type * as E from '../engine/index.js';
import { GlobalAvgPool1d, Linear, Module } from '../nn/index.js';
import { checkCount, heInitConvs, type ModelOptions } from './common.js';

export abstract class SeriesStages<Stage extends Module> extends Module {
  /** The stages in order, registered as `${prefix}1`..`${prefix}3`. */
  readonly blocks: readonly Stage[];
  readonly avgpool: GlobalAvgPool1d;
  readonly fc: Linear;

  /** `widths` is the option `widthOption` of the model (its name in errors). */
  protected constructor(model: string, options: ModelOptions, prefix: string, widthOption: string, widths: readonly number[], makeStage: (inWidth: number, width: number, index: number) => Stage) {
    super();
    let width = checkCount(model, 'inChannels', options.inChannels ?? 1);
    const numClasses = checkCount(model, 'numClasses', options.numClasses ?? 2);
    const checked = widths.map((w) => checkCount(model, widthOption, w));
    if (checked.length !== 3) throw new RangeError(`${model}: ${widthOption} must list the 3 blocks' widths, got ${checked.length}`);
    this.blocks = checked.map((stageWidth, i) => {
      const stage = this.registerModule(`${prefix}${i + 1}`, makeStage(width, stageWidth, i));
      width = stageWidth;
      return stage;
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
