// The garbage collector's backstop for tensors that no scope owns: one dropped without dispose() has its
// native memory freed once the GC finds it unreachable. Registration is deferred: a new unowned tensor
// waits in a short nursery, and only those still undisposed when the nursery is emptied (when it is
// full, or when the current job yields to the event loop) are registered with the FinalizationRegistry.
// The common `x.op().dispose()` so never touches the registry, which matters because a registration
// with its unregistration cost about 0.27 us per op, a quarter of a tiny op (bench/engine-overhead.ts),
// and a registration left behind by dispose() keeps ~90 bytes alive until the job yields.
import { native, type Handle } from './native.js';

export interface BackstopTarget {
  readonly isDisposed: boolean;
  /** The live handle; only read while not disposed. */
  readonly handle: Handle;
}

// A late finalizer for a handle that dispose() already freed is a no-op: the addon's generation check
// rejects the stale handle, so entries are never unregistered.
const registry = new FinalizationRegistry<Handle>((handle) => {
  native.dispose(handle);
});

/** How many unowned tensors may wait before the nursery is emptied within the same job. */
const NURSERY_LIMIT = 1024;
const nursery: BackstopTarget[] = [];
let emptyingScheduled = false;

function emptyNursery(): void {
  for (const target of nursery) if (!target.isDisposed) registry.register(target, target.handle);
  nursery.length = 0;
}

/** Puts a tensor that no scope will free under the backstop. */
export function guardWithBackstop(target: BackstopTarget): void {
  nursery.push(target);
  if (nursery.length >= NURSERY_LIMIT) {
    emptyNursery();
  } else if (!emptyingScheduled) {
    emptyingScheduled = true;
    setImmediate(() => {
      emptyingScheduled = false;
      emptyNursery();
    }).unref();
  }
}
