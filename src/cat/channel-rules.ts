// How each operator moves channel groups (docs/method.md section 7): one small rule per op kind.
// Anything not listed fixes the groups it reads: an op catrain does not understand is never pruned
// through, so an unknown network trains correctly, only with fewer prunable groups. The rules hold
// for any number of spatial dims (the channel dim is dim 1 of [N, C, L] and of [N, C, H, W] alike),
// so the 1-d ops are the 2-d rule under another name.

export type ChannelRule =
  /** Writes a new group from the weight's output channels (conv1d, conv2d, linear). */
  | 'produce'
  /** Output carries the input's group; zero stays zero (so a gate before it gives an exact 0). */
  | 'pass-zero'
  /** Output carries the input's group, but a zero input may give a non-zero output (BatchNorm). */
  | 'pass'
  /** Elementwise binary: two activations are joined (a residual sum); a constant operand passes. */
  | 'elementwise'
  /** Flatten or reshape: channel c becomes H*W (or L) consecutive features. */
  | 'flatten'
  /** A reduction or squeeze over spatial dims only: the channel dim survives. */
  | 'spatial';

const RULES: Record<string, ChannelRule> = {
  conv1d: 'produce',
  conv2d: 'produce',
  linear: 'produce',
  batch_norm: 'pass',
  relu: 'pass-zero',
  relu_: 'pass-zero',
  hardtanh: 'pass-zero',
  hardtanh_: 'pass-zero',
  leaky_relu: 'pass-zero',
  gelu: 'pass-zero',
  silu: 'pass-zero',
  tanh: 'pass-zero',
  sigmoid: 'pass',
  max_pool1d: 'pass-zero',
  max_pool2d: 'pass-zero',
  avg_pool1d: 'pass-zero',
  avg_pool2d: 'pass-zero',
  adaptive_avg_pool1d: 'pass-zero',
  _adaptive_avg_pool2d: 'pass-zero',
  adaptive_avg_pool2d: 'pass-zero',
  dropout: 'pass-zero',
  contiguous: 'pass-zero',
  clone: 'pass-zero',
  detach: 'pass-zero',
  to: 'pass-zero',
  add: 'elementwise',
  add_: 'elementwise',
  sub: 'elementwise',
  sub_: 'elementwise',
  mul: 'elementwise',
  mul_: 'elementwise',
  div: 'elementwise',
  div_: 'elementwise',
  flatten: 'flatten',
  reshape: 'flatten',
  view: 'flatten',
  mean: 'spatial',
  sum: 'spatial',
  amax: 'spatial',
  squeeze: 'spatial',
  unsqueeze: 'spatial',
};

export const ruleOf = (op: string): ChannelRule | undefined => RULES[op];

/** Convolutions by op name, with the number of spatial dims each reads. */
const CONVOLUTIONS: Record<string, number> = { conv1d: 1, conv2d: 2 };

export const isConvolution = (op: string): boolean => Object.hasOwn(CONVOLUTIONS, op);

/** Elementwise ops with a scalar or constant operand that keep zero at zero (x*k, x/k). */
export const scalesOnly = (op: string): boolean => op.startsWith('mul') || op.startsWith('div');

/**
 * Ops whose output is linear in the input, channel by channel: a multiplier on a channel before
 * them equals the same multiplier after them, value and derivative alike, so a gate can be folded
 * into the weights of the layer that reads their output. A ReLU or max-pool is not: its derivative
 * at a zero input is 0, which would lose the gradient of a gate that was drawn off.
 */
const LINEAR = new Set(['contiguous', 'clone', 'detach', 'to', 'dropout', 'avg_pool1d', 'avg_pool2d', 'adaptive_avg_pool1d', '_adaptive_avg_pool2d', 'adaptive_avg_pool2d', 'flatten', 'reshape', 'view', 'mean', 'sum', 'squeeze', 'unsqueeze']);

export const isLinearPerChannel = (op: string): boolean => LINEAR.has(op) || scalesOnly(op);
