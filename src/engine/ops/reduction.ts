// Reductions over all elements or over chosen dimensions.
import { aten, callTensor, callTensors } from '../aten.js';
import type { Tensor } from '../tensor.js';

export type Dims = number | readonly number[];

const dimList = (dim: Dims): readonly number[] => (typeof dim === 'number' ? [dim] : dim);

const SUM = aten('sum');
const SUM_DIM = aten('sum', 'dim_IntList');
const MEAN = aten('mean');
const MEAN_DIM = aten('mean', 'dim');

/** Sum of all elements, or over `dim`. */
export function sum(a: Tensor, dim?: Dims, keepDim = false): Tensor {
  return dim === undefined ? callTensor(SUM, a) : callTensor(SUM_DIM, a, dimList(dim), keepDim);
}
/** Mean of all elements, or over `dim` (floating tensors only). */
export function mean(a: Tensor, dim?: Dims, keepDim = false): Tensor {
  return dim === undefined ? callTensor(MEAN, a) : callTensor(MEAN_DIM, a, dimList(dim), keepDim);
}

const MAX = aten('max');
const MIN = aten('min');
const MAX_DIM = aten('max', 'dim');
const MIN_DIM = aten('min', 'dim');
const AMAX = aten('amax');
const AMIN = aten('amin');
export const max = (a: Tensor): Tensor => callTensor(MAX, a);
export const min = (a: Tensor): Tensor => callTensor(MIN, a);
/** Values and indices of the maximum along one dimension. */
export function maxDim(a: Tensor, dim: number, keepDim = false): { values: Tensor; indices: Tensor } {
  const [values, indices] = callTensors(MAX_DIM, a, dim, keepDim) as [Tensor, Tensor];
  return { values, indices };
}
export function minDim(a: Tensor, dim: number, keepDim = false): { values: Tensor; indices: Tensor } {
  const [values, indices] = callTensors(MIN_DIM, a, dim, keepDim) as [Tensor, Tensor];
  return { values, indices };
}
export const amax = (a: Tensor, dim: Dims, keepDim = false): Tensor => callTensor(AMAX, a, dimList(dim), keepDim);
export const amin = (a: Tensor, dim: Dims, keepDim = false): Tensor => callTensor(AMIN, a, dimList(dim), keepDim);

const ARGMAX = aten('argmax');
const ARGMIN = aten('argmin');
/** Index of the maximum, over the flattened tensor when `dim` is omitted. */
export const argmax = (a: Tensor, dim?: number, keepDim = false): Tensor => callTensor(ARGMAX, a, dim ?? null, keepDim);
export const argmin = (a: Tensor, dim?: number, keepDim = false): Tensor => callTensor(ARGMIN, a, dim ?? null, keepDim);

const LOGSUMEXP = aten('logsumexp');
export const logsumexp = (a: Tensor, dim: Dims, keepDim = false): Tensor => callTensor(LOGSUMEXP, a, dimList(dim), keepDim);

const VAR = aten('var', 'correction');
const STD = aten('std', 'correction');
/** Variance with Bessel's correction by default (correction = 1), as torch.var. */
export const variance = (a: Tensor, dim?: Dims, keepDim = false, correction = 1): Tensor =>
  callTensor(VAR, a, dim === undefined ? null : dimList(dim), correction, keepDim);
export const std = (a: Tensor, dim?: Dims, keepDim = false, correction = 1): Tensor =>
  callTensor(STD, a, dim === undefined ? null : dimList(dim), correction, keepDim);

const ALL = aten('all');
const ANY = aten('any');
export const all = (a: Tensor): Tensor => callTensor(ALL, a);
export const any = (a: Tensor): Tensor => callTensor(ANY, a);

const TOPK = aten('topk');
/** The k largest values along `dim` and their indices (sorted, largest first). */
export function topk(a: Tensor, k: number, dim = -1): { values: Tensor; indices: Tensor } {
  const [values, indices] = callTensors(TOPK, a, k, dim, true, true) as [Tensor, Tensor];
  return { values, indices };
}
