// The sweep page's budget form: its query (?constraint=maxMacs&value=0.3) as a recommend() constraint.
import type { Constraint } from '../sweep/index.js';

export const CONSTRAINT_KINDS = {
  maxMacs: 'max MACs (≤ 1: fraction of dense)',
  maxLatencyMs: 'max latency, batch 1 (ms)',
  minAcc: 'min test accuracy (%)',
} as const;

export type ConstraintKind = keyof typeof CONSTRAINT_KINDS;

export type BudgetQuery = { kind: 'none' } | { kind: 'invalid'; reason: string } | { kind: 'ok'; constraint: Constraint; name: ConstraintKind; value: number };

const isKind = (name: string): name is ConstraintKind => Object.hasOwn(CONSTRAINT_KINDS, name);

export function parseBudget(constraint: string | undefined, value: string | undefined): BudgetQuery {
  if (constraint === undefined && value === undefined) return { kind: 'none' };
  if (constraint === undefined || !isKind(constraint)) return { kind: 'invalid', reason: 'choose one of the constraints' };
  const number = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(number) || number < 0) {
    return { kind: 'invalid', reason: 'the value must be a non-negative number' };
  }
  const built: Constraint = constraint === 'maxMacs' ? { maxMacs: number } : constraint === 'maxLatencyMs' ? { maxLatencyMs: number } : { minAcc: number };
  return { kind: 'ok', constraint: built, name: constraint, value: number };
}
