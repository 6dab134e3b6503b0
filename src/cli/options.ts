// Parsers for option values; each names the option and the value it rejects.
import { badArgument } from './errors.js';

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw badArgument(`${name} must be a positive integer, got '${value}'`);
    return n;
  };
}

export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw badArgument(`${name} must be a non-negative integer, got '${value}'`);
    return n;
  };
}

export function numberIn(name: string, min: number, max: number, { exclusiveMin = false } = {}) {
  return (value: string): number => {
    const n = Number(value);
    const aboveMin = exclusiveMin ? n > min : n >= min;
    if (value.trim() === '' || !Number.isFinite(n) || !aboveMin || n > max) {
      throw badArgument(`${name} must be a number in ${exclusiveMin ? '(' : '['}${min}, ${max}], got '${value}'`);
    }
    return n;
  };
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) throw badArgument(`${name} must be one of ${allowed.join(', ')}; got '${value}'`);
    return value as T;
  };
}
