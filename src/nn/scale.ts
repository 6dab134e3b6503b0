// Per-channel multipliers folded into a layer's parameters. Scaling a conv's or a linear's input
// channel c by s_c equals scaling column c of its weight, and scaling a BatchNorm's output channel
// equals scaling its affine weight and bias. Folded, the multiply costs O(weights) instead of a pass
// over the activation and its gradient, which is how CAT's gates stay cheap (docs/cat.md).
import type * as E from '../engine/index.js';
import type { Module } from './module.js';

/**
 * Called at each forward; returns the multiplier for this call or null for none. A function rather
 * than a tensor so the owner can answer by the module's mode (training or eval) at call time.
 */
export type ChannelScale = (module: Module) => E.Tensor | null;

/** `weight` with slice i along `dim` multiplied by scale[i] (scale: 1-d, or 0-d for all of it). */
export function scaleAlong(weight: E.Tensor, scale: E.Tensor, dim: number): E.Tensor {
  if (scale.ndim === 0) return weight.mul(scale);
  const shape = weight.shape.map((size, d) => (d === dim ? size : 1));
  if (scale.numel !== weight.shape[dim]) {
    throw new RangeError(`channel scale of ${scale.numel} entries for a weight of ${weight.shape[dim]} along dim ${dim}`);
  }
  return weight.mul(scale.view(shape));
}
