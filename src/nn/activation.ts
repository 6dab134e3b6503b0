// Stateless elementwise layers. A ReLU is a module (not a bare function) so that a unit gate can later
// be attached after it with a forward hook: docs/method.md section 2 places unit gates after the
// nonlinearity, where a 0 gate gives an exact zero.
import * as E from '../engine/index.js';
import { Module } from './module.js';

export class ReLU extends Module {
  /**
   * In place overwrites the input instead of allocating an output, as torchvision's ReLU(inplace=True):
   * only for an input nothing else reads (a BatchNorm output, whose backward does not need it).
   */
  constructor(readonly inplace = false) {
    super();
  }

  forward(x: E.Tensor): E.Tensor {
    if (!this.inplace) return E.relu(x);
    E.relu_(x);
    return x;
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=true' : '';
  }
}

/** Returns its input unchanged (a no-op shortcut, or a placeholder for a removed layer). */
export class Identity extends Module {
  forward(x: E.Tensor): E.Tensor {
    return x;
  }
}

/** Zeroes each element with probability p while training and rescales the rest by 1/(1-p). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: p must be in [0, 1], got ${p}`);
  }

  forward(x: E.Tensor): E.Tensor {
    return E.dropout(x, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** Flattens dims startDim..endDim into one (default: everything but the batch dim). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: E.Tensor): E.Tensor {
    // reshape semantics: a channels-last input is copied into row-major (C, H, W) order, so the
    // flattened feature order is the same as for a contiguous input.
    return E.flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return this.startDim === 1 && this.endDim === -1 ? '' : `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
