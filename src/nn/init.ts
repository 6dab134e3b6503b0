// Weight initialisation, as torch/nn/init.py. Every function fills a tensor in place under noGrad
// (so it works on parameters that already require gradients) and draws from the engine's seedable
// global generator, so E.manualSeed makes a model's initial weights reproducible.
import * as E from '../engine/index.js';

export type FanMode = 'fan_in' | 'fan_out';
export type Nonlinearity = 'linear' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (torch.nn.init._calculate_fan_in_and_fan_out). */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new RangeError(`init: fan in and fan out need a tensor with at least 2 dimensions, got shape [${shape.join(', ')}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: (shape[1] as number) * receptive, fanOut: (shape[0] as number) * receptive };
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain); `param` is leaky_relu's slope. */
export function calculateGain(nonlinearity: Nonlinearity, param = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + param * param));
  }
}

export interface KaimingOptions {
  /** Negative slope of leaky_relu (only used with nonlinearity 'leaky_relu'); PyTorch's default is 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: E.Tensor, options: KaimingOptions): number {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' } = options;
  const { fanIn, fanOut } = fans(t.shape);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/** U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al. 2015). */
export function kaimingUniform_(t: E.Tensor, options: KaimingOptions = {}): E.Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound);
}

/** N(0, std^2) with std = gain / sqrt(fan) (He et al. 2015). torchvision's ResNets use mode 'fan_out', 'relu'. */
export function kaimingNormal_(t: E.Tensor, options: KaimingOptions = {}): E.Tensor {
  const std = kaimingStd(t, options);
  E.noGrad(() => E.normal_(t, 0, std));
  return t;
}

export function uniform_(t: E.Tensor, low: number, high: number): E.Tensor {
  E.noGrad(() => E.uniform_(t, low, high));
  return t;
}

export function normal_(t: E.Tensor, mean = 0, std = 1): E.Tensor {
  E.noGrad(() => E.normal_(t, mean, std));
  return t;
}

export function constant_(t: E.Tensor, value: number): E.Tensor {
  E.noGrad(() => E.fill_(t, value));
  return t;
}

/**
 * PyTorch's default for Conv2d and Linear (their reset_parameters): kaiming_uniform_(a = sqrt(5)),
 * which works out to U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the weight, and the bias drawn from the
 * same interval. See torch/nn/modules/conv.py and linear.py, and pytorch/pytorch#57109 for the history.
 */
export function defaultLayerInit_(weight: E.Tensor, bias: E.Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const { fanIn } = fans(weight.shape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
