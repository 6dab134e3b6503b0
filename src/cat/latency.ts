// A latency cost model measured on a runtime (`catrain latency-profile`, docs/cat.md "Latency"): each
// counted layer costs theta_B * (a * n_in * n_out + b * n_in + c * n_out + d) milliseconds, where n_in
// and n_out are the kept units of its input and output groups, plus one constant for everything the
// layers do not cover. Every term is multilinear in the gates, as MACs are, so the expected latency
// under independent gates and its derivatives are exact (complexity.ts).

/** A layer's fitted cost in milliseconds; n_in and n_out count units of its groups. */
export interface LayerLatency {
  /** Per (input unit, output unit) pair. */
  readonly a: number;
  /** Per input unit. */
  readonly b: number;
  /** Per output unit. */
  readonly c: number;
  /** Fixed: only removing the layer (its block) saves it. */
  readonly d: number;
}

/** One measurement of a layer unit: its input and output widths and the median time. */
export type LatencySample = readonly [nIn: number, nOut: number, ms: number];

export interface ProfiledLayer extends LayerLatency {
  readonly inWidth: number;
  readonly outWidth: number;
  readonly samples: readonly LatencySample[];
  /** Root mean square and largest relative error of the fit against the samples. */
  readonly rmsRelative: number;
  readonly maxRelative: number;
}

export type LatencyRuntime = 'libtorch' | 'onnxruntime';
export const LATENCY_RUNTIMES: readonly LatencyRuntime[] = ['libtorch', 'onnxruntime'];

/** What `catrain latency-profile` writes (format 1). */
export interface LatencyProfile {
  readonly format: 1;
  readonly model: string;
  readonly runtime: LatencyRuntime;
  readonly batch: number;
  /** One example's shape, [C, H, W] or [F]. */
  readonly inputShape: readonly number[];
  readonly threads: number;
  /** The whole dense network, measured: the median of the timed runs. */
  readonly denseMs: number;
  /** The dense network timed again at the end of the profile (absent in profiles made before it was). */
  readonly denseRepeatMs?: number;
  /** denseMs less the fitted layers at full width: pooling, the input, calls between layers. */
  readonly remainderMs: number;
  readonly layers: Readonly<Record<string, ProfiledLayer>>;
  /** Over every sample of every layer, before calibration. */
  readonly fit: { readonly rmsRelative: number; readonly maxRelative: number };
  /**
   * The whole network timed narrowed uniformly, and the scale applied to every layer's coefficients
   * (and the remainder) so that the model matches it; absent when the profile was not calibrated.
   */
  readonly calibration?: {
    readonly scale: number;
    readonly perLayerMs: number;
    readonly points: readonly { readonly fraction: number; readonly blocksRemoved: boolean; readonly layers: number; readonly measuredMs: number; readonly layersMs: number }[];
    readonly rmsRelative: number;
    readonly maxRelative: number;
  };
  /**
   * Random pruned networks of the kind a run ends with, timed whole against the model's prediction
   * (not fitted to); absent when the profile was not calibrated.
   */
  readonly validation?: {
    readonly points: readonly { readonly blocksRemoved: number; readonly predictedMs: number; readonly measuredMs: number }[];
    readonly rmsRelative: number;
    readonly maxRelative: number;
  };
  readonly created: string;
}

/** The cost model complexity.ts evaluates: a layer's terms by module path, and the constant. */
export interface LatencyModel {
  layer(module: string): LayerLatency | undefined;
  readonly remainderMs: number;
}

export function latencyModel(profile: Pick<LatencyProfile, 'layers' | 'remainderMs'>): LatencyModel {
  const layers = new Map(Object.entries(profile.layers));
  return { layer: (module) => layers.get(module), remainderMs: profile.remainderMs };
}

/** The fitted time of a layer at widths n_in, n_out. */
export function layerMs(l: LayerLatency, nIn: number, nOut: number): number {
  return l.a * nIn * nOut + l.b * nIn + l.c * nOut + l.d;
}

/** Thrown for a profile file that cannot be used; the message names the file and the problem. */
export class LatencyProfileError extends Error {
  override name = 'LatencyProfileError';
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a parsed profile; throws a LatencyProfileError naming `source` and the first problem. */
export function checkedLatencyProfile(value: unknown, source: string): LatencyProfile {
  const fail = (problem: string): never => {
    throw new LatencyProfileError(`${source}: ${problem}; write one with \`catrain latency-profile --model M --out FILE\``);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a latency profile (expected a JSON object)');
  const p = value as Record<string, unknown>;
  if (p['format'] !== 1) fail(`unknown format ${JSON.stringify(p['format'])} (this catrain reads format 1)`);
  if (typeof p['model'] !== 'string') fail('no model name');
  if (!LATENCY_RUNTIMES.includes(p['runtime'] as LatencyRuntime)) fail(`unknown runtime ${JSON.stringify(p['runtime'])}`);
  if (!Number.isInteger(p['batch']) || (p['batch'] as number) < 1) fail('batch must be a positive integer');
  if (!Array.isArray(p['inputShape']) || !p['inputShape'].every((d) => Number.isInteger(d) && d > 0)) fail('inputShape must be a list of positive integers');
  if (!finite(p['denseMs']) || p['denseMs'] <= 0) fail('denseMs must be a positive number');
  if (!finite(p['remainderMs'])) fail('remainderMs must be a number');
  if (p['denseRepeatMs'] !== undefined && !(finite(p['denseRepeatMs']) && p['denseRepeatMs'] > 0)) fail('denseRepeatMs must be a positive number');
  const layers = p['layers'];
  if (typeof layers !== 'object' || layers === null || Object.keys(layers).length === 0) fail('no layers');
  for (const [name, l] of Object.entries(layers as Record<string, unknown>)) {
    const layer = l as Record<string, unknown> | null;
    if (layer === null || typeof layer !== 'object' || !['a', 'b', 'c', 'd'].every((k) => finite(layer[k]))) fail(`layer '${name}' needs finite coefficients a, b, c and d`);
  }
  return value as LatencyProfile;
}

/** The counted layers of `graph` the profile has no terms for (a profile of another network). */
export function unprofiledLayers(graph: { readonly layers: readonly { readonly module: string }[] }, profile: LatencyProfile): string[] {
  return graph.layers.map((l) => l.module).filter((m) => profile.layers[m] === undefined);
}
