// TcpStore: libtorch's key-value rendezvous over TCP. One process (rank 0 by convention) hosts it;
// every member connects to the same host and port. Process groups are built on it.
import { native, type DistHandle } from '../native.js';
import { classify, DistributedError, toDistributedError } from './error.js';
import { checkTimeout, DEFAULT_TIMEOUT_MS, requireDistributed, trackDisposable, untrackDisposable } from './support.js';

export interface TcpStoreOptions {
  /** The master's address, the same on every member. Default 127.0.0.1. */
  host?: string;
  /** The master's port. On the server, 0 picks a free port (read it back from `port`). */
  port: number;
  /** True on exactly one member, which hosts the store. */
  isServer: boolean;
  /**
   * How many members use the store, this one included. When given, this member joins: it counts
   * itself, checks that every member was told the same world size, and (with waitForWorkers) waits
   * until all have joined. Leave it out on a store host that is not a member itself (a launcher).
   */
  worldSize?: number;
  /** Bounds connecting, joining, and every get and wait without a timeout of its own. Default 60 s. */
  timeoutMs?: number;
  /** Whether the constructor waits until `worldSize` members joined. Default true. */
  waitForWorkers?: boolean;
}

/** The store keys of the join protocol; a process group's keys live under its own prefix. */
const JOINED = 'catrain/joined';
const WORLD = 'catrain/world-size';
const ALL_JOINED = 'catrain/all-joined';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class TcpStore {
  readonly host: string;
  /** The port the server listens on (the chosen one when 0 was asked for). */
  readonly port: number;
  readonly isServer: boolean;
  readonly timeoutMs: number;
  private id: DistHandle;
  private groupsMade = 0;

  /** Connects (and, on the server, listens). Blocks until then, or throws a DistributedError after the timeout. */
  constructor(options: TcpStoreOptions) {
    requireDistributed('TcpStore');
    const host = options.host ?? '127.0.0.1';
    const { port, isServer } = options;
    const worldSize = options.worldSize;
    if (typeof host !== 'string' || host === '') throw new TypeError('TcpStore: host must be a non-empty address, e.g. 127.0.0.1');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`TcpStore: port must be an integer in [0, 65535], got ${port}`);
    if (port === 0 && !isServer) throw new RangeError('TcpStore: a client needs the real port of the server; only the server may ask for port 0');
    if (typeof isServer !== 'boolean') throw new TypeError('TcpStore: isServer must be true on the member that hosts the store, false elsewhere');
    if (worldSize !== undefined && (!Number.isInteger(worldSize) || worldSize < 1)) {
      throw new RangeError(`TcpStore: worldSize must be a positive integer, got ${worldSize}`);
    }
    this.timeoutMs = checkTimeout('TcpStore', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    try {
      this.id = connect(host, port, isServer, this.timeoutMs);
    } catch (error) {
      throw toDistributedError(error, { operation: isServer ? 'TcpStore server' : 'TcpStore client', kind: 'store', endpoint: `${host}:${port}` });
    }
    this.host = host;
    this.port = native.distStorePort(this.id);
    this.isServer = isServer;
    trackDisposable(this, this.id);
    if (worldSize !== undefined) {
      try {
        this.join(worldSize, { wait: options.waitForWorkers ?? true });
      } catch (error) {
        this.dispose();
        throw error;
      }
    }
  }

  /**
   * Counts this member in (what the constructor does when given worldSize): checks that every
   * member was told the same world size and, with `wait` (default true), returns once all
   * `worldSize` have joined, or throws after timeoutMs (default the store's). A server created on
   * port 0 can so publish its port before it waits for the others. Each member joins once.
   */
  join(worldSize: number, options: { wait?: boolean; timeoutMs?: number } = {}): void {
    if (!Number.isInteger(worldSize) || worldSize < 1) throw new RangeError(`TcpStore.join: worldSize must be a positive integer, got ${worldSize}`);
    const timeout = checkTimeout('TcpStore.join', options.timeoutMs ?? this.timeoutMs);
    // The first member to arrive records the world size; every later one compares its own with it,
    // and the last one to arrive releases everybody's wait.
    const context = { operation: 'TcpStore join', kind: 'store' as const, endpoint: `${this.host}:${this.port}` };
    const arrived = this.call('join', () => native.distStoreAdd(this.handle, JOINED, 1));
    if (arrived === 1) this.set(WORLD, String(worldSize));
    const recorded = Number(this.getString(WORLD, { timeoutMs: timeout }));
    if (recorded !== worldSize) {
      throw new DistributedError('incomplete-join', context, `this member was told the world size is ${worldSize}, but the first member to join said ${recorded}`);
    }
    if (arrived > worldSize) {
      throw new DistributedError('incomplete-join', context, `member ${arrived} joined a store for ${worldSize} members`);
    }
    if (arrived === worldSize) this.set(ALL_JOINED, '1');
    if (options.wait === false) return;
    try {
      native.distStoreWait(this.handle, [ALL_JOINED], timeout);
    } catch (error) {
      const joined = this.joinedSoFar();
      throw new DistributedError('incomplete-join', context, `${joined} of ${worldSize} members joined within ${timeout} ms`, { cause: error });
    }
  }

  // The server may be gone by the time a member gives up waiting; then the count is unknown.
  private joinedSoFar(): string {
    try {
      return String(native.distStoreAdd(this.handle, JOINED, 0));
    } catch {
      return 'not all (the store host left, so how many is unknown)';
    }
  }

  get isDisposed(): boolean {
    return this.id < 0;
  }

  /** The addon handle; throws once disposed. */
  get handle(): DistHandle {
    if (this.id < 0) throw new DistributedError('disposed', { operation: 'TcpStore', kind: 'store' }, 'the store was disposed');
    return this.id;
  }

  set(key: string, value: string | Uint8Array): void {
    const bytes = typeof value === 'string' ? encoder.encode(value) : value;
    this.call('set', () => native.distStoreSet(this.handle, checkKey(key), bytes));
  }

  /** The value of `key`, waiting for it to be set (up to timeoutMs, default the store's). */
  get(key: string, options: { timeoutMs?: number } = {}): Uint8Array {
    const timeout = checkTimeout('TcpStore.get', options.timeoutMs ?? this.timeoutMs);
    return new Uint8Array(this.call(`get '${key}'`, () => native.distStoreGet(this.handle, checkKey(key), timeout)));
  }

  getString(key: string, options: { timeoutMs?: number } = {}): string {
    return decoder.decode(this.get(key, options));
  }

  /** Adds `delta` to the integer at `key` (created at 0) and returns the new value: a shared counter. */
  add(key: string, delta = 1): number {
    if (!Number.isSafeInteger(delta)) throw new RangeError(`TcpStore.add: delta must be a safe integer, got ${delta}`);
    return this.call('add', () => native.distStoreAdd(this.handle, checkKey(key), delta));
  }

  /** Waits until every key is set. */
  wait(keys: readonly string[], options: { timeoutMs?: number } = {}): void {
    const timeout = checkTimeout('TcpStore.wait', options.timeoutMs ?? this.timeoutMs);
    keys.forEach(checkKey);
    this.call(`wait for ${keys.join(', ')}`, () => native.distStoreWait(this.handle, keys, timeout));
  }

  /** Whether every key is set, without waiting. */
  check(keys: readonly string[]): boolean {
    keys.forEach(checkKey);
    return this.call('check', () => native.distStoreCheck(this.handle, keys));
  }

  /** Removes a key; false when it was not set. */
  delete(key: string): boolean {
    return this.call('delete', () => native.distStoreDelete(this.handle, checkKey(key)));
  }

  /** Closes the connection (and, on the server, stops serving). Calling it twice is harmless. */
  dispose(): void {
    if (this.id < 0) return;
    untrackDisposable(this);
    native.distDispose(this.id);
    this.id = -1;
  }

  /** The next default key prefix for a process group on this store; every rank counts the same way. */
  nextGroupName(): string {
    return `pg${this.groupsMade++}`;
  }

  private call<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toDistributedError(error, { operation: `TcpStore ${what}`, kind: 'store', endpoint: `${this.host}:${this.port}` });
    }
  }
}

/** How long a client waits between connection attempts while the server is not listening yet. */
const RETRY_MS = 100;
/** c10d counts its connect timeout in whole seconds, so no attempt is given less than one. */
const MIN_ATTEMPT_MS = 1000;

// c10d's client gives up well before its timeout when nothing listens yet (it counts whole seconds
// and stops before a back-off would pass them), which loses the race with a server still starting.
// So a refused client tries again until the caller's own deadline.
function connect(host: string, port: number, isServer: boolean, timeoutMs: number): DistHandle {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const left = Math.ceil(deadline - performance.now());
    try {
      return native.distStoreCreate(host, port, isServer, timeoutMs, Math.max(left, MIN_ATTEMPT_MS));
    } catch (error) {
      if (isServer || classify(error) !== 'unreachable' || deadline - performance.now() < RETRY_MS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
    }
  }
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key === '') throw new TypeError('TcpStore: keys must be non-empty strings');
  return key;
}
