// Pooling layers over [N, C, L] (the 1d ones) and NCHW input, contiguous or channels-last (the 2d
// ones). Each kind is one class parameterised by the engine op of its rank, so a rank is one line.
import * as E from '../engine/index.js';
import type { Pair, Single } from './conv.js';
import { Module } from './module.js';

export interface PoolOptions<Size> {
  /** Default: the kernel size. */
  stride?: Size;
  padding?: Size;
  ceilMode?: boolean;
}

export type Pool1dOptions = PoolOptions<Single>;
export type Pool2dOptions = PoolOptions<Pair>;

const show = (p: number | readonly number[]): string => (typeof p === 'number' ? `${p}` : p.every((v) => v === p[0]) ? `${p[0]}` : `(${p.join(', ')})`);

function checkRank(module: Module, x: E.Tensor, rank: number): void {
  if (x.ndim !== rank) throw new RangeError(`${module.kind}: expected input ${rank === 3 ? '[N, C, L]' : '[N, C, H, W]'}, got [${x.shape.join(', ')}]`);
}

type MaxPoolOp<Size> = (x: E.Tensor, kernelSize: Size, options: { stride: Size; padding: Size; dilation: Size; ceilMode: boolean }) => E.Tensor;

abstract class MaxPool<Size extends number | readonly number[]> extends Module {
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly ceilMode: boolean;
  protected abstract readonly rank: number;
  protected abstract readonly pool: MaxPoolOp<Size>;

  constructor(
    readonly kernelSize: Size,
    options: PoolOptions<Size> & { dilation?: Size } = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? (0 as Size);
    this.dilation = options.dilation ?? (1 as Size);
    this.ceilMode = options.ceilMode ?? false;
  }

  forward(x: E.Tensor): E.Tensor {
    checkRank(this, x, this.rank);
    return this.pool(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

type AvgPoolOp<Size> = (x: E.Tensor, kernelSize: Size, options: { stride: Size; padding: Size; ceilMode: boolean; countIncludePad: boolean }) => E.Tensor;

abstract class AvgPool<Size extends number | readonly number[]> extends Module {
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  protected abstract readonly rank: number;
  protected abstract readonly pool: AvgPoolOp<Size>;

  constructor(
    readonly kernelSize: Size,
    options: PoolOptions<Size> & { countIncludePad?: boolean } = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? (0 as Size);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(x: E.Tensor): E.Tensor {
    checkRank(this, x, this.rank);
    return this.pool(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

export class MaxPool1d extends MaxPool<Single> {
  protected readonly rank = 3;
  protected readonly pool: MaxPoolOp<Single> = E.maxPool1d;
}

export class MaxPool2d extends MaxPool<Pair> {
  protected readonly rank = 4;
  protected readonly pool: MaxPoolOp<Pair> = E.maxPool2d;
}

export class AvgPool1d extends AvgPool<Single> {
  protected readonly rank = 3;
  protected readonly pool: AvgPoolOp<Single> = E.avgPool1d;
}

export class AvgPool2d extends AvgPool<Pair> {
  protected readonly rank = 4;
  protected readonly pool: AvgPoolOp<Pair> = E.avgPool2d;
}

/** Averages [N, C, L] into `outputSize` steps, each over the span of input steps it covers. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) {
    super();
    if (!Number.isSafeInteger(outputSize) || outputSize < 1) throw new RangeError(`AdaptiveAvgPool1d: outputSize must be a positive integer, got ${String(outputSize)}`);
  }

  forward(x: E.Tensor): E.Tensor {
    checkRank(this, x, 3);
    return E.adaptiveAvgPool1d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}

abstract class GlobalAvgPool extends Module {
  protected abstract readonly rank: number;
  protected abstract readonly pool: (x: E.Tensor, outputSize: 1) => E.Tensor;

  forward(x: E.Tensor): E.Tensor {
    checkRank(this, x, this.rank);
    return E.flatten(this.pool(x, 1), 1);
  }
}

/** Average over all time steps, then flatten: [N, C, L] -> [N, C] (adaptive pooling to length 1). */
export class GlobalAvgPool1d extends GlobalAvgPool {
  protected readonly rank = 3;
  protected readonly pool = E.adaptiveAvgPool1d;
}

/** Average over all spatial positions, then flatten: [N, C, H, W] -> [N, C] (adaptive pooling to 1x1). */
export class GlobalAvgPool2d extends GlobalAvgPool {
  protected readonly rank = 4;
  protected readonly pool = E.adaptiveAvgPool2d;
}
