// Surgery written once per module kind, as "keep these output indices" and "keep these input indices",
// in a typed registry keyed by the module's class (the idea of Torch-Pruning's
// torch_pruning/pruner/function.py). A pruning algorithm (src/cat) works only through keep(), so a new
// layer kind (e.g. a gate that holds one probability per unit) needs one registerSurgery call, and no
// change to the algorithm. No pruning algorithm lives here.
import { BatchNorm } from './batchnorm.js';
import { ClassRegistry, type ModuleClass } from './class-registry.js';
import { Convolution } from './conv.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import type { ParameterSlice } from './parameter.js';
import type { InputSurgery, OutputSurgery, Side } from './surgery-types.js';

export type { InputSurgery, OutputSurgery, Side } from './surgery-types.js';

/** How to narrow one side of a module kind. */
export interface SideSurgery<M extends Module> {
  /** The current number of channels on this side. */
  width(module: M): number;
  /** Keeps `indices` (strictly increasing) and returns how each Parameter was narrowed. */
  keep(module: M, indices: readonly number[]): ParameterSlice[];
}

export interface SurgeryHandler<M extends Module> {
  readonly outputs?: SideSurgery<M>;
  readonly inputs?: SideSurgery<M>;
}

const registry = new ClassRegistry<SurgeryHandler<Module>>();

/**
 * Registers (or replaces) the surgery of a module class; subclasses inherit it unless they register
 * their own. Returns a function that puts back what was registered before (for scoped use in tests).
 */
export function registerSurgery<M extends Module>(kind: ModuleClass<M>, handler: SurgeryHandler<M>): () => void {
  // Sound: surgeryFor only hands this handler modules that are instances of `kind`.
  return registry.register(kind, handler as unknown as SurgeryHandler<Module>);
}

/** The handler for a module, found through its class chain, or undefined. */
export const surgeryFor = (module: Module): SurgeryHandler<Module> | undefined => registry.lookup(module);

function sideOf(module: Module, side: Side): SideSurgery<Module> {
  const handler = surgeryFor(module)?.[side];
  if (handler === undefined) {
    const known = registry.kinds((h) => h[side] !== undefined);
    throw new Error(
      `no '${side}' surgery is registered for ${module.kind} (registered: ${known.join(', ')}); ` +
        'register one with registerSurgery(TheClass, { outputs, inputs })',
    );
  }
  return handler;
}

/** Whether the module's channels on `side` can be narrowed. */
export const canKeep = (module: Module, side: Side): boolean => surgeryFor(module)?.[side] !== undefined;

/** The module's current channel count on `side`. */
export const widthOf = (module: Module, side: Side): number => sideOf(module, side).width(module);

/** Keeps channels `indices` on one side of a module (the single entry point for network surgery). */
export const keep = (module: Module, side: Side, indices: readonly number[]): ParameterSlice[] => sideOf(module, side).keep(module, indices);

/** The handler of a layer that implements the surgery interfaces itself. */
function delegate<M extends Module & OutputSurgery & InputSurgery>(): SurgeryHandler<M> {
  return {
    outputs: { width: (m) => m.outChannels, keep: (m, indices) => m.keepOutputs(indices) },
    inputs: { width: (m) => m.inChannels, keep: (m, indices) => m.keepInputs(indices) },
  };
}

registerSurgery(Linear, delegate<Linear>());
registerSurgery(Convolution, delegate<Convolution>());
registerSurgery(BatchNorm, delegate<BatchNorm>());
