// What a convolution and a fully connected layer share: a weight whose dim 0 holds the output
// channels and dim 1 the input channels, an optional bias per output, PyTorch's default
// initialisation, and surgery on both sides. Forward reads the weights through effectiveValue, so a
// parametrization (a channel scale) applies without the layer knowing of it.
import * as E from '../engine/index.js';
import { checkKeep } from './indices.js';
import { defaultLayerInit_ } from './init.js';
import { Module } from './module.js';
import type { Parameter, ParameterSlice } from './parameter.js';
import type { InputSurgery, OutputSurgery } from './surgery-types.js';

export abstract class WeightedLayer extends Module implements OutputSurgery, InputSurgery {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  private inWidth: number;
  private outWidth: number;

  /** `weightShape` starts [outChannels, ...]; the bias, when there is one, has outChannels entries. */
  protected constructor(inChannels: number, outChannels: number, weightShape: readonly number[], bias: boolean) {
    super();
    this.inWidth = inChannels;
    this.outWidth = outChannels;
    this.weight = this.registerParameter('weight', E.empty(weightShape));
    this.bias = bias ? this.registerParameter('bias', E.empty([outChannels])) : null;
    this.resetParameters();
  }

  get inChannels(): number {
    return this.inWidth;
  }
  get outChannels(): number {
    return this.outWidth;
  }

  /** PyTorch's default (reset_parameters of Linear and Conv): kaiming_uniform_(a = sqrt(5)), bias U(+-1/sqrt(fan_in)). */
  resetParameters(): void {
    defaultLayerInit_(this.weight.value, this.bias?.value ?? null);
  }

  /** The bias as forward uses it, or null. */
  protected effectiveBias(): E.Tensor | null {
    return this.bias === null ? null : this.effectiveValue('bias');
  }

  /** Keeps output channels `indices` (dim 0 of weight, entries of bias). */
  keepOutputs(indices: readonly number[]): ParameterSlice[] {
    checkKeep(`${this.kind}.keepOutputs`, indices, this.outWidth);
    this.weight.keepAlong(0, indices);
    this.bias?.keepAlong(0, indices);
    this.outWidth = indices.length;
    const slices: ParameterSlice[] = [{ parameter: this.weight, dim: 0, indices }];
    if (this.bias !== null) slices.push({ parameter: this.bias, dim: 0, indices });
    return slices;
  }

  /** Keeps input channels `indices` (dim 1 of weight). */
  keepInputs(indices: readonly number[]): ParameterSlice[] {
    checkKeep(`${this.kind}.keepInputs`, indices, this.inWidth);
    this.weight.keepAlong(1, indices);
    this.inWidth = indices.length;
    return [{ parameter: this.weight, dim: 1, indices }];
  }
}
