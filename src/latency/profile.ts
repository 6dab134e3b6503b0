// `catrain latency-profile`: times every counted layer of a network on a runtime over a grid of input
// and output widths, fits each layer's cost (fit.ts), and measures the whole dense network so that
// the part no layer covers becomes one constant (docs/cat.md, "Latency").
import { buildStructureGraph } from '../cat/graph.js';
import { latencyModel, layerMs, type LatencyProfile, type LatencyRuntime, type LatencySample, type ProfiledLayer } from '../cat/latency.js';
import * as E from '../engine/index.js';
import * as nn from '../nn/index.js';
import type { Module } from '../nn/index.js';
import { calibrate } from './calibrate.js';
import { fitLayer, relativeError } from './fit.js';
import { latencyRunner, type LatencyRunner, type TimingEffort } from './runners.js';
import { globalPool, gridWidths, layerSpecs, unitAt, type LayerSpec } from './units.js';
import { validate } from './validate.js';

/**
 * A whole network is timed longer than a layer: at least 30 samples (the end-of-run check's floor)
 * over at least a second, so that a batch-1 network's median rests on thousands of runs.
 */
export const NETWORK_EFFORT: TimingEffort = { minRuns: 30, minTotalMs: 1000 };

export interface ProfileOptions {
  readonly modelName: string;
  /** Fresh dense copies of the network, for the calibration (calibrate.ts); without it, none. */
  readonly build?: () => Module;
  readonly runtime: LatencyRuntime;
  readonly batch: number;
  readonly progress?: (message: string) => void;
}

/**
 * onnxruntime pays per session.run for the call and for copying the input in and the output out,
 * which a layer inside a network does not. Its units end in a global average pool (a small output),
 * and the pool alone at the same input, which pays the same call and input copy, is taken off each
 * sample. catrain's engine pays its per-call price inside a network too and copies nothing, so
 * nothing is taken off there.
 */
async function callOverhead(runner: LatencyRunner, inputShape: readonly number[], batch: number, cache: Map<string, number>): Promise<number> {
  if (runner.runtime !== 'onnxruntime') return 0;
  const key = inputShape.join('x');
  const known = cache.get(key);
  if (known !== undefined) return known;
  const pool = new nn.Sequential(globalPool(inputShape));
  const ms = await runner.time(pool, inputShape, batch);
  pool.dispose();
  cache.set(key, ms);
  return ms;
}

async function profileLayer(model: Module, spec: LayerSpec, runner: LatencyRunner, batch: number, overheads: Map<string, number>): Promise<ProfiledLayer> {
  const samples: LatencySample[] = [];
  for (const nIn of gridWidths(spec.inWidth, spec.inVaries)) {
    for (const nOut of gridWidths(spec.outWidth, spec.outVaries)) {
      const { unit, inputShape } = unitAt(model, spec, nIn, nOut, runner.runtime === 'onnxruntime');
      try {
        const ms = await runner.time(unit, inputShape, batch);
        const overhead = await callOverhead(runner, inputShape, batch, overheads);
        // A sample at or under the overhead is noise: keep it positive so relative errors stay finite.
        samples.push([nIn, nOut, Math.max(ms - overhead, ms * 0.05)]);
      } finally {
        unit.dispose();
      }
    }
  }
  const fit = fitLayer(samples);
  return { ...fit, inWidth: spec.inWidth, outWidth: spec.outWidth, samples };
}

export async function profileLatency(model: Module, inputShape: readonly number[], options: ProfileOptions): Promise<LatencyProfile> {
  // Coupled groups are the finest grouping: a profile made with them serves runs with either mode.
  const graph = E.noGrad(() => buildStructureGraph(model, inputShape, { residualChannels: 'coupled' }));
  const specs = layerSpecs(model, inputShape, graph);
  const runner = await latencyRunner(options.runtime);
  try {
    return await profileWith(runner, model, inputShape, specs, options);
  } finally {
    runner.close();
  }
}

async function profileWith(runner: LatencyRunner, model: Module, inputShape: readonly number[], specs: readonly LayerSpec[], options: ProfileOptions): Promise<LatencyProfile> {
  // The whole network first: it also warms the runtime up (threads, allocator), which the first
  // layer's samples would otherwise pay for.
  const denseMs = await runner.time(model, inputShape, options.batch, NETWORK_EFFORT);
  const overheads = new Map<string, number>();
  const layers: Record<string, ProfiledLayer> = {};
  for (const [i, spec] of specs.entries()) {
    options.progress?.(`${i + 1}/${specs.length} ${spec.layer.module}`);
    layers[spec.layer.module] = await profileLayer(model, spec, runner, options.batch, overheads);
  }
  const fitted = specs.reduce((sum, s) => sum + layerMs(layers[s.layer.module] as ProfiledLayer, s.inWidth, s.outWidth), 0);
  const fit = relativeError(Object.values(layers).flatMap((l) => l.samples.map(([nIn, nOut, ms]): [number, number] => [layerMs(l, nIn, nOut), ms])));
  options.progress?.('calibration on the whole network');
  const calibration = options.build === undefined ? undefined : await calibrate(options.build, inputShape, layers, { model, ms: denseMs }, (m) => runner.time(m, inputShape, options.batch, NETWORK_EFFORT));
  // Timed again after everything else: how far this machine's timings move while it profiles, the
  // closest any latency budget on it can land.
  const denseRepeatMs = await runner.time(model, inputShape, options.batch, NETWORK_EFFORT);
  // A scale that is not positive would make pruning cost time: keep the plain fit then.
  const usable = calibration !== undefined && calibration.scale > 0 ? calibration : undefined;
  const scale = usable?.scale ?? 1;
  const perLayer = usable?.perLayerMs ?? 0;
  const scaled = Object.fromEntries(Object.entries(layers).map(([name, l]) => [name, { ...l, a: l.a * scale, b: l.b * scale, c: l.c * scale, d: l.d * scale + perLayer }]));
  const remainderMs = usable?.remainderMs ?? denseMs - fitted;
  options.progress?.('validation on random pruned networks');
  const validation = options.build === undefined ? undefined : await validate(options.build, inputShape, latencyModel({ layers: scaled, remainderMs }), (m) => runner.time(m, inputShape, options.batch, NETWORK_EFFORT));
  return {
    format: 1,
    model: options.modelName,
    runtime: options.runtime,
    batch: options.batch,
    inputShape: [...inputShape],
    threads: E.getNumThreads(),
    denseMs,
    denseRepeatMs,
    remainderMs,
    layers: scaled,
    fit,
    created: new Date().toISOString(),
    ...(validation === undefined ? {} : { validation }),
    ...(calibration === undefined ? {} : { calibration: { scale: calibration.scale, perLayerMs: calibration.perLayerMs, points: calibration.points, rmsRelative: calibration.rmsRelative, maxRelative: calibration.maxRelative } }),
  };
}
