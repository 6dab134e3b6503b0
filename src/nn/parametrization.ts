// Functions of a parameter's value that a module's forward uses in its place (the idea of
// torch.nn.utils.parametrize). Something that changes how a layer uses its weights for a while (a
// per-channel scale, a mask) attaches here instead of becoming a field of the layer, and the stored
// tensor, which the optimiser updates and the state dict saves, stays as it is.
import type * as E from '../engine/index.js';

/** Returns what forward uses for `value`; returning `value` itself leaves it as it is for this call. */
export type Parametrization = (value: E.Tensor) => E.Tensor;

/** One module's parametrizations, by parameter name; several on one parameter apply in registration order. */
export class Parametrizations {
  private readonly byName = new Map<string, Parametrization[]>();

  /** Adds fn to parameter `name`; returns a function that removes it again. */
  add(name: string, fn: Parametrization): () => void {
    const list = this.byName.get(name) ?? [];
    list.push(fn);
    this.byName.set(name, list);
    return () => {
      const at = list.indexOf(fn);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** `value` (parameter `name`'s stored tensor) through its parametrizations. */
  apply(name: string, value: E.Tensor): E.Tensor {
    let current = value;
    for (const fn of this.byName.get(name) ?? []) current = fn(current);
    return current;
  }
}
