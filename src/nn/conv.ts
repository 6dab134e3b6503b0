// Convolutions over [N, C, L] (Conv1d) and NCHW input, contiguous or channels-last (Conv2d), with weight
// [out, in / groups, ...kernel] (torch.nn.Conv1d and Conv2d with padding_mode 'zeros'). Both are one
// class, Convolution, parameterised by the number of spatial dims, so surgery, channel scaling, MAC
// counting and CAT's rules are written once for every rank.
import * as E from '../engine/index.js';
import { checkWidth } from './indices.js';
import type { ParameterSlice } from './parameter.js';
import { WeightedLayer } from './weighted-layer.js';

export type Pair = number | readonly [number, number];
export type Single = number | readonly [number];
/** PyTorch's string paddings: 'same' keeps the length (stride 1 only), 'valid' pads nothing. */
export type PaddingMode = E.PaddingMode;

export interface ConvOptions<Size> {
  stride?: Size;
  /** Zero padding on both sides of every spatial dim, or 'same' / 'valid'. */
  padding?: Size | PaddingMode;
  dilation?: Size;
  groups?: number;
  /** Learnable bias (default true); convs followed by BatchNorm usually pass false. */
  bias?: boolean;
}

export type Conv1dOptions = ConvOptions<Single>;
export type Conv2dOptions = ConvOptions<Pair>;

type Dims = readonly [number] | readonly [number, number];

export abstract class Convolution<D extends Dims = Dims> extends WeightedLayer {
  readonly kernelSize: D;
  readonly stride: D;
  /** Zero padding before each spatial dim (for 'same' with an even kernel, one less than after). */
  readonly padding: D;
  /** Zero padding after each spatial dim; equal to `padding` unless 'same' met an even kernel. */
  readonly paddingEnd: D;
  readonly dilation: D;
  readonly groups: number;
  /** The rank of the input this layer reads (3 for Conv1d, 4 for Conv2d). */
  abstract readonly inputRank: number;
  private readonly asymmetric: boolean;

  // Public although the class is abstract, so that the class itself can key nn's registries.
  constructor(dims: D['length'], inChannels: number, outChannels: number, kernelSize: number | D, options: ConvOptions<number | D>) {
    const kind = new.target.name;
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true } = options;
    checkWidth(kind, 'inChannels', inChannels);
    checkWidth(kind, 'outChannels', outChannels);
    checkWidth(kind, 'groups', groups);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`${kind}: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${groups})`);
    }
    const sizes = (value: number | D, name: string): D => {
      const list = typeof value === 'number' ? Array.from({ length: dims }, () => value) : [...value];
      if (list.length !== dims || !list.every((v) => Number.isSafeInteger(v) && v >= (name === 'padding' ? 0 : 1))) {
        throw new RangeError(`${kind}: ${name} must be ${name === 'padding' ? 'a non-negative' : 'a positive'} integer or ${dims} of them, got ${JSON.stringify(value)}`);
      }
      return list as unknown as D;
    };
    const kernel = sizes(kernelSize, 'kernelSize');
    super(inChannels, outChannels, [outChannels, inChannels / groups, ...kernel], bias);
    this.kernelSize = kernel;
    this.stride = sizes(stride, 'stride');
    this.dilation = sizes(dilation, 'dilation');
    this.groups = groups;
    if (padding === 'same') {
      if (this.stride.some((s) => s !== 1)) throw new RangeError(`${kind}: padding 'same' needs stride 1, got stride ${JSON.stringify(stride)}; give the padding as a number instead`);
      // As PyTorch: the total padding dilation * (k - 1), the odd step at the end.
      const total = kernel.map((k, i) => (this.dilation[i] as number) * (k - 1));
      this.padding = total.map((t) => Math.floor(t / 2)) as unknown as D;
      this.paddingEnd = total.map((t) => t - Math.floor(t / 2)) as unknown as D;
    } else {
      this.padding = this.paddingEnd = sizes(padding === 'valid' ? 0 : padding, 'padding');
    }
    this.asymmetric = this.padding.some((p, i) => p !== this.paddingEnd[i]);
  }

  /** The settings this layer was built with, to build one like it at other widths. */
  settings(): ConvOptions<D> {
    return { stride: this.stride, padding: this.asymmetric ? 'same' : this.padding, dilation: this.dilation, groups: this.groups, bias: this.bias !== null };
  }

  /** The engine's convolution of this rank. */
  protected abstract convolve(x: E.Tensor, weight: E.Tensor, bias: E.Tensor | null, padding: D | 'same'): E.Tensor;

  forward(x: E.Tensor): E.Tensor {
    if (x.ndim !== this.inputRank || x.size(1) !== this.inChannels) {
      const spatial = this.inputRank === 3 ? 'L' : 'H, W';
      throw new RangeError(`${this.toString()}: expected input [N, ${this.inChannels}, ${spatial}], got [${x.shape.join(', ')}]`);
    }
    // Symmetric padding goes as numbers, so a trace and an export see plain pads; only the uneven
    // 'same' needs libtorch's string overload.
    return this.convolve(x, this.effectiveValue('weight'), this.effectiveBias(), this.asymmetric ? 'same' : this.padding);
  }

  /** Keeps filters `indices` (dim 0 of weight, entries of bias). Only for groups = 1. */
  override keepOutputs(indices: readonly number[]): ParameterSlice[] {
    this.checkUngrouped('keepOutputs');
    return super.keepOutputs(indices);
  }

  /** Keeps input channels `indices` (dim 1 of weight). Only for groups = 1. */
  override keepInputs(indices: readonly number[]): ParameterSlice[] {
    this.checkUngrouped('keepInputs');
    return super.keepInputs(indices);
  }

  private checkUngrouped(op: string): void {
    // A grouped conv couples input and output channels group by group; CAT gates plain convs only
    // (docs/method.md section 3: MACs are counted for ungrouped convs).
    if (this.groups !== 1) throw new Error(`${this.kind}.${op}: only supported for groups = 1, this conv has groups = ${this.groups}`);
  }

  override extraRepr(): string {
    const show = (p: Dims): string => (p.every((v) => v === p[0]) ? `${p[0]}` : `(${p.join(', ')})`);
    const parts = [`${this.inChannels}`, `${this.outChannels}`, `kernel_size=${show(this.kernelSize)}`];
    if (this.stride.some((v) => v !== 1)) parts.push(`stride=${show(this.stride)}`);
    if (this.asymmetric) parts.push("padding='same'");
    else if (this.padding.some((v) => v !== 0)) parts.push(`padding=${show(this.padding)}`);
    if (this.dilation.some((v) => v !== 1)) parts.push(`dilation=${show(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}

/** Convolution along the time axis of [N, C, L]. */
export class Conv1d extends Convolution<readonly [number]> {
  readonly inputRank = 3;

  constructor(inChannels: number, outChannels: number, kernelSize: Single, options: Conv1dOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }

  protected convolve(x: E.Tensor, weight: E.Tensor, bias: E.Tensor | null, padding: readonly [number] | 'same'): E.Tensor {
    return E.conv1d(x, weight, bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}

export class Conv2d extends Convolution<readonly [number, number]> {
  readonly inputRank = 4;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }

  protected convolve(x: E.Tensor, weight: E.Tensor, bias: E.Tensor | null, padding: readonly [number, number] | 'same'): E.Tensor {
    return E.conv2d(x, weight, bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}
