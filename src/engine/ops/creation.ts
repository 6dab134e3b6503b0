// Tensor creation: constants, ranges, random tensors from the seedable global generator, and data.
import { aten, callInPlace, callTensor } from '../aten.js';
import { checkDevice, type Device } from '../device.js';
import { dtypeCode, dtypeOfTypedArray, typedArrayFrom, type AnyTypedArray, type DType } from '../dtype.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

const ZEROS = aten('zeros');
const ONES = aten('ones');
const FULL = aten('full');
const EMPTY = aten('empty', 'memory_format');
const ARANGE = aten('arange', 'start_step');
const RAND = aten('rand');
const RANDN = aten('randn');
const RANDINT = aten('randint', 'low');
const EYE = aten('eye');
const RANDPERM = aten('randperm');
const BERNOULLI = aten('bernoulli');
const BERNOULLI_FLOAT_ = aten('bernoulli_', 'float');
const ZEROS_LIKE = aten('zeros_like');
const ONES_LIKE = aten('ones_like');
const FULL_LIKE = aten('full_like');
const RAND_LIKE = aten('rand_like');
const RANDN_LIKE = aten('randn_like');

function checkShape(op: string, shape: readonly number[]): readonly number[] {
  if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new TypeError(`${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape;
}

const dtypeArg = (options: CreateOptions): number | null => (options.dtype === undefined ? null : dtypeCode(options.dtype));
const deviceArg = (options: CreateOptions): string | null => (options.device === undefined ? null : checkDevice(options.device));

function finish(tensor: Tensor, options: CreateOptions): Tensor {
  if (options.requiresGrad === true) tensor.requiresGrad = true;
  return tensor;
}

export const zeros = (shape: readonly number[], options: CreateOptions = {}): Tensor =>
  finish(callTensor(ZEROS, checkShape('zeros', shape), dtypeArg(options), null, deviceArg(options)), options);
export const ones = (shape: readonly number[], options: CreateOptions = {}): Tensor =>
  finish(callTensor(ONES, checkShape('ones', shape), dtypeArg(options), null, deviceArg(options)), options);
/** Uninitialised memory: only for tensors that are fully overwritten before being read. */
export const empty = (shape: readonly number[], options: CreateOptions = {}): Tensor =>
  finish(callTensor(EMPTY, checkShape('empty', shape), dtypeArg(options), null, deviceArg(options)), options);
export const full = (shape: readonly number[], value: number | boolean, options: CreateOptions = {}): Tensor =>
  finish(callTensor(FULL, checkShape('full', shape), value, dtypeArg(options), null, deviceArg(options)), options);
export const eye = (n: number, options: CreateOptions = {}): Tensor => finish(callTensor(EYE, n, dtypeArg(options), null, deviceArg(options)), options);

/** [start, end) in steps of `step`; int64 when all bounds are integers, as in PyTorch. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new RangeError('arange: step must not be 0');
  return finish(callTensor(ARANGE, from, to, step, dtypeArg(options), null, deviceArg(options)), options);
}

/** Uniform samples in [0, 1). */
export const rand = (shape: readonly number[], options: CreateOptions = {}): Tensor =>
  finish(callTensor(RAND, checkShape('rand', shape), dtypeArg(options), null, deviceArg(options)), options);
/** Standard normal samples. */
export const randn = (shape: readonly number[], options: CreateOptions = {}): Tensor =>
  finish(callTensor(RANDN, checkShape('randn', shape), dtypeArg(options), null, deviceArg(options)), options);
/** Integers uniform in [low, high); int64 unless a dtype is given. */
export function randint(low: number, high: number, shape: readonly number[], options: CreateOptions = {}): Tensor {
  if (!(high > low)) throw new RangeError(`randint: high (${high}) must be greater than low (${low})`);
  return finish(callTensor(RANDINT, low, high, checkShape('randint', shape), options.dtype === undefined ? dtypeCode('int64') : dtypeArg(options), null, deviceArg(options)), options);
}

/** A random permutation of 0..n-1 (int64), e.g. a shuffled epoch order. */
export const randperm = (n: number, options: CreateOptions = {}): Tensor =>
  finish(callTensor(RANDPERM, n, options.dtype === undefined ? undefined : dtypeCode(options.dtype), null, deviceArg(options)), options);

/** 0/1 samples: with a tensor of probabilities, one draw per element; with a shape, all with probability p. */
export function bernoulli(probabilities: Tensor): Tensor;
export function bernoulli(shape: readonly number[], p: number, options?: CreateOptions): Tensor;
export function bernoulli(source: Tensor | readonly number[], p?: number, options: CreateOptions = {}): Tensor {
  if (source instanceof Tensor) return callTensor(BERNOULLI, source, null);
  if (p === undefined || !(p >= 0 && p <= 1)) throw new RangeError(`bernoulli: p must be in [0, 1], got ${String(p)}`);
  const result = empty(source, { ...options, requiresGrad: false });
  callInPlace(BERNOULLI_FLOAT_, result, p, null);
  return finish(result, options);
}

export const zerosLike = (t: Tensor, options: CreateOptions = {}): Tensor =>
  finish(callTensor(ZEROS_LIKE, t, dtypeArg(options), null, deviceArg(options)), options);
export const onesLike = (t: Tensor, options: CreateOptions = {}): Tensor =>
  finish(callTensor(ONES_LIKE, t, dtypeArg(options), null, deviceArg(options)), options);
export const fullLike = (t: Tensor, value: number, options: CreateOptions = {}): Tensor =>
  finish(callTensor(FULL_LIKE, t, value, dtypeArg(options), null, deviceArg(options)), options);
export const randLike = (t: Tensor, options: CreateOptions = {}): Tensor =>
  finish(callTensor(RAND_LIKE, t, dtypeArg(options), null, deviceArg(options)), options);
export const randnLike = (t: Tensor, options: CreateOptions = {}): Tensor =>
  finish(callTensor(RANDN_LIKE, t, dtypeArg(options), null, deviceArg(options)), options);

export type NestedNumbers = number | boolean | readonly NestedNumbers[];

function inferShape(data: NestedNumbers): number[] {
  const shape: number[] = [];
  let level: NestedNumbers = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = (level as readonly NestedNumbers[])[0] ?? 0;
  }
  return shape;
}

/**
 * A tensor holding a copy of `data`: a TypedArray (with `shape`, default 1-d), a flat number array
 * with `shape`, or nested arrays whose shape is inferred. The dtype defaults to the typed array's,
 * or float32 for numbers and bool for booleans.
 */
export function tensor(data: AnyTypedArray | NestedNumbers, options: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  let values: AnyTypedArray;
  let shape: readonly number[];
  if (ArrayBuffer.isView(data)) {
    const dtype = options.dtype ?? dtypeOfTypedArray(data);
    values = options.dtype === undefined || options.dtype === dtypeOfTypedArray(data) ? data : typedArrayFrom(dtype, Array.from(data as ArrayLike<number>, Number));
    shape = options.shape ?? [data.length];
    options = { ...options, dtype };
  } else {
    const flat = (Array.isArray(data) ? data.flat(Infinity) : [data]) as (number | boolean)[];
    const dtype = options.dtype ?? (typeof flat[0] === 'boolean' ? 'bool' : 'float32');
    shape = options.shape ?? inferShape(data);
    values = typedArrayFrom(dtype, flat);
    options = { ...options, dtype };
  }
  const count = checkShape('tensor', shape).reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new RangeError(`tensor: ${values.length} values do not fill shape [${shape.join(', ')}] (${count} elements)`);
  }
  const handle = native.fromBuffer(values, shape, dtypeCode(options.dtype as DType), deviceArg(options) ?? undefined);
  return finish(Tensor.fromHandle(handle), options);
}
