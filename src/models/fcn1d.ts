// The fully convolutional network for time series of Wang, Yan and Oates (2017), "Time series
// classification from scratch with deep neural networks: a strong baseline", IJCNN 2017
// (arXiv:1611.06455), section 3: three convolution blocks of 128, 256 and 128 filters with kernels 8,
// 5 and 3, each conv + BatchNorm + ReLU with 'same' padding and stride 1, then global average pooling
// over time and a linear classifier. It reads any length, so inputLength only sets its default shape.
import { BatchNorm1d, Conv1d, ReLU, Sequential } from '../nn/index.js';
import type { ModelOptions } from './common.js';
import { SeriesStages } from './series-stages.js';

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

export class Fcn1d extends SeriesStages<Sequential> {
  constructor(options: Fcn1dOptions = {}) {
    super('fcn1d', options, 'block', 'filters', options.filters ?? FCN1D_FILTERS, (inWidth, filters, i) => convNormRelu(inWidth, filters, FCN1D_KERNELS[i] as number));
  }
}

export const fcn1d = (options: Fcn1dOptions = {}): Fcn1d => new Fcn1d(options);
