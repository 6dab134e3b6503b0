// What a failed store or collective call means, and what to do about it. libtorch and gloo word
// their failures in many ways; this reads the native message once and names the failure.

/** The kinds of failure a caller may want to act on differently. */
export type DistributedFailure =
  /** A peer did not take part in time (stopped, hung, or running a different step). */
  | 'timeout'
  /** A peer's connection closed: it exited or was killed. */
  | 'peer-lost'
  /** Nothing answered at the store's address within the timeout. */
  | 'unreachable'
  /** The server's port is taken. */
  | 'address-in-use'
  /** Not every member joined the store or the group in time (often a world-size mismatch). */
  | 'incomplete-join'
  /** The ranks made different calls (another collective, or other shapes or dtypes); caught before any data moved. */
  | 'mismatch'
  /** The group refused the call because an earlier collective failed. */
  | 'broken'
  /** The store or group was disposed. */
  | 'disposed'
  /** The call's arguments cannot work (a dtype the collectives do not carry, a tensor on the wrong device). */
  | 'invalid'
  /** This build lacks the backend. */
  | 'unsupported'
  /** Anything else libtorch reported. */
  | 'failed';

export interface DistributedContext {
  /** What was being done: 'allReduce', 'TcpStore get', ... */
  operation: string;
  /** Which layer: a store call, a group's rendezvous, or a collective. The advice depends on it. */
  kind: 'store' | 'rendezvous' | 'collective';
  rank?: number;
  worldSize?: number;
  /** host:port of the store, when the failure concerns it. */
  endpoint?: string;
  /** What the heartbeats said after a failed collective (ProcessGroup), when they were read. */
  liveness?: Liveness;
}

/** Which peers still had a heartbeat after a collective failed. */
export type Liveness =
  | { kind: 'read'; lostRanks: number[]; silentForMs: number }
  /** The store could not be read: its host, rank 0 by convention, is gone. */
  | { kind: 'store-lost' };

/** A store or collective failure, with its kind, what to do, and libtorch's own message. */
export class DistributedError extends Error {
  readonly operation: string;
  readonly failure: DistributedFailure;
  readonly rank: number | undefined;
  readonly worldSize: number | undefined;
  /** libtorch's or gloo's message, unchanged. */
  readonly nativeMessage: string;
  /** The ranks whose heartbeat had stopped when the failure was examined (empty: all alive, or not examined). */
  readonly lostRanks: readonly number[];

  constructor(failure: DistributedFailure, context: DistributedContext, nativeMessage: string, options?: ErrorOptions) {
    super(compose(failure, context, nativeMessage), options);
    this.name = 'DistributedError';
    this.operation = context.operation;
    this.failure = failure;
    this.rank = context.rank;
    this.worldSize = context.worldSize;
    this.nativeMessage = nativeMessage;
    this.lostRanks = context.liveness?.kind === 'read' ? context.liveness.lostRanks : [];
  }
}

// Checked in order: the first pattern that matches names the failure.
const PATTERNS: readonly [DistributedFailure, RegExp][] = [
  ['address-in-use', /address already in use|EADDRINUSE/i],
  ['peer-lost', /connection (closed|reset) by peer|broken pipe|ECONNRESET|EPIPE|socket closed|connection closed/i],
  ['incomplete-join', /waiting for (clients|workers)|clients joined|workers joined/i],
  ['unreachable', /(while trying to )?connect(ing)? to|connection refused|ECONNREFUSED|no route to host|name or service not known/i],
  ['timeout', /timed? ?out|timeout|deadline/i],
];

const NATIVE_CODES: Readonly<Record<string, DistributedFailure>> = {
  timeout: 'timeout',
  broken: 'broken',
  mismatch: 'mismatch',
  disposed: 'disposed',
  invalid: 'invalid',
  unsupported: 'unsupported',
};

/** Names the failure from the addon's error: its code when it set one, otherwise its wording. */
export function classify(error: unknown): DistributedFailure {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const fromCode = NATIVE_CODES[code];
  const message = messageOf(error);
  // A timeout reported by the addon may still have been caused by a lost peer or an absent one.
  if (fromCode !== undefined && fromCode !== 'timeout') return fromCode;
  for (const [failure, pattern] of PATTERNS) if (pattern.test(message)) return failure;
  return fromCode ?? 'failed';
}

