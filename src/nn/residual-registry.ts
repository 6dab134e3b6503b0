// Which modules are residual blocks, in a registry keyed by class (as surgery.ts). A pruning algorithm
// finds a block's branch and shortcut, hooks its branch output and removes its branch through
// residualOf(), never through a class, so a block that does not derive from ResidualBlock joins with
// one registerResidual call.
import { ClassRegistry, type ModuleClass } from './class-registry.js';
import type { Module } from './module.js';
import { ResidualBlock, type Residual } from './residual.js';

const registry = new ClassRegistry<(module: Module) => Residual>();

/** Registers (or replaces) how instances of `kind` are seen as residual blocks; returns the undo. */
export function registerResidual<M extends Module>(kind: ModuleClass<M>, view: (module: M) => Residual): () => void {
  // Sound: residualOf only hands this view modules that are instances of `kind`.
  return registry.register(kind, view as (module: Module) => Residual);
}

/** The module as a residual block, or undefined when its class is not registered as one. */
export function residualOf(module: Module): Residual | undefined {
  return registry.lookup(module)?.(module);
}

registerResidual(ResidualBlock, (block) => block);
