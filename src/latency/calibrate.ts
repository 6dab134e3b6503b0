// Layers timed alone do not add up to the network at every width: inside a network a layer also
// pays for the synchronisation of the runtime's threads and for memory it shares with its
// neighbours, which shrink less with width than the layer's own work. The calibration times the whole
// network narrowed uniformly (every prunable group to a quarter, half, three quarters and all of its
// width, by the surgery CAT uses) and fits network = remainder + scale * sum of the fitted layers,
// so the model keeps the layers' shapes and matches the network along the way to its pruned sizes.
import { ALL_ON, expectedComplexity } from '../cat/complexity.js';
import { buildStructureGraph } from '../cat/graph.js';
import type { LatencyModel, ProfiledLayer } from '../cat/latency.js';
import { applyEvents, type PruneEvent } from '../cat/surgery.js';
import * as E from '../engine/index.js';
import type { Module } from '../nn/index.js';

export const CALIBRATION_FRACTIONS = [0.25, 0.5, 0.75] as const;

export interface CalibrationPoint {
  /** The width every prunable group was narrowed to, as a fraction. */
  readonly fraction: number;
  readonly measuredMs: number;
  /** The fitted layers' sum at those widths, before calibration. */
  readonly layersMs: number;
}

export interface Calibration {
  readonly scale: number;
  readonly remainderMs: number;
  readonly points: readonly CalibrationPoint[];
  /** Root mean square and largest relative error of the calibrated model against the points. */
  readonly rmsRelative: number;
  readonly maxRelative: number;
}

/** The sum of the fitted layers of `model` as it stands (no remainder). */
function layersMs(model: Module, inputShape: readonly number[], layers: Readonly<Record<string, ProfiledLayer>>): number {
  const graph = E.noGrad(() => buildStructureGraph(model, inputShape, { residualChannels: 'coupled' }));
  const timing: LatencyModel = { layer: (m) => layers[m], remainderMs: 0 };
  return expectedComplexity(graph, ALL_ON, timing).latency as number;
}

/** `build()` narrowed to `fraction` of every prunable group's units. */
function narrowed(build: () => Module, inputShape: readonly number[], fraction: number): Module {
  const model = build();
  const graph = E.noGrad(() => buildStructureGraph(model, inputShape, { residualChannels: 'coupled' }));
  const events: PruneEvent[] = graph.groups
    .filter((g) => g.prunable)
    .map((g) => ({ step: 0, kind: 'units', group: g.id, keep: Array.from({ length: Math.max(1, Math.round(fraction * g.width)) }, (_, i) => i) }));
  E.noGrad(() => applyEvents(model, graph, events));
  return model;
}

export async function calibrate(
  build: () => Module,
  inputShape: readonly number[],
  layers: Readonly<Record<string, ProfiledLayer>>,
  dense: { model: Module; ms: number },
  time: (model: Module) => Promise<number>,
): Promise<Calibration> {
  const points: CalibrationPoint[] = [{ fraction: 1, measuredMs: dense.ms, layersMs: layersMs(dense.model, inputShape, layers) }];
  for (const fraction of CALIBRATION_FRACTIONS) {
    const model = narrowed(build, inputShape, fraction);
    try {
      points.push({ fraction, measuredMs: await time(model), layersMs: layersMs(model, inputShape, layers) });
    } finally {
      model.dispose();
    }
  }
  // Least squares of measured = remainder + scale * layers, on relative error.
  let [sw, sx, sy, sxx, sxy] = [0, 0, 0, 0, 0];
  for (const p of points) {
    const w = 1 / (p.measuredMs * p.measuredMs);
    sw += w;
    sx += w * p.layersMs;
    sy += w * p.measuredMs;
    sxx += w * p.layersMs * p.layersMs;
    sxy += w * p.layersMs * p.measuredMs;
  }
  const det = sw * sxx - sx * sx;
  const scale = det === 0 ? 1 : (sw * sxy - sx * sy) / det;
  const remainderMs = (sy - scale * sx) / sw;
  const errors = points.map((p) => Math.abs(remainderMs + scale * p.layersMs - p.measuredMs) / p.measuredMs);
  return { scale, remainderMs, points, rmsRelative: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length), maxRelative: Math.max(...errors) };
}

