// ProcessGroup: c10d's collectives among `worldSize` processes that share a TcpStore. Every call is
// synchronous and bounded by a timeout; all ranks must make the same calls in the same order.
import { native, type DistHandle } from '../native.js';
import { Tensor } from '../tensor.js';
import { classify, DistributedError, toDistributedError, type Liveness } from './error.js';
import type { TcpStore } from './store.js';
import { checkTimeout, DEFAULT_TIMEOUT_MS, requireDistributed, trackDisposable, untrackDisposable } from './support.js';

export type DistributedBackend = 'gloo' | 'nccl';

export interface ProcessGroupOptions {
  store: TcpStore;
  rank: number;
  worldSize: number;
  /** 'gloo' (CPU, and CUDA tensors through host copies) or 'nccl' (CUDA, when the build has it). Default 'gloo'. */
  backend?: DistributedBackend;
  /**
   * The address of this machine that Gloo binds to and the peers connect to. Default: 127.0.0.1
   * when the store's host is a loopback address; otherwise give this or `interface`, since the host
   * name may resolve to 127.0.1.1, which other machines cannot reach.
   */
  address?: string;
  /** A network interface to bind Gloo to instead (e.g. 'eth0'); GLOO_SOCKET_IFNAME is read when neither is given. */
  interface?: string;
  /** Bounds the rendezvous and every collective that does not pass its own. Default 60 s. */
  timeoutMs?: number;
  /** Gloo's worker threads: how many collectives can be in flight at once. Default 2. */
  threads?: number;
  /** The key prefix of this group on the store; by default pg0, pg1, ... in creation order. */
  name?: string;
  /**
   * How often this rank's heartbeat thread bumps its counter on the store, so that after a failed
   * collective the error can name the ranks that stopped responding. 0 turns it off. Default 1000.
   */
  heartbeatMs?: number;
}

export interface CollectiveOptions {
  /** Default: the group's timeout. */
  timeoutMs?: number;
}

export interface CoalescedOptions extends CollectiveOptions {
  /** Bucket size in bytes: consecutive tensors of one dtype are packed into flat buckets of about this size. */
  bucketBytes?: number;
  /** Multiplies the sums before they are written back, e.g. 1 / worldSize for the mean. Default 1. */
  scale?: number;
}

/** The bucket size allReduceCoalesced uses by default (docs/benchmarks.md, distributed all-reduce). */
export const DEFAULT_BUCKET_BYTES = 4 * 1024 * 1024;

export class ProcessGroup {
  readonly rank: number;
  readonly worldSize: number;
  readonly backend: DistributedBackend;
  readonly timeoutMs: number;
  readonly name: string;
  readonly heartbeatMs: number;
  private readonly store: TcpStore;
  private id: DistHandle;

  /** Joins the group: blocks until every rank has, or throws a DistributedError after the timeout. */
  constructor(options: ProcessGroupOptions) {
    const backend = options.backend ?? 'gloo';
    if (backend !== 'gloo' && backend !== 'nccl') throw new TypeError(`ProcessGroup: backend must be 'gloo' or 'nccl', got '${String(backend)}'`);
    requireDistributed('ProcessGroup', backend);
    const { store, rank, worldSize } = options;
    if (!Number.isInteger(worldSize) || worldSize < 1) throw new RangeError(`ProcessGroup: worldSize must be a positive integer, got ${worldSize}`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
      throw new RangeError(`ProcessGroup: rank must be an integer in [0, ${worldSize - 1}], got ${rank}`);
    }
    const threads = options.threads ?? 2;
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`ProcessGroup: threads must be an integer in [1, 64], got ${threads}`);
    this.timeoutMs = checkTimeout('ProcessGroup', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    if (!Number.isInteger(this.heartbeatMs) || this.heartbeatMs < 0 || this.heartbeatMs > 3_600_000) {
      throw new RangeError(`ProcessGroup: heartbeatMs must be an integer in [0, 3600000] (0: none), got ${this.heartbeatMs}`);
    }
    this.store = store;
    const { address, networkInterface } = bindTarget(options);
    this.name = options.name ?? store.nextGroupName();
    this.rank = rank;
    this.worldSize = worldSize;
    this.backend = backend;
    try {
      this.id = native.distGroupCreate(store.handle, rank, worldSize, backend, address, networkInterface, this.timeoutMs, threads, this.name, this.heartbeatMs);
    } catch (error) {
      throw toDistributedError(error, { operation: `ProcessGroup '${this.name}' rendezvous`, kind: 'rendezvous', rank, worldSize, endpoint: `${store.host}:${store.port}` });
    }
    trackDisposable(this, this.id);
  }

  get isDisposed(): boolean {
    return this.id < 0;
  }

  /** Why the group refuses collectives (an earlier one failed or timed out), or null while usable. */
  get brokenReason(): string | null {
    return native.distGroupBroken(this.handle);
  }

  /** The addon handle; throws once disposed. */
  get handle(): DistHandle {
    if (this.id < 0) throw new DistributedError('disposed', { operation: 'ProcessGroup', kind: 'collective', rank: this.rank, worldSize: this.worldSize }, 'the group was disposed');
    return this.id;
  }

  /** Sums each tensor in place across the ranks (one collective per tensor, all in flight together). */
  allReduce(tensors: Tensor | readonly Tensor[], options: CollectiveOptions = {}): void {
    const handles = handlesOf('allReduce', tensors);
    const timeout = this.timeout('allReduce', options);
    this.call('allReduce', () => native.distAllReduce(this.handle, handles, timeout));
  }

