// Fully connected layer y = x W^T + b, with W of shape [out, in] (torch.nn.Linear).
import * as E from '../engine/index.js';
import { checkWidth } from './indices.js';
import { WeightedLayer } from './weighted-layer.js';

export interface LinearOptions {
  /** Learnable additive bias (default true). */
  bias?: boolean;
}

export class Linear extends WeightedLayer {
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    checkWidth('Linear', 'inFeatures', inFeatures);
    checkWidth('Linear', 'outFeatures', outFeatures);
    super(inFeatures, outFeatures, [outFeatures, inFeatures], options.bias !== false);
  }

  get inFeatures(): number {
    return this.inChannels;
  }
  get outFeatures(): number {
    return this.outChannels;
  }

  forward(x: E.Tensor): E.Tensor {
    if (x.ndim < 1 || x.size(-1) !== this.inChannels) {
      throw new RangeError(`${this.toString()}: expected input [..., ${this.inChannels}], got [${x.shape.join(', ')}]`);
    }
    return E.linear(x, this.effectiveValue('weight'), this.effectiveBias());
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}${this.bias === null ? ', bias=false' : ''}`;
  }
}
