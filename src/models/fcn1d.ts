// The fully convolutional network for time series of Wang, Yan and Oates (2017), "Time series
// classification from scratch with deep neural networks: a strong baseline", IJCNN 2017
// (arXiv:1611.06455), section 3: three convolution blocks of 128, 256 and 128 filters with kernels 8,
// 5 and 3, each conv + BatchNorm + ReLU with 'same' padding and stride 1, then global average pooling
// over time and a linear classifier. It reads any length, so inputLength only sets its default shape.
import type * as E from '../engine/index.js';
import { BatchNorm1d, Conv1d, GlobalAvgPool1d, Linear, Module, ReLU, Sequential } from '../nn/index.js';
import { checkCount, heInitConvs, type ModelOptions } from './common.js';

/** One conv + BN + ReLU step of the 1-d baselines; no conv bias, since the BatchNorm's shift replaces it. */
export function convNormRelu(inChannels: number, outChannels: number, kernel: number): Sequential {
  return new Sequential(new Conv1d(inChannels, outChannels, kernel, { padding: 'same', bias: false }), new BatchNorm1d(outChannels), new ReLU(true));
}

export const FCN1D_FILTERS = [128, 256, 128] as const;
export const FCN1D_KERNELS = [8, 5, 3] as const;

export interface Fcn1dOptions extends ModelOptions {
  /** The three blocks' filters (default Wang et al.'s 128, 256, 128; narrower ones make quick tests). */
  filters?: readonly [number, number, number];
}

export class Fcn1d extends Module {
  /** block1..block3, each Sequential(conv, bn, relu). */
  readonly blocks: readonly Sequential[];
  readonly avgpool: GlobalAvgPool1d;
  readonly fc: Linear;

  constructor(options: Fcn1dOptions = {}) {
    super();
    let width = checkCount('fcn1d', 'inChannels', options.inChannels ?? 1);
    const numClasses = checkCount('fcn1d', 'numClasses', options.numClasses ?? 2);
    const filterCounts = (options.filters ?? FCN1D_FILTERS).map((f) => checkCount('fcn1d', 'filters', f));
    if (filterCounts.length !== 3) throw new RangeError(`fcn1d: filters must list the 3 blocks' filters, got ${filterCounts.length}`);
    this.blocks = filterCounts.map((filters, i) => {
      const block = this.registerModule(`block${i + 1}`, convNormRelu(width, filters, FCN1D_KERNELS[i] as number));
      width = filters;
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

export const fcn1d = (options: Fcn1dOptions = {}): Fcn1d => new Fcn1d(options);
