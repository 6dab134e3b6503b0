// 2-d convolution over NCHW input (contiguous or channels-last), weight [out, in / groups, kh, kw]
// (torch.nn.Conv2d with padding_mode 'zeros').
import * as E from '../engine/index.js';
import { checkKeep } from './indices.js';
import { defaultLayerInit_ } from './init.js';
import { checkWidth } from './linear.js';
import { Module } from './module.js';
import type { Parameter, ParameterSlice } from './parameter.js';
import type { InputSurgery, OutputSurgery } from './surgery-types.js';

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

export class Conv2d extends Module implements OutputSurgery, InputSurgery {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
  private inWidth: number;
  private outWidth: number;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true } = options;
    checkWidth('Conv2d', 'inChannels', inChannels);
    checkWidth('Conv2d', 'outChannels', outChannels);
    checkWidth('Conv2d', 'groups', groups);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${groups})`);
    }
    this.kernelSize = pair(kernelSize);
    this.stride = pair(stride);
    this.padding = pair(padding);
    this.dilation = pair(dilation);
    this.groups = groups;
    this.inWidth = inChannels;
    this.outWidth = outChannels;
    this.weight = this.registerParameter('weight', E.empty([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = bias ? this.registerParameter('bias', E.empty([outChannels])) : null;
    this.resetParameters();
  }

  get inChannels(): number {
    return this.inWidth;
  }
  get outChannels(): number {
    return this.outWidth;
  }

  /** PyTorch's default (conv.py reset_parameters): kaiming_uniform_(a = sqrt(5)), bias U(+-1/sqrt(fan_in)). */
  resetParameters(): void {
    defaultLayerInit_(this.weight.value, this.bias?.value ?? null);
  }

  forward(x: E.Tensor): E.Tensor {
    if (x.ndim !== 4 || x.size(1) !== this.inWidth) {
      throw new RangeError(`${this.toString()}: expected input [N, ${this.inWidth}, H, W], got [${x.shape.join(', ')}]`);
    }
    return E.conv2d(x, this.effectiveValue('weight'), this.bias === null ? null : this.effectiveValue('bias'), {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  /** Keeps filters `indices` (dim 0 of weight, entries of bias). Only for groups = 1. */
  keepOutputs(indices: readonly number[]): ParameterSlice[] {
    this.checkUngrouped('keepOutputs');
    checkKeep('Conv2d.keepOutputs', indices, this.outWidth);
    this.weight.keepAlong(0, indices);
    this.bias?.keepAlong(0, indices);
    this.outWidth = indices.length;
    const slices: ParameterSlice[] = [{ parameter: this.weight, dim: 0, indices }];
    if (this.bias !== null) slices.push({ parameter: this.bias, dim: 0, indices });
    return slices;
  }

  /** Keeps input channels `indices` (dim 1 of weight). Only for groups = 1. */
  keepInputs(indices: readonly number[]): ParameterSlice[] {
    this.checkUngrouped('keepInputs');
    checkKeep('Conv2d.keepInputs', indices, this.inWidth);
    this.weight.keepAlong(1, indices);
    this.inWidth = indices.length;
    return [{ parameter: this.weight, dim: 1, indices }];
  }

  private checkUngrouped(op: string): void {
    // A grouped conv couples input and output channels group by group; CAT gates plain convs only
    // (docs/method.md section 3: MACs are counted for ungrouped convs).
    if (this.groups !== 1) throw new Error(`Conv2d.${op}: only supported for groups = 1, this conv has groups = ${this.groups}`);
  }

  override extraRepr(): string {
    const show = (p: readonly [number, number]): string => (p[0] === p[1] ? `${p[0]}` : `(${p[0]}, ${p[1]})`);
    const parts = [`${this.inWidth}`, `${this.outWidth}`, `kernel_size=${show(this.kernelSize)}`];
    if (this.stride[0] !== 1 || this.stride[1] !== 1) parts.push(`stride=${show(this.stride)}`);
    if (this.padding[0] !== 0 || this.padding[1] !== 0) parts.push(`padding=${show(this.padding)}`);
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) parts.push(`dilation=${show(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push('bias=false');
    return parts.join(', ');
  }
}
