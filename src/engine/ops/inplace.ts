// In-place operators, for optimisers, initialisation and running statistics. They modify their first
// argument, which must not need its old value for a pending backward pass.
import { aten, callInPlace } from '../aten.js';
import type { Tensor } from '../tensor.js';

const ADD_ = aten('add_', 'Tensor');
const ADD_S_ = aten('add_', 'Scalar');
const SUB_ = aten('sub_', 'Tensor');
const MUL_ = aten('mul_', 'Tensor');
const MUL_S_ = aten('mul_', 'Scalar');
const DIV_S_ = aten('div_', 'Scalar');
const ADDCMUL_ = aten('addcmul_');
const ADDCDIV_ = aten('addcdiv_');
const LERP_ = aten('lerp_', 'Scalar');
const ZERO_ = aten('zero_');
const FILL_ = aten('fill_', 'Scalar');
const COPY_ = aten('copy_');
const CLAMP_ = aten('clamp_');
const SQRT_ = aten('sqrt_');
const RELU_ = aten('relu_');
const UNIFORM_ = aten('uniform_');
const NORMAL_ = aten('normal_');
const FOREACH_ADD_LIST_ = aten('_foreach_add_', 'List');
const FOREACH_MUL_SCALAR_ = aten('_foreach_mul_', 'Scalar');

/** target += alpha * other */
export function add_(target: Tensor, other: Tensor | number, alpha = 1): void {
  const op = typeof other === 'number' ? ADD_S_ : ADD_;
  if (alpha === 1) callInPlace(op, target, other);
  else callInPlace(op, target, other, alpha);
}
export const sub_ = (target: Tensor, other: Tensor, alpha = 1): void => callInPlace(SUB_, target, other, alpha);
export function mul_(target: Tensor, other: Tensor | number): void {
  if (typeof other === 'number') callInPlace(MUL_S_, target, other);
  else callInPlace(MUL_, target, other);
}
export const div_ = (target: Tensor, divisor: number): void => callInPlace(DIV_S_, target, divisor);
/** target += value * a * b */
export const addcmul_ = (target: Tensor, a: Tensor, b: Tensor, value = 1): void => callInPlace(ADDCMUL_, target, a, b, value);
/** target += value * a / b */
export const addcdiv_ = (target: Tensor, a: Tensor, b: Tensor, value = 1): void => callInPlace(ADDCDIV_, target, a, b, value);
/** target += weight * (end - target) */
export const lerp_ = (target: Tensor, end: Tensor, weight: number): void => callInPlace(LERP_, target, end, weight);
export const zero_ = (target: Tensor): void => callInPlace(ZERO_, target);
export const fill_ = (target: Tensor, value: number): void => callInPlace(FILL_, target, value);
export const copy_ = (target: Tensor, source: Tensor): void => callInPlace(COPY_, target, source, false);
export const clamp_ = (target: Tensor, min: number | null, max: number | null = null): void => callInPlace(CLAMP_, target, min, max);
export const sqrt_ = (target: Tensor): void => callInPlace(SQRT_, target);
/** max(target, 0) in place; autograd allows it when the producer's backward does not need its output. */
export const relu_ = (target: Tensor): void => callInPlace(RELU_, target);
/** Fills with U(low, high) from the global generator. */
export const uniform_ = (target: Tensor, low = 0, high = 1): void => callInPlace(UNIFORM_, target, low, high, null);
/** Fills with N(mean, std^2) from the global generator. */
export const normal_ = (target: Tensor, mean = 0, std = 1): void => callInPlace(NORMAL_, target, mean, std, null);

/** targets[i] += alpha * others[i], in one call for a whole parameter list. */
export function foreachAdd_(targets: readonly Tensor[], others: readonly Tensor[], alpha = 1): void {
  if (targets.length !== others.length) throw new RangeError(`foreachAdd_: ${targets.length} targets but ${others.length} addends`);
  if (targets.length > 0) callInPlace(FOREACH_ADD_LIST_, targets, others, alpha);
}
/** targets[i] *= factor, in one call. */
export function foreachMul_(targets: readonly Tensor[], factor: number): void {
  if (targets.length > 0) callInPlace(FOREACH_MUL_SCALAR_, targets, factor);
}
