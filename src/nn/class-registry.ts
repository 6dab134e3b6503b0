// A table from module class to handler, searched along a module's class chain so that a subclass
// inherits its parent's entry unless it registers its own. Surgery, channel scaling and residual
// blocks each keep one, so a pruning algorithm asks "what can this module do" without naming a class.
import type { Module } from './module.js';

/** A module class, abstract or not (the registry key). */
export type ModuleClass<M extends Module> = abstract new (...args: never[]) => M;

export class ClassRegistry<Handler> {
  private readonly entries = new Map<ModuleClass<Module>, Handler>();

  /** Registers (or replaces) the handler of a class; returns a function that puts back the one before. */
  register(kind: ModuleClass<Module>, handler: Handler): () => void {
    const previous = this.entries.get(kind);
    this.entries.set(kind, handler);
    return () => {
      if (previous === undefined) this.entries.delete(kind);
      else this.entries.set(kind, previous);
    };
  }

  /** The handler of the nearest registered class of `module`, or undefined. */
  lookup(module: Module): Handler | undefined {
    for (let proto: unknown = Object.getPrototypeOf(module); proto !== null; proto = Object.getPrototypeOf(proto)) {
      const handler = this.entries.get((proto as { constructor: ModuleClass<Module> }).constructor);
      if (handler !== undefined) return handler;
    }
    return undefined;
  }

  /** The names of the registered classes whose handler passes `test`, for messages. */
  kinds(test: (handler: Handler) => boolean): string[] {
    return [...this.entries].filter(([, handler]) => test(handler)).map(([kind]) => kind.name);
  }
}
