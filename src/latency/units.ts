// What the profiler times for each counted layer: the layer alone, rebuilt at a grid of input and
// output widths with its own kernel, stride and padding, followed by the BatchNorm and ReLU that
// follow it in the network (a conv) or the ReLU (a hidden Linear), at the input size it sees there.
import * as E from '../engine/index.js';
import * as nn from '../nn/index.js';
import type { Module } from '../nn/index.js';
import type { CountedLayer, StructureGraph } from '../cat/graph-types.js';

/** A counted layer as the profiler sees it. */
export interface LayerSpec {
  readonly layer: CountedLayer;
  /** The layer's input for one example as the network gives it ([C, H, W] or [F]). */
  readonly inputShape: readonly number[];
  readonly inWidth: number;
  readonly outWidth: number;
  /** Whether the gates can change each width (otherwise it is measured at its one value). */
  readonly inVaries: boolean;
  readonly outVaries: boolean;
  readonly normed: boolean;
  readonly activated: boolean;
}

/** The input shape of every counted layer of `model`, from one eval-mode forward at batch 1. */
function layerInputs(model: Module, inputShape: readonly number[], modules: readonly string[]): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const removers = modules.map((path) => model.getSubmodule(path).registerForwardPreHook((_, x) => void shapes.set(path, x.shape.slice(1))));
  const modes = model.modules().map((m) => [m, m.training] as const);
  try {
    model.eval();
    E.noGrad(() => E.scope(() => void model.forward(E.randn([1, ...inputShape]))));
  } finally {
    for (const remove of removers) remove();
    for (const [m, mode] of modes) m.train(mode);
  }
  return shapes;
}

export function layerSpecs(model: Module, inputShape: readonly number[], graph: StructureGraph): LayerSpec[] {
  const groups = new Map(graph.groups.map((g) => [g.id, g] as const));
  const inputs = layerInputs(model, inputShape, graph.layers.map((l) => l.module));
  return graph.layers.map((layer) => {
    const shape = inputs.get(layer.module);
    if (shape === undefined) throw new Error(`latency profile: the forward never reached ${layer.module}`);
    const inGroup = groups.get(layer.inGroup);
    const outGroup = groups.get(layer.outGroup);
    const module = model.getSubmodule(layer.module) as nn.WeightedLayer;
    return {
      layer,
      inputShape: shape,
      inWidth: inGroup?.width ?? module.inChannels / layer.inExpand,
      outWidth: outGroup?.width ?? module.outChannels,
      inVaries: !layer.constant && inGroup?.prunable === true,
      outVaries: !layer.constant && outGroup?.prunable === true,
      normed: (outGroup?.norms.length ?? 0) > 0 && layer.op !== 'linear',
      activated: layer.op !== 'linear' || (outGroup?.consumers.length ?? 0) > 0,
    };
  });
}

/** A global average pool over one example of `inputShape` ([C, L] or [C, H, W]). */
export const globalPool = (inputShape: readonly number[]): Module => (inputShape.length === 2 ? new nn.GlobalAvgPool1d() : new nn.GlobalAvgPool2d());

/** The widths a side is timed at: a quarter, half, three quarters and all of it, when it can change. */
export function gridWidths(width: number, varies: boolean): number[] {
  if (!varies) return [width];
  return [...new Set([0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.round(f * width))))];
}

/**
 * The layer rebuilt at `nIn` input and `nOut` output units, with the input one example of it takes.
 * `pooled` ends a conv unit with a global average pool, so that a runtime that copies its outputs
 * back (onnxruntime) copies [N, C] instead of the whole map.
 */
export function unitAt(model: Module, spec: LayerSpec, nIn: number, nOut: number, pooled = false): { unit: Module; inputShape: number[] } {
  const source = model.getSubmodule(spec.layer.module);
  const parts: Module[] = [];
  let inputShape: number[];
  if (source instanceof nn.Conv1d || source instanceof nn.Conv2d) {
    const oneD = source instanceof nn.Conv1d;
    parts.push(oneD ? new nn.Conv1d(nIn, nOut, source.kernelSize, { ...source.settings(), groups: 1 }) : new nn.Conv2d(nIn, nOut, source.kernelSize, { ...source.settings(), groups: 1 }));
    if (spec.normed) parts.push(oneD ? new nn.BatchNorm1d(nOut) : new nn.BatchNorm2d(nOut));
    inputShape = [nIn, ...spec.inputShape.slice(1)];
  } else if (source instanceof nn.Linear) {
    // Fed as [F, 1, 1] and flattened: the ONNX export takes image-shaped inputs, and the flatten
    // of a contiguous batch is free in both runtimes.
    parts.push(new nn.Flatten(), new nn.Linear(nIn * spec.layer.inExpand, nOut, { bias: source.bias !== null }));
    inputShape = [nIn * spec.layer.inExpand, 1, 1];
  } else {
    throw new Error(`latency profile: ${spec.layer.module} is a ${source.kind}, not a Conv1d, Conv2d or Linear`);
  }
  if (spec.activated) parts.push(new nn.ReLU());
  if (pooled && source instanceof nn.Convolution) parts.push(globalPool(inputShape));
  return { unit: new nn.Sequential(...parts), inputShape };
}