/** Wraps an error thrown by a distributed addon entry; a DistributedError passes through. */
export function toDistributedError(error: unknown, context: DistributedContext): DistributedError {
  if (error instanceof DistributedError) return error;
  let failure = classify(error);
  // A rendezvous waits for every rank's address in the store: running out of time there means
  // that some rank never arrived.
  if (context.kind === 'rendezvous' && failure === 'timeout') failure = 'incomplete-join';
  return new DistributedError(failure, context, messageOf(error), { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function where(context: DistributedContext): string {
  const parts = [context.operation];
  if (context.rank !== undefined) parts.push(`on rank ${context.rank}${context.worldSize === undefined ? '' : ` of ${context.worldSize}`}`);
  if (context.endpoint !== undefined) parts.push(`(store ${context.endpoint})`);
  return parts.join(' ');
}

type Advice = Readonly<Record<DistributedFailure, string>>;

const WHAT: Advice = {
  timeout: 'timed out',
  'peer-lost': 'lost the connection to a peer, which probably exited or was killed',
  unreachable: 'could not reach the store server',
  'address-in-use': 'could not listen: the port is already in use',
  'incomplete-join': 'gave up: not every member joined in time',
  mismatch: 'found that the ranks made different calls',
  broken: 'was refused: the process group is unusable after an earlier failure',
  disposed: 'was called on a disposed store or process group',
  invalid: 'was given arguments it cannot use',
  unsupported: 'is not available in this build',
  failed: 'failed',
};

const FIX: Advice = {
  timeout:
    'Check that every rank is alive and makes the same collective calls in the same order, or raise timeoutMs if a step legitimately takes longer. The group is unusable now: dispose it.',
  'peer-lost': 'The group is unusable now: dispose it, and restart every rank (from the last checkpoint).',
  unreachable:
    'Start the member that hosts the store (rank 0) first, and check that every member uses the same master address and port and that the address is reachable from here.',
  'address-in-use': 'Choose another master port (port 0 lets the server pick a free one), or stop the process that holds it.',
  'incomplete-join':
    'Check that the world size is the same on every rank and that as many ranks were started, all with the same master address and port.',
  mismatch:
    'Every rank must make the same collective calls in the same order, with tensors of the same shapes and dtypes. The group is unusable now: dispose it.',
  broken: 'Dispose this group and create a new one on every rank.',
  disposed: 'Keep the store or group alive until its last use.',
  invalid: 'The native message names the argument and what to change.',
  unsupported:
    "Rebuild the addon where gloo's headers (and for NCCL a CUDA libtorch and nccl.h) are found, or use a backend this build has: docs/engine.md, Distributed entries.",
  failed: 'The native message gives the cause.',
};

// A store call that times out waited for a key nobody set, and one that loses its connection lost
// the store's host: neither is about a process group.
const STORE_FIX: Partial<Advice> = {
  timeout: 'The member expected to set the key has not: check that it is alive and uses the same store, or raise timeoutMs.',
  'peer-lost': 'The member hosting the store (rank 0) exited or was killed: restart every member.',
};

function describeLiveness(liveness: Liveness | undefined): string {
  if (liveness === undefined) return '';
  if (liveness.kind === 'store-lost') return ' The store cannot be reached either: its host (rank 0 by convention) died or was killed.';
  const { lostRanks, silentForMs } = liveness;
  if (lostRanks.length === 0) {
    return ' Every other rank still has a heartbeat: one of them is alive but did not make this call (a hang, or a different step).';
  }
  const ranks = lostRanks.join(', ');
  return ` Rank${lostRanks.length > 1 ? 's' : ''} ${ranks} stopped responding (no heartbeat for ${silentForMs} ms): died, killed or frozen.`;
}

function compose(failure: DistributedFailure, context: DistributedContext, nativeMessage: string): string {
  const fix = (context.kind === 'store' ? STORE_FIX[failure] : undefined) ?? FIX[failure];
  return `${where(context)} ${WHAT[failure]}.${describeLiveness(context.liveness)} ${fix}\n  native: ${nativeMessage.split('\n')[0] ?? ''}`;
}
