// Broadcasting elementwise arithmetic, unary functions, comparisons and selection.
import { aten, callTensor } from '../aten.js';
import type { Tensor } from '../tensor.js';

export type TensorOrScalar = Tensor | number;

const isScalar = (value: TensorOrScalar): value is number => typeof value === 'number';

const ADD = aten('add', 'Tensor');
const ADD_S = aten('add', 'Scalar');
const SUB = aten('sub', 'Tensor');
const SUB_S = aten('sub', 'Scalar');
const MUL = aten('mul', 'Tensor');
const MUL_S = aten('mul', 'Scalar');
const DIV = aten('div', 'Tensor');
const DIV_S = aten('div', 'Scalar');
const POW = aten('pow', 'Tensor_Tensor');
const POW_S = aten('pow', 'Tensor_Scalar');

// alpha is passed only when it is not the schema's default 1: one argument fewer to convert is a
// measurable share of a tiny op's time.
/** a + alpha * b, broadcasting. */
export function add(a: Tensor, b: TensorOrScalar, alpha = 1): Tensor {
  const op = isScalar(b) ? ADD_S : ADD;
  return alpha === 1 ? callTensor(op, a, b) : callTensor(op, a, b, alpha);
}
/** a - alpha * b, broadcasting. */
export function sub(a: Tensor, b: TensorOrScalar, alpha = 1): Tensor {
  const op = isScalar(b) ? SUB_S : SUB;
  return alpha === 1 ? callTensor(op, a, b) : callTensor(op, a, b, alpha);
}
export function mul(a: Tensor, b: TensorOrScalar): Tensor {
  return isScalar(b) ? callTensor(MUL_S, a, b) : callTensor(MUL, a, b);
}
/** True division (integer inputs give a float result, as in PyTorch). */
export function div(a: Tensor, b: TensorOrScalar): Tensor {
  return isScalar(b) ? callTensor(DIV_S, a, b) : callTensor(DIV, a, b);
}
export function pow(a: Tensor, exponent: TensorOrScalar): Tensor {
  return isScalar(exponent) ? callTensor(POW_S, a, exponent) : callTensor(POW, a, exponent);
}

const unary = (name: string) => {
  const op = aten(name);
  return (a: Tensor): Tensor => callTensor(op, a);
};
export const neg = unary('neg');
export const abs = unary('abs');
export const exp = unary('exp');
export const log = unary('log');
export const sqrt = unary('sqrt');
export const rsqrt = unary('rsqrt');
export const square = unary('square');
export const sign = unary('sign');
export const relu = unary('relu');
export const sigmoid = unary('sigmoid');
export const tanh = unary('tanh');
export const logicalNot = unary('logical_not');

const CLAMP = aten('clamp');
const CLAMP_T = aten('clamp', 'Tensor');
/** Limits values to [min, max]; either bound may be null. */
export function clamp(a: Tensor, min: TensorOrScalar | null, max: TensorOrScalar | null = null): Tensor {
  if (min === null && max === null) throw new TypeError('clamp: at least one of min and max must be given');
  if ((min === null || isScalar(min)) && (max === null || isScalar(max))) return callTensor(CLAMP, a, min, max);
  return callTensor(CLAMP_T, a, min, max);
}

const binary = (name: string) => {
  const op = aten(name);
  return (a: Tensor, b: Tensor): Tensor => callTensor(op, a, b);
};
export const maximum = binary('maximum');
export const minimum = binary('minimum');
export const logicalAnd = binary('logical_and');
export const logicalOr = binary('logical_or');

const comparison = (name: string) => {
  const tensorOp = aten(name, 'Tensor');
  const scalarOp = aten(name, 'Scalar');
  return (a: Tensor, b: TensorOrScalar): Tensor => (isScalar(b) ? callTensor(scalarOp, a, b) : callTensor(tensorOp, a, b));
};
/** Elementwise comparisons, returning bool tensors. */
export const eq = comparison('eq');
export const ne = comparison('ne');
export const lt = comparison('lt');
export const le = comparison('le');
export const gt = comparison('gt');
export const ge = comparison('ge');

const WHERE = aten('where', 'self');
const WHERE_SO = aten('where', 'ScalarOther');
const WHERE_SS = aten('where', 'ScalarSelf');
const WHERE_SC = aten('where', 'Scalar');
/** Picks `whenTrue` where `condition` holds and `whenFalse` elsewhere, broadcasting. */
export function where(condition: Tensor, whenTrue: TensorOrScalar, whenFalse: TensorOrScalar): Tensor {
  if (isScalar(whenTrue)) {
    return isScalar(whenFalse) ? callTensor(WHERE_SC, condition, whenTrue, whenFalse) : callTensor(WHERE_SS, condition, whenTrue, whenFalse);
  }
  return isScalar(whenFalse) ? callTensor(WHERE_SO, condition, whenTrue, whenFalse) : callTensor(WHERE, condition, whenTrue, whenFalse);
}
