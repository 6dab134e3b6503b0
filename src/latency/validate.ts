// How well a finished profile predicts networks it was not fitted to: random networks of the kind a
// run ends with (each removable block gone with even odds, each group cut to a random number of
// whole width multiples, as CAT rounds widths), timed whole and set against the model. The profile
// reports the error; it fits nothing.
import { ALL_ON, expectedComplexity } from '../cat/complexity.js';
import type { LatencyModel } from '../cat/latency.js';
import { DEFAULT_CAT } from '../cat/options.js';
import { groupMultiple } from '../cat/widths.js';
import type { Module } from '../nn/index.js';
import { relativeError, type RelativeError } from './fit.js';
import { traceCoupled, variant } from './variants.js';

export const VALIDATION_NETWORKS = 8;

export interface ValidationPoint {
  readonly blocksRemoved: number;
  readonly predictedMs: number;
  readonly measuredMs: number;
}

export interface Validation extends RelativeError {
  readonly points: readonly ValidationPoint[];
}

/** A small seeded generator (mulberry32): the same profile draws the same networks. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function validate(build: () => Module, inputShape: readonly number[], model: LatencyModel, time: (m: Module) => Promise<number>, count = VALIDATION_NETWORKS): Promise<Validation> {
  const next = random(count);
  const points: ValidationPoint[] = [];
  for (let i = 0; i < count; i++) {
    let blocksRemoved = 0;
    const network = variant(build, inputShape, {
      removeBlock: () => next() < 0.5 && ++blocksRemoved > 0,
      keptUnits: (g) => {
        const step = groupMultiple(DEFAULT_CAT, g.width);
        const steps = Math.max(1, Math.floor(g.width / step));
        return step * (1 + Math.floor(next() * steps));
      },
    });
    try {
      const graph = traceCoupled(network, inputShape);
      const predictedMs = expectedComplexity(graph, ALL_ON, model).latency as number;
      points.push({ blocksRemoved, predictedMs, measuredMs: await time(network) });
    } finally {
      network.dispose();
    }
  }
  return { points, ...relativeError(points.map((p) => [p.predictedMs, p.measuredMs])) };
}
