// Which sweep point to train at full scale under a constraint. The rules (docs/report.md):
// - minAcc: the point with the fewest MACs among those at least that accurate (ties: the more
//   accurate, then the lower batch-1 latency).
// - maxMacs / maxLatencyMs: the most accurate point within the ceiling (ties: the fewer MACs, then
//   the lower latency). Taking the smallest point would ignore accuracy altogether; the most accurate
//   one within budget is the one worth training, and it is always on the front.
import type { Constraint, SweepFile, SweepPoint } from './types.js';

/** The absolute MAC ceiling: a value ≤ 1 is a fraction of the dense network, a larger one a count. */
export function macsLimit(sweep: Pick<SweepFile, 'dense'>, maxMacs: number): number {
  return maxMacs <= 1 ? maxMacs * sweep.dense.macs : maxMacs;
}

export function satisfies(sweep: Pick<SweepFile, 'dense'>, point: SweepPoint, constraint: Constraint): boolean {
  if ('minAcc' in constraint) return point.test_acc >= constraint.minAcc;
  if ('maxMacs' in constraint) return point.macs <= macsLimit(sweep, constraint.maxMacs);
  return point.latency_ms.batch1 <= constraint.maxLatencyMs;
}

const byMacs = (a: SweepPoint, b: SweepPoint): number => a.macs - b.macs;
const byLatency = (a: SweepPoint, b: SweepPoint): number => a.latency_ms.batch1 - b.latency_ms.batch1;
const byAccuracy = (a: SweepPoint, b: SweepPoint): number => b.test_acc - a.test_acc;

function best(points: readonly SweepPoint[], ...order: ((a: SweepPoint, b: SweepPoint) => number)[]): SweepPoint | null {
  const sorted = [...points].sort((a, b) => {
    for (const compare of order) {
      const c = compare(a, b);
      if (c !== 0) return c;
    }
    return 0;
  });
  return sorted[0] ?? null;
}

/** The point to train under `constraint` (rules above), or null when no point satisfies it. */
export function recommend(sweep: SweepFile, constraint: Constraint): SweepPoint | null {
  const candidates = sweep.points.filter((p) => satisfies(sweep, p, constraint));
  if ('minAcc' in constraint) return best(candidates, byMacs, byAccuracy, byLatency);
  return best(candidates, byAccuracy, byMacs, byLatency);
}

/**
 * When nothing satisfies the constraint, the point that comes nearest: the most accurate for minAcc,
 * the one with the fewest MACs for maxMacs, the fastest for maxLatencyMs. Null for an empty sweep.
 */
export function closestPoint(sweep: SweepFile, constraint: Constraint): SweepPoint | null {
  if ('minAcc' in constraint) return best(sweep.points, byAccuracy, byMacs);
  if ('maxMacs' in constraint) return best(sweep.points, byMacs, byAccuracy);
  return best(sweep.points, byLatency, byAccuracy);
}

/** The rule recommend applies to a constraint, in words (printed with the recommendation). */
export function ruleText(constraint: Constraint): string {
  if ('minAcc' in constraint) return `fewest MACs among the points with test accuracy ≥ ${constraint.minAcc}%`;
  if ('maxMacs' in constraint) {
    const limit = constraint.maxMacs <= 1 ? `${constraint.maxMacs} of the dense MACs` : `${constraint.maxMacs} MACs`;
    return `most accurate point with at most ${limit}`;
  }
  return `most accurate point with a batch-1 CPU latency ≤ ${constraint.maxLatencyMs} ms`;
}
