// What the store and the process group share: timeouts, the build check, and the GC backstop.
import { native, type DistHandle } from '../native.js';
import { DistributedError } from './error.js';

/**
 * The default bound on connecting, joining and every collective. libtorch's own default is five
 * minutes for a store and thirty for a group, which is how long a run would sit on a dead peer.
 */
export const DEFAULT_TIMEOUT_MS = 60_000;

export function checkTimeout(what: string, timeoutMs: number): number {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs >= 2 ** 31) {
    throw new RangeError(`${what}: timeoutMs must be a whole number of milliseconds from 1 to 2^31 - 1, got ${timeoutMs}`);
  }
  return timeoutMs;
}

/** The backends this build of the addon can create: ['gloo'], ['gloo', 'nccl'], or [] without gloo's headers. */
export function distributedBackends(): string[] {
  return native.distBackends();
}

export function requireDistributed(what: string, backend = 'gloo'): void {
  const backends = distributedBackends();
  if (backends.includes(backend)) return;
  const why =
    backends.length === 0
      ? 'the addon was built without the distributed entries (gloo headers not found at build time)'
      : `the addon was built with ${backends.join(', ')} only`;
  throw new DistributedError('unsupported', { operation: what, kind: what === 'TcpStore' ? 'store' : 'rendezvous' }, why);
}

// A store or group dropped without dispose() is freed once the GC finds it unreachable. Collected
// objects are rare (one store and one group per process), so the registry costs nothing that matters.
const registry = new FinalizationRegistry<DistHandle>((id) => {
  native.distDispose(id);
});

export function trackDisposable(owner: object, id: DistHandle): void {
  registry.register(owner, id, owner);
}

export function untrackDisposable(owner: object): void {
  registry.unregister(owner);
}
