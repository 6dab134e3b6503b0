// Per-channel multipliers carried by a layer's parameters, written once per module kind in a registry
// keyed by class (as surgery.ts). Scaling a conv's or a linear's input channel c by s_c is scaling
// column c of its weight, and scaling a BatchNorm's output channel is scaling its affine weight and
// bias; carried by the weights, the multiply costs O(weights) instead of a pass over the activation
// and its gradient. A side's registration names the parameters that carry its channels; the scale is
// attached as a parametrization, so the layer keeps no field for it and its stored weights stay.
import * as E from '../engine/index.js';
import { BatchNorm } from './batchnorm.js';
import { ClassRegistry, type ModuleClass } from './class-registry.js';
import { Convolution } from './conv.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import type { Parameter } from './parameter.js';
import type { Side } from './surgery-types.js';

/**
 * Called at each forward; returns the multiplier for this call or null for none. A function rather
 * than a tensor so the owner can answer by the module's mode (training or eval) at call time.
 */
export type ChannelScale = (module: Module) => E.Tensor | null;

/** A parameter that carries one side's channels, along `dim`. */
export interface ChannelCarrier {
  readonly parameter: string;
  readonly dim: number;
}

/** Where one side's channels live in a module kind's parameters. */
export interface ChannelScaleSide<M extends Module> {
  readonly carriers: readonly ChannelCarrier[];
  /** Why this module's channels on this side cannot be scaled, or null when they can. */
  readonly refuse?: (module: M) => string | null;
}

export interface ChannelScaleHandler<M extends Module> {
  readonly outputs?: ChannelScaleSide<M>;
  readonly inputs?: ChannelScaleSide<M>;
}

const registry = new ClassRegistry<ChannelScaleHandler<Module>>();

/**
 * Registers (or replaces) how a module class's channels are scaled; subclasses inherit it. Returns a
 * function that puts back what was registered before.
 */
export function registerChannelScale<M extends Module>(kind: ModuleClass<M>, handler: ChannelScaleHandler<M>): () => void {
  // Sound: the registry only hands this handler modules that are instances of `kind`.
  return registry.register(kind, handler as unknown as ChannelScaleHandler<Module>);
}

/** Why the module's channels on `side` cannot be scaled, or null when they can. */
export function channelScaleProblem(module: Module, side: Side): string | null {
  const handler = registry.lookup(module)?.[side];
  if (handler === undefined) {
    const known = registry.kinds((h) => h[side] !== undefined);
    return `no '${side}' channel scale is registered for ${module.kind} (registered: ${known.join(', ')}); register one with registerChannelScale(TheClass, { ${side} })`;
  }
  return handler.refuse?.(module) ?? null;
}

export const canScaleChannels = (module: Module, side: Side): boolean => channelScaleProblem(module, side) === null;

/** The side's carriers with their holders; throws when the channels cannot be scaled. */
function carriersOf(module: Module, side: Side): { parameter: string; dim: number; holder: Parameter }[] {
  const problem = channelScaleProblem(module, side);
  if (problem !== null) throw new Error(`${module.kind}: cannot scale its ${side}: ${problem}`);
  const { parameters } = module.ownTensors();
  return (registry.lookup(module)?.[side] as ChannelScaleSide<Module>).carriers.map(({ parameter, dim }) => {
    const holder = parameters.get(parameter);
    if (holder === undefined) throw new Error(`${module.kind}: the channel scale of its ${side} names parameter '${parameter}', which it does not have`);
    return { parameter, dim, holder };
  });
}

/** `weight` with slice i along `dim` multiplied by scale[i] (scale: 1-d, or 0-d for all of it). */
export function scaleAlong(weight: E.Tensor, scale: E.Tensor, dim: number): E.Tensor {
  if (scale.ndim === 0) return weight.mul(scale);
  const shape = weight.shape.map((size, d) => (d === dim ? size : 1));
  if (scale.numel !== weight.shape[dim]) {
    throw new RangeError(`channel scale of ${scale.numel} entries for a weight of ${weight.shape[dim]} along dim ${dim}`);
  }
  return weight.mul(scale.view(shape));
}

/**
 * Multiplies the module's channels on `side` by scale(module) at every forward, through the
 * parameters that carry them. Returns the function that takes the scale off again.
 */
export function scaleChannels(module: Module, side: Side, scale: ChannelScale): () => void {
  const removers = carriersOf(module, side).map(({ parameter, dim }) =>
    module.registerParametrization(parameter, (value) => {
      const factor = scale(module);
      return factor === null ? value : scaleAlong(value, factor, dim);
    }),
  );
  return () => {
    for (const remove of removers) remove();
  };
}

/** Sets the module's channels `indices` on `side` to zero in its stored parameters (scale 0 for good). */
export function zeroChannels(module: Module, side: Side, indices: readonly number[]): void {
  const carriers = carriersOf(module, side);
  for (const { dim, holder } of carriers) {
    const width = holder.value.shape[dim] as number;
    const bad = indices.find((index) => !Number.isInteger(index) || index < 0 || index >= width);
    if (bad !== undefined) throw new RangeError(`${module.kind}: cannot zero channel ${bad} of its ${side}: expected integers in [0, ${width})`);
  }
  E.noGrad(() =>
    E.scope(() => {
      for (const { dim, holder } of carriers) for (const index of indices) E.zero_(holder.value.narrow(dim, index, 1));
    }),
  );
}

const weightColumns: readonly ChannelCarrier[] = [{ parameter: 'weight', dim: 1 }];

registerChannelScale(Linear, { inputs: { carriers: weightColumns } });
registerChannelScale(Convolution, {
  inputs: {
    carriers: weightColumns,
    // A grouped conv's weight holds in / groups columns, each read by the filters of one group only.
    refuse: (conv) => (conv.groups === 1 ? null : `a grouped conv (groups = ${conv.groups}) has no weight column per input channel; only groups = 1 is supported`),
  },
});
registerChannelScale(BatchNorm, {
  outputs: {
    carriers: [
      { parameter: 'weight', dim: 0 },
      { parameter: 'bias', dim: 0 },
    ],
    refuse: (norm) => (norm.weight === null ? 'a non-affine norm has no weight and bias to carry a scale (affine = false)' : null),
  },
});
