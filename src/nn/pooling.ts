// Pooling layers over NCHW input (contiguous or channels-last).
import * as E from '../engine/index.js';
import type { Pair } from './conv.js';
import { Module } from './module.js';

export interface Pool2dOptions {
  /** Default: the kernel size. */
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}

const show = (p: Pair): string => (typeof p === 'number' ? `${p}` : p[0] === p[1] ? `${p[0]}` : `(${p[0]}, ${p[1]})`);

export class MaxPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;

  constructor(
    readonly kernelSize: Pair,
    options: Pool2dOptions & { dilation?: Pair } = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  forward(x: E.Tensor): E.Tensor {
    return E.maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

export class AvgPool2d extends Module {
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(
    readonly kernelSize: Pair,
    options: Pool2dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(x: E.Tensor): E.Tensor {
    return E.avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/** Average over all spatial positions, then flatten: [N, C, H, W] -> [N, C] (adaptive pooling to 1x1). */
export class GlobalAvgPool2d extends Module {
  forward(x: E.Tensor): E.Tensor {
    if (x.ndim !== 4) throw new RangeError(`GlobalAvgPool2d: expected input [N, C, H, W], got [${x.shape.join(', ')}]`);
    return E.flatten(E.adaptiveAvgPool2d(x, 1), 1);
  }
}
