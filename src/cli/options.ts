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

export function numberIn(name: string, min: number, max: number, { exclusiveMin = false, exclusiveMax = false } = {}) {
  return (value: string): number => {
    const n = Number(value);
    const aboveMin = exclusiveMin ? n > min : n >= min;
    const belowMax = exclusiveMax ? n < max : n <= max;
    if (value.trim() === '' || !Number.isFinite(n) || !aboveMin || !belowMax) {
      throw badArgument(`${name} must be a number in ${exclusiveMin ? '(' : '['}${min}, ${max}${exclusiveMax ? ')' : ']'}, got '${value}'`);
    }
    return n;
  };
}

/** A column name as a header spells it: not empty, and without the spaces around it that headers are trimmed of. */
export function columnName(name: string) {
  return (value: string): string => {
    if (value.trim() === '') throw badArgument(`${name} needs a column name, got '${value}'`, `e.g. ${name} state`);
    if (value.trim() !== value) throw badArgument(`${name} '${value}' has spaces around it, but header names are read without them`, `write ${name} '${value.trim()}'`);
    return value;
  };
}

export function oneOf<T extends string>(name: string, allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) throw badArgument(`${name} must be one of ${allowed.join(', ')}; got '${value}'`);
    return value as T;
  };
}
