// Workers in lockstep: after every structural change each worker hashes its network's shape and its
// training method's state, and all compare. Equal inputs give equal decisions, so a difference means
// a bug or a corrupted worker, and training on would silently train different networks.
import { createHash } from 'node:crypto';

/** Raised on every worker when their networks or method states differ. */
export class LockstepError extends Error {
  override name = 'LockstepError';

  constructor(
    readonly when: string,
    readonly ranks: readonly number[],
  ) {
    super(`workers out of lockstep at ${when}: rank${ranks.length > 1 ? 's' : ''} ${ranks.join(', ')} hold${ranks.length > 1 ? '' : 's'} a different network or pruning state from rank 0; the run stops rather than train different networks (its last checkpoint is intact)`);
  }
}

/** SHA-256 of the network's shape and the method's state, as six 32-bit numbers (exact in float64). */
export function lockstepDigest(structure: string, state: unknown): number[] {
  const hash = createHash('sha256').update(structure).update('\n').update(JSON.stringify(state ?? null)).digest();
  return Array.from({ length: 6 }, (_, i) => hash.readUInt32BE(4 * i));
}
