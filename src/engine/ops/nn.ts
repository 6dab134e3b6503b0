// Neural-network operators: dense and convolution layers, normalisation, pooling, losses.
import { aten, callTensor, callTensorAs, type AtenOp } from '../aten.js';
import type { Tensor } from '../tensor.js';

export type Pair = number | readonly [number, number];
export type Single = number | readonly [number];
/** Explicit zero padding per spatial side, or PyTorch's 'same' (output as long as the input; stride 1) and 'valid' (none). */
export type PaddingMode = 'same' | 'valid';
export type Reduction = 'mean' | 'sum' | 'none';

// at::Reduction codes.
const REDUCTION: Record<Reduction, number> = { none: 0, mean: 1, sum: 2 };

function reductionCode(op: string, reduction: Reduction): number {
  const code = REDUCTION[reduction];
  if (code === undefined) throw new TypeError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  return code;
}

const LINEAR = aten('linear');
const MATMUL = aten('matmul');
const MM = aten('mm');
const CONV1D = aten('conv1d');
const CONV2D = aten('conv2d');
// The overloads that take the padding as a string, as observers see a 'same' convolution that pads
// one more step at the end than at the start (an even kernel), which no symmetric int padding gives.
const CONV1D_PADDING = aten('conv1d', 'padding');
const CONV2D_PADDING = aten('conv2d', 'padding');
const CONSTANT_PAD_ND = aten('constant_pad_nd');
const SLICE = aten('slice', 'Tensor');
const BATCH_NORM = aten('batch_norm');
const MAX_POOL2D = aten('max_pool2d');
const AVG_POOL2D = aten('avg_pool2d');
const MAX_POOL1D = aten('max_pool1d');
const AVG_POOL1D = aten('avg_pool1d');
// The composite is fine in 1-d: [N, C, L] tensors have no channels-last layout, so the NCHW gradient
// of its `mean` path meets no strided kernel (the reason the 2-d pool below calls the native kernel).
const ADAPTIVE_AVG_POOL1D = aten('adaptive_avg_pool1d');
// The native kernel, not the `adaptive_avg_pool2d` composite: for a 1x1 output the composite becomes
// `mean`, whose backward hands the next op an NCHW gradient; meeting a channels-last activation, that
// op (a ReLU backward in every ResNet) takes a strided path about 10x slower than a dense one.
const ADAPTIVE_AVG_POOL2D = aten('_adaptive_avg_pool2d');
const LOG_SOFTMAX = aten('log_softmax', 'int');
const SOFTMAX = aten('softmax', 'int');
const CROSS_ENTROPY = aten('cross_entropy_loss');
const NLL_LOSS = aten('nll_loss');
const DROPOUT = aten('dropout');

