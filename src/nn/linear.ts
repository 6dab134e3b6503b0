// Fully connected layer y = x W^T + b, with W of shape [out, in] (torch.nn.Linear).
import * as E from '../engine/index.js';
import { checkKeep } from './indices.js';
import { defaultLayerInit_ } from './init.js';
import { Module } from './module.js';
import type { Parameter, ParameterSlice } from './parameter.js';
import type { InputSurgery, OutputSurgery } from './surgery-types.js';

export interface LinearOptions {
  /** Learnable additive bias (default true). */
  bias?: boolean;
}

export class Linear extends Module implements OutputSurgery, InputSurgery {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  private inWidth: number;
  private outWidth: number;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    checkWidth('Linear', 'inFeatures', inFeatures);
    checkWidth('Linear', 'outFeatures', outFeatures);
    this.inWidth = inFeatures;
    this.outWidth = outFeatures;
    this.weight = this.registerParameter('weight', E.empty([outFeatures, inFeatures]));
    this.bias = options.bias === false ? null : this.registerParameter('bias', E.empty([outFeatures]));
    this.resetParameters();
  }

  get inFeatures(): number {
    return this.inWidth;
  }
  get outFeatures(): number {
    return this.outWidth;
  }
  get inChannels(): number {
    return this.inWidth;
  }
  get outChannels(): number {
    return this.outWidth;
  }

  /** PyTorch's default: weight and bias U(-1/sqrt(in), 1/sqrt(in)). */
  resetParameters(): void {
    defaultLayerInit_(this.weight.value, this.bias?.value ?? null);
  }

  forward(x: E.Tensor): E.Tensor {
    if (x.ndim < 1 || x.size(-1) !== this.inWidth) {
      throw new RangeError(`${this.toString()}: expected input [..., ${this.inWidth}], got [${x.shape.join(', ')}]`);
    }
    return E.linear(x, this.effectiveValue('weight'), this.bias === null ? null : this.effectiveValue('bias'));
  }

  /** Keeps output units `indices` (rows of weight, entries of bias). */
  keepOutputs(indices: readonly number[]): ParameterSlice[] {
    checkKeep('Linear.keepOutputs', indices, this.outWidth);
    this.weight.keepAlong(0, indices);
    this.bias?.keepAlong(0, indices);
    this.outWidth = indices.length;
    const slices: ParameterSlice[] = [{ parameter: this.weight, dim: 0, indices }];
    if (this.bias !== null) slices.push({ parameter: this.bias, dim: 0, indices });
    return slices;
  }

  /** Keeps input features `indices` (columns of weight). */
  keepInputs(indices: readonly number[]): ParameterSlice[] {
    checkKeep('Linear.keepInputs', indices, this.inWidth);
    this.weight.keepAlong(1, indices);
    this.inWidth = indices.length;
    return [{ parameter: this.weight, dim: 1, indices }];
  }

  override extraRepr(): string {
    return `${this.inWidth}, ${this.outWidth}${this.bias === null ? ', bias=false' : ''}`;
  }
}

export function checkWidth(layer: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${layer}: ${name} must be a positive integer, got ${String(value)}`);
}
