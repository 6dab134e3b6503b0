// Pareto fronts of sweep points: accuracy is maximised, one cost is minimised.
import type { FrontCost, SweepPoint } from './types.js';

/** The cost a front is computed against. */
export function pointCost(point: SweepPoint, cost: FrontCost): number {
  if (cost === 'macs') return point.macs;
  if (cost === 'latency') return point.latency_ms.batch1;
  return point.train_seconds;
}

/**
 * The points no other point beats: a point is dropped when another is at least as accurate and at
 * most as costly, and strictly better in one of the two. Equal points both stay. Returned cheapest
 * first (then most accurate first).
 */
export function paretoFront<P extends SweepPoint>(points: readonly P[], cost: FrontCost = 'macs'): P[] {
  const dominates = (a: P, b: P): boolean => {
    const ca = pointCost(a, cost);
    const cb = pointCost(b, cost);
    return a.test_acc >= b.test_acc && ca <= cb && (a.test_acc > b.test_acc || ca < cb);
  };
  return points
    .filter((p) => !points.some((q) => q !== p && dominates(q, p)))
    .sort((a, b) => pointCost(a, cost) - pointCost(b, cost) || b.test_acc - a.test_acc);
}

/** Point names of the fronts a sweep file records. */
export function sweepFronts(points: readonly SweepPoint[]): Record<FrontCost, string[]> {
  const names = (cost: FrontCost): string[] => paretoFront(points, cost).map((p) => p.name);
  return { macs: names('macs'), latency: names('latency'), train_seconds: names('train_seconds') };
}