/** x @ weight^T + bias, with weight of shape [out, in]. */
export const linear = (x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor => callTensor(LINEAR, x, weight, bias);
export const matmul = (a: Tensor, b: Tensor): Tensor => callTensor(MATMUL, a, b);
export const mm = (a: Tensor, b: Tensor): Tensor => callTensor(MM, a, b);

export interface Conv1dOptions {
  stride?: Single;
  padding?: Single | PaddingMode;
  dilation?: Single;
  groups?: number;
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair | PaddingMode;
  dilation?: Pair;
  groups?: number;
}

/**
 * 1-d convolution of [N, C, L] input with weight [out, in / groups, k]. Inputs of this rank have no
 * channels-last layout, so the strided 1x1 case that conv2d works around below does not arise.
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  if (typeof padding === 'string') return stringPadded(CONV1D, CONV1D_PADDING, [x, weight, bias, stride, padding, dilation, groups]);
  return callTensor(CONV1D, x, weight, bias, stride, padding, dilation, groups);
}

type StringPaddedArgs = [x: Tensor, weight: Tensor, bias: Tensor | null, stride: Single | Pair, padding: PaddingMode, dilation: Single | Pair, groups: number];

/**
 * A convolution with padding 'same' or 'valid' as int paddings: symmetric ones go to the int
 * overload; an uneven 'same' pads the input first, as libtorch's string overload does inside, but
 * without the warning that libtorch prints to stderr each time a process meets one. Observers see
 * the string overload either way, so a trace or an export knows the padding is 'same'.
 */
function stringPadded(intOp: AtenOp, stringOp: AtenOp, args: StringPaddedArgs): Tensor {
  const [x, weight, bias, stride, padding, dilation, groups] = args;
  const dims = weight.ndim - 2;
  const dilations = typeof dilation === 'number' ? Array<number>(dims).fill(dilation) : [...dilation];
  const strides = typeof stride === 'number' ? Array<number>(dims).fill(stride) : [...stride];
  if (padding !== 'same' && padding !== 'valid') throw new TypeError(`convolution: padding must be a number, 'same' or 'valid', got '${String(padding)}'`);
  if (padding === 'valid') return callTensor(intOp, x, weight, bias, stride, 0, dilation, groups);
  if (strides.some((v) => v !== 1)) throw new RangeError(`convolution: padding 'same' needs stride 1, got [${strides.join(', ')}]`);
  // As PyTorch: dilation * (k - 1) in all, the odd step at the end.
  const totals = dilations.map((d, i) => d * (weight.size(2 + i) - 1));
  const before = totals.map((t) => Math.floor(t / 2));
  if (totals.every((t, i) => t === 2 * (before[i] as number))) return callTensor(intOp, x, weight, bias, stride, before, dilation, groups);
  return callTensorAs(stringOp, args, () => {
    // constant_pad_nd lists (before, after) from the last dim back.
    const pads = before.flatMap((b, i) => [b, (totals[i] as number) - b]);
    const padList: number[] = [];
    for (let i = dims - 1; i >= 0; i--) padList.push(pads[2 * i] as number, pads[2 * i + 1] as number);
    const padded = callTensor(CONSTANT_PAD_ND, x, padList, 0);
    try {
      return callTensor(intOp, padded, weight, bias, stride, 0, dilation, groups);
    } finally {
      padded.dispose();
    }
  });
}

/** 2-d convolution of NCHW input with weight [out, in / groups, kh, kw]. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  if (typeof padding === 'string') return stringPadded(CONV2D, CONV2D_PADDING, [x, weight, bias, stride, padding, dilation, groups]);
  if (isStridedPointwise(x, weight, stride, padding)) return callTensorAs(CONV2D, [x, weight, bias, stride, padding, dilation, groups], () => subsampledPointwise(x, weight, bias, stride, groups));
  return callTensor(CONV2D, x, weight, bias, stride, padding, dilation, groups);
}

const pairOf = (p: Pair): readonly [number, number] => (typeof p === 'number' ? [p, p] : p);

/**
 * A 1x1 convolution with stride > 1 on a channels-last input: the case whose backward never returns in
 * Debian's libtorch 1.13 (oneDNN's reduced-stride 1x1 kernel spins on both threads, e.g. at 2 input and
 * 1 or 2 output channels, 28x28, batch 128), as pruned shortcut projections meet it.
 */
function isStridedPointwise(x: Tensor, weight: Tensor, stride: Pair, padding: Pair): boolean {
  const [sh, sw] = pairOf(stride);
  const [ph, pw] = pairOf(padding);
  return (sh > 1 || sw > 1) && ph === 0 && pw === 0 && weight.ndim === 4 && weight.size(2) === 1 && weight.size(3) === 1 && x.ndim === 4 && x.isContiguous('channels_last');
}

/** The same convolution as a subsampling followed by a stride-1 1x1 convolution, which is exact. */
function subsampledPointwise(x: Tensor, weight: Tensor, bias: Tensor | null, stride: Pair, groups: number): Tensor {
  const [sh, sw] = pairOf(stride);
  const rows = callTensor(SLICE, x, 2, 0, null, sh);
  const grid = callTensor(SLICE, rows, 3, 0, null, sw);
  const packed = grid.contiguous('channels_last');
  try {
    return callTensor(CONV2D, packed, weight, bias, 1, 0, 1, groups);
  } finally {
    for (const t of new Set([rows, grid, packed])) t.dispose();
  }
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Batch statistics (and running-statistic updates) when true; running statistics when false. */
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch normalisation over dim 1; in training it updates runningMean/runningVar in place. */
export function batchNorm(x: Tensor, options: BatchNormOptions): Tensor {
  const { weight = null, bias = null, runningMean = null, runningVar = null, training, momentum = 0.1, eps = 1e-5 } = options;
  return callTensor(BATCH_NORM, x, weight, bias, runningMean, runningVar, training, momentum, eps, true);
}

export interface Pool2dOptions {
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}

export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions & { dilation?: Pair } = {}): Tensor {
  const { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false } = options;
  return callTensor(MAX_POOL2D, x, kernelSize, stride, padding, dilation, ceilMode);
}

export function avgPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true } = options;
  return callTensor(AVG_POOL2D, x, kernelSize, stride, padding, ceilMode, countIncludePad, null);
}

export const adaptiveAvgPool2d = (x: Tensor, outputSize: Pair): Tensor => callTensor(ADAPTIVE_AVG_POOL2D, x, outputSize);

export interface Pool1dOptions {
  stride?: Single;
  padding?: Single;
  ceilMode?: boolean;
}

/** Max pooling over the last dim of [N, C, L]; the stride defaults to the kernel size, as in PyTorch. */
export function maxPool1d(x: Tensor, kernelSize: Single, options: Pool1dOptions & { dilation?: Single } = {}): Tensor {
  const { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false } = options;
  return callTensor(MAX_POOL1D, x, kernelSize, stride, padding, dilation, ceilMode);
}

export function avgPool1d(x: Tensor, kernelSize: Single, options: Pool1dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true } = options;
  return callTensor(AVG_POOL1D, x, kernelSize, stride, padding, ceilMode, countIncludePad);
}

export const adaptiveAvgPool1d = (x: Tensor, outputSize: Single): Tensor => callTensor(ADAPTIVE_AVG_POOL1D, x, outputSize);

export const logSoftmax = (x: Tensor, dim: number): Tensor => callTensor(LOG_SOFTMAX, x, dim, null);
export const softmax = (x: Tensor, dim: number): Tensor => callTensor(SOFTMAX, x, dim, null);

export interface CrossEntropyOptions {
  reduction?: Reduction;
  weight?: Tensor | null;
  ignoreIndex?: number;
  labelSmoothing?: number;
}

/** Cross-entropy of raw logits [N, C] against int64 class targets [N]. */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { reduction = 'mean', weight = null, ignoreIndex = -100, labelSmoothing = 0 } = options;
  return callTensor(CROSS_ENTROPY, logits, target, weight, reductionCode('crossEntropy', reduction), ignoreIndex, labelSmoothing);
}

/** Negative log-likelihood of log-probabilities [N, C] against int64 targets [N]. */
export function nllLoss(logProbs: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  return callTensor(NLL_LOSS, logProbs, target, null, reductionCode('nllLoss', reduction), -100);
}

/** Zeroes elements with probability p and rescales the rest, when training. */
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: p must be in [0, 1], got ${p}`);
  return callTensor(DROPOUT, x, p, training);
}
