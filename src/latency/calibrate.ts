// Layers timed alone do not add up to the network at every width: inside a network a layer also
// pays for the synchronisation of the runtime's threads and for memory it shares with its
// neighbours, which shrink less with width than the layer's own work. The calibration times the whole
// network narrowed uniformly (every prunable group to a quarter, half, three quarters and all of its
// width, by the surgery CAT uses), and at full and half width with every removable block gone, and
// fits network = remainder + scale * (sum of the fitted layers) + perLayer * (layers present): the
// model keeps the layers' shapes, and what a layer costs inside a network whatever its width goes
// with the layer when its block is removed.
import { ALL_ON, expectedComplexity } from '../cat/complexity.js';
import type { LatencyModel, ProfiledLayer } from '../cat/latency.js';
import type { Module } from '../nn/index.js';
import { relativeError, relativeLeastSquares, type RelativeError } from './fit.js';
import { traceCoupled, variant } from './variants.js';

export const CALIBRATION_FRACTIONS = [0.25, 0.5, 0.75] as const;

export interface CalibrationPoint {
  /** The width every prunable group was narrowed to, as a fraction. */
  readonly fraction: number;
  /** Whether every removable block was removed. */
  readonly blocksRemoved: boolean;
  /** Counted layers present. */
  readonly layers: number;
  readonly measuredMs: number;
  /** The fitted layers' sum at those widths, before calibration. */
  readonly layersMs: number;
}

export interface Calibration extends RelativeError {
  readonly scale: number;
  /** Milliseconds each present layer adds inside the network, beyond its own fitted time. */
  readonly perLayerMs: number;
  readonly remainderMs: number;
  /** The network measured at each configuration; the error is the calibrated model's against them. */
  readonly points: readonly CalibrationPoint[];
}

/** The sum of the fitted layers of `model` as it stands (no remainder), and how many there are. */
function layersOf(model: Module, inputShape: readonly number[], layers: Readonly<Record<string, ProfiledLayer>>): { ms: number; count: number } {
  const graph = traceCoupled(model, inputShape);
  const timing: LatencyModel = { layer: (m) => layers[m], remainderMs: 0 };
  return { ms: expectedComplexity(graph, ALL_ON, timing).latency as number, count: graph.layers.length };
}

/** `build()` without its removable blocks (if `blocks`), then narrowed to `fraction` of every prunable group's units. */
const narrowed = (build: () => Module, inputShape: readonly number[], fraction: number, blocks: boolean): Module =>
  variant(build, inputShape, { removeBlock: () => blocks, keptUnits: (g) => Math.round(fraction * g.width) });

export async function calibrate(
  build: () => Module,
  inputShape: readonly number[],
  layers: Readonly<Record<string, ProfiledLayer>>,
  dense: { model: Module; ms: number },
  time: (model: Module) => Promise<number>,
): Promise<Calibration> {
  const denseLayers = layersOf(dense.model, inputShape, layers);
  const points: CalibrationPoint[] = [{ fraction: 1, blocksRemoved: false, layers: denseLayers.count, measuredMs: dense.ms, layersMs: denseLayers.ms }];
  const hasBlocks = traceCoupled(dense.model, inputShape).blocks.some((b) => b.prunable);
  const configs: [number, boolean][] = [...CALIBRATION_FRACTIONS.map((f): [number, boolean] => [f, false]), ...(hasBlocks ? ([[1, true], [0.5, true]] as [number, boolean][]) : [])];
  for (const [fraction, blocksRemoved] of configs) {
    const model = narrowed(build, inputShape, fraction, blocksRemoved);
    try {
      const present = layersOf(model, inputShape, layers);
      points.push({ fraction, blocksRemoved, layers: present.count, measuredMs: await time(model), layersMs: present.ms });
    } finally {
      model.dispose();
    }
  }
  // Least squares of measured = remainder + scale * layers + perLayer * count, on relative error;
  // without block points the count never changes, and perLayer is left at 0.
  const basis = (p: CalibrationPoint): number[] => (hasBlocks ? [1, p.layersMs, p.layers] : [1, p.layersMs]);
  const [remainderMs, scale, perLayerMs] = [...relativeLeastSquares(points.map((p) => ({ x: basis(p), y: p.measuredMs }))), 0] as [number, number, number];
  const error = relativeError(points.map((p) => [remainderMs + scale * p.layersMs + perLayerMs * p.layers, p.measuredMs]));
  return { scale, perLayerMs, remainderMs, points, ...error };
}