  /**
   * Sums many tensors in place with few collectives: they are packed in order into flat buckets of
   * about `bucketBytes`, each bucket reduced as one, and the sums (times `scale`) copied back.
   */
  allReduceCoalesced(tensors: readonly Tensor[], options: CoalescedOptions = {}): void {
    const handles = handlesOf('allReduceCoalesced', tensors);
    const bucketBytes = options.bucketBytes ?? DEFAULT_BUCKET_BYTES;
    if (!Number.isSafeInteger(bucketBytes) || bucketBytes < 1) throw new RangeError(`allReduceCoalesced: bucketBytes must be a positive integer, got ${bucketBytes}`);
    const scale = options.scale ?? 1;
    if (!Number.isFinite(scale)) throw new RangeError(`allReduceCoalesced: scale must be a finite number, got ${scale}`);
    const timeout = this.timeout('allReduceCoalesced', options);
    this.call('allReduceCoalesced', () => native.distAllReduceCoalesced(this.handle, handles, bucketBytes, scale, timeout));
  }

  /** Gives every rank's tensors the values of rank `root`'s, in place. */
  broadcast(tensors: Tensor | readonly Tensor[], root = 0, options: CollectiveOptions = {}): void {
    const handles = handlesOf('broadcast', tensors);
    if (!Number.isInteger(root) || root < 0 || root >= this.worldSize) {
      throw new RangeError(`broadcast: root must be a rank in [0, ${this.worldSize - 1}], got ${root}`);
    }
    const timeout = this.timeout('broadcast', options);
    this.call('broadcast', () => native.distBroadcast(this.handle, handles, root, timeout));
  }

  /** Returns once every rank has called it. */
  barrier(options: CollectiveOptions = {}): void {
    const timeout = this.timeout('barrier', options);
    this.call('barrier', () => native.distBarrier(this.handle, timeout));
  }

  /** Every rank's `tensor`, in rank order, as new tensors; all ranks must pass the same shape and dtype. */
  allGather(tensor: Tensor, options: CollectiveOptions = {}): Tensor[] {
    const [handle] = handlesOf('allGather', [tensor]);
    const timeout = this.timeout('allGather', options);
    return this.call('allGather', () => native.distAllGather(this.handle, handle as number, timeout)).map((h) => Tensor.fromHandle(h));
  }

  /**
   * The sum of `tensor` over the ranks, as a new tensor that autograd differentiates through: its
   * backward sums the incoming gradient over the ranks the same way, so every rank must run it.
   */
  allReduceSum(tensor: Tensor, options: CollectiveOptions = {}): Tensor {
    const [handle] = handlesOf('allReduceSum', [tensor]);
    const timeout = this.timeout('allReduceSum', options);
    return Tensor.fromHandle(this.call('allReduceSum', () => native.distAllReduceSum(this.handle, handle as number, timeout)));
  }

  /**
   * Leaves the group and frees it. If a collective is still stuck on a dead peer, this waits for
   * gloo to give up on it (at most the group's timeout). Calling it twice is harmless.
   */
  dispose(): void {
    if (this.id < 0) return;
    untrackDisposable(this);
    native.distDispose(this.id);
    this.id = -1;
  }

  private timeout(op: string, options: CollectiveOptions): number {
    return checkTimeout(op, options.timeoutMs ?? this.timeoutMs);
  }

  private call<T>(op: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      const failure = classify(error);
      const liveness = failure === 'timeout' || failure === 'peer-lost' ? this.liveness() : undefined;
      throw toDistributedError(error, { operation: op, kind: 'collective', rank: this.rank, worldSize: this.worldSize, liveness });
    }
  }

  /**
   * Reads every peer's heartbeat counter twice, one and a half intervals apart: a rank whose counter
   * did not move has stopped (died, killed, or frozen). Only on the error path, so its wait is
   * added to a failure, never to a step.
   */
  private liveness(): Liveness | undefined {
    if (this.heartbeatMs === 0 || this.worldSize === 1 || this.store.isDisposed) return undefined;
    const peers = Array.from({ length: this.worldSize }, (_, r) => r).filter((r) => r !== this.rank);
    const read = (): number[] => peers.map((r) => native.distStoreAdd(this.store.handle, `catrain/heartbeat/${this.name}/${r}`, 0));
    try {
      const before = read();
      const silentForMs = Math.ceil(this.heartbeatMs * 1.5);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, silentForMs);
      const after = read();
      return { kind: 'read', lostRanks: peers.filter((_, i) => after[i] === before[i]), silentForMs };
    } catch {
      return { kind: 'store-lost' };
    }
  }
}

function handlesOf(op: string, tensors: Tensor | readonly Tensor[]): number[] {
  const list = tensors instanceof Tensor ? [tensors] : tensors;
  if (!Array.isArray(list)) throw new TypeError(`${op}: expected a tensor or an array of tensors`);
  return list.map((tensor, index) => {
    if (!(tensor instanceof Tensor)) throw new TypeError(`${op}: item ${index} is not a Tensor`);
    return tensor.handle;
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i;

function bindTarget(options: ProcessGroupOptions): { address: string; networkInterface: string } {
  if (options.backend === 'nccl') return { address: '', networkInterface: '' };
  if (options.interface !== undefined) return { address: '', networkInterface: options.interface };
  if (options.address !== undefined) return { address: options.address, networkInterface: '' };
  const fromEnvironment = process.env.GLOO_SOCKET_IFNAME;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return { address: '', networkInterface: fromEnvironment };
  if (LOOPBACK.test(options.store.host)) return { address: '127.0.0.1', networkInterface: '' };
  throw new TypeError(
    `ProcessGroup: the store is at ${options.store.host}, so give 'address' (this machine's address that the other ranks can reach) ` +
      "or 'interface' (e.g. 'eth0'), or set GLOO_SOCKET_IFNAME: the host name may resolve to 127.0.1.1, which other machines cannot reach",
  );
}
