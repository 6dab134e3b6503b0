// 2-d convolution over NCHW input (contiguous or channels-last), weight [out, in / groups, kh, kw]
// (torch.nn.Conv2d with padding_mode 'zeros').
import * as E from '../engine/index.js';
import { checkWidth } from './indices.js';
import type { ParameterSlice } from './parameter.js';
import { WeightedLayer } from './weighted-layer.js';

export type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  /** Learnable bias (default true); convs followed by BatchNorm usually pass false. */
  bias?: boolean;
}

const pair = (value: Pair): [number, number] => (typeof value === 'number' ? [value, value] : [value[0], value[1]]);

export class Conv2d extends WeightedLayer {
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true } = options;
    checkWidth('Conv2d', 'inChannels', inChannels);
    checkWidth('Conv2d', 'outChannels', outChannels);
    checkWidth('Conv2d', 'groups', groups);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${groups})`);
    }
    const kernel = pair(kernelSize);
    super(inChannels, outChannels, [outChannels, inChannels / groups, ...kernel], bias);
    this.kernelSize = kernel;
    this.stride = pair(stride);
    this.padding = pair(padding);
    this.dilation = pair(dilation);
    this.groups = groups;
  }

  forward(x: E.Tensor): E.Tensor {
    if (x.ndim !== 4 || x.size(1) !== this.inChannels) {
      throw new RangeError(`${this.toString()}: expected input [N, ${this.inChannels}, H, W], got [${x.shape.join(', ')}]`);
    }
    return E.conv2d(x, this.effectiveValue('weight'), this.effectiveBias(), {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
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
    if (this.groups !== 1) throw new Error(`Conv2d.${op}: only supported for groups = 1, this conv has groups = ${this.groups}`);
  }

  override extraRepr(): string {
    const show = (p: readonly [number, number]): string => (p[0] === p[1] ? `${p[0]}` : `(${p[0]}, ${p[1]})`);
    const parts = [`${this.inChannels}`, `${this.outChannels}`, `kernel_size=${show(this.kernelSize)}`];
    if (this.stride[0] !== 1 || this.stride[1] !== 1) parts.push(`stride=${show(this.stride)}`);
    if (this.padding[0] !== 0 || this.padding[1] !== 0) parts.push(`padding=${show(this.padding)}`);
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) parts.push(`dilation=${show(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}
