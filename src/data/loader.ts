// DataLoader: batches made ahead in worker threads while the caller trains, delivered in order.
//
// The dataset's arrays (uint8 images or float32 sequences) live on a SharedArrayBuffer that every
// worker reads in place; each batch comes back as transferred (not copied) Float32Array samples and
// BigInt64Array labels. Workers run pure JS,
// never the engine, so the engine's threads are not contended by a second libtorch. Batch b of epoch
// e is a pure function of (seed, e, b) (see batcher.ts), so the stream is the same with 0, 1 or n
// workers, and a run resumed with `startBatch` sees exactly the batches it would have seen.
//
// To a tensor: E.tensor(batch.images, { shape: batch.shape }). With layout 'nhwc' that tensor is
// [N, H, W, C]; `.permute([0, 3, 1, 2])` is a view of it that is logically NCHW with channels-last
// strides (isContiguous('channels_last') is true), so convolutions take it without a copy. Sequence
// batches are always [N, C, L]: there is no channels-last order for them, and asking for 'nhwc' is an
// error rather than a silent no-op.
import { Worker } from 'node:worker_threads';
import { BatchMaker, type Batch, type BatchSettings, type DatasetArrays } from './batcher.js';
import { isSequenceDataset, type Dataset } from './dataset.js';
import { checkInteger, resolveSettings, type DataLoaderOptions } from './loader-settings.js';
import type { WorkerInit, WorkerReply, WorkerTask } from './loader-worker.js';

export type { DataLoaderOptions } from './loader-settings.js';

export interface EpochOptions {
  /** First batch to produce (default 0): a resumed run continues mid-epoch with identical data. */
  startBatch?: number;
}

/** The same view on a SharedArrayBuffer: copied once if it is not there already. */
function shared(array: Uint8Array): Uint8Array;
function shared(array: Float32Array): Float32Array;
function shared(array: Uint8Array | Uint16Array): Uint8Array | Uint16Array;
function shared(array: Uint8Array | Uint16Array | Float32Array): Uint8Array | Uint16Array | Float32Array {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  // Not array.constructor: a Buffer's constructor is deprecated (DEP0005).
  const buffer = new SharedArrayBuffer(array.byteLength);
  const copy = array instanceof Float32Array ? new Float32Array(buffer) : array instanceof Uint16Array ? new Uint16Array(buffer) : new Uint8Array(buffer);
  copy.set(array);
  return copy;
}

/** The arrays and sizes the batches are made from, on shared memory when workers will read them. */
function datasetArrays(dataset: Dataset, forWorkers: boolean): DatasetArrays {
  const labels = forWorkers ? shared(dataset.labels) : dataset.labels;
  if (isSequenceDataset(dataset)) {
    const { count, channels, length } = dataset;
    return { kind: 'sequence', values: forWorkers ? shared(dataset.values) : dataset.values, labels, count, channels, length };
  }
  const { count, height, width, channels } = dataset;
  return { images: forWorkers ? shared(dataset.images) : dataset.images, labels, count, height, width, channels };
}

interface Pending {
  resolve: (batch: Batch) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
  running: boolean;
}

/**
 * Worker threads that each make any requested batch. Lower level than DataLoader: no ordering or
 * prefetch, one promise per request. A worker is unref'd while it has nothing to do, so a forgotten
 * close() does not keep the process alive.
 */
export class WorkerPool {
  private readonly workers: PoolWorker[];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(init: WorkerInit, count: number) {
    checkInteger('workers', count, 1);
    this.workers = Array.from({ length: count }, (_, i) => this.spawn(init, i));
  }

  /** Workers that have not exited yet. */
  get running(): number {
    return this.workers.filter((w) => w.running).length;
  }

  private spawn(init: WorkerInit, slot: number): PoolWorker {
    const worker = new Worker(new URL('./loader-worker.js', import.meta.url), { workerData: init, name: `catrain-data-${slot}` });
    const entry: PoolWorker = { worker, pending: new Map(), running: true };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const pending = entry.pending.get(reply.id);
      if (pending === undefined) return;
      entry.pending.delete(reply.id);
      if (entry.pending.size === 0) worker.unref();
      if ('error' in reply) pending.reject(new Error(`DataLoader worker ${slot}: ${reply.error}`));
      else pending.resolve(reply.batch);
    });
    worker.on('error', (error) => this.fail(new Error(`DataLoader worker ${slot} failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      entry.running = false;
      if (entry.pending.size > 0) this.fail(new Error(`DataLoader worker ${slot} exited with code ${code} while making batches`));
    });
    return entry;
  }

  /** Rejects everything pending; later requests reject with the same error. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.workers) {
      for (const pending of entry.pending.values()) pending.reject(error);
      entry.pending.clear();
      entry.worker.unref();
    }
  }

  /** Batch `index` of `epoch`, made by the least busy worker. */
  request(epoch: number, index: number): Promise<Batch> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const entry = this.workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
    const id = this.nextId++;
    return new Promise<Batch>((resolve, reject) => {
      entry.pending.set(id, { resolve, reject });
      if (entry.pending.size === 1) entry.worker.ref();
      entry.worker.postMessage({ id, epoch, index } satisfies WorkerTask);
    });
  }

  /** Terminates every worker; pending requests reject with 'DataLoader closed'. */
  async close(): Promise<void> {
    this.fail(new Error('DataLoader closed'));
    await Promise.all(this.workers.map(async (w) => {
      await w.worker.terminate();
      w.running = false;
    }));
  }
}

/**
 * Serves a dataset as batches, in order, made ahead by worker threads.
 *
 *   const loader = new DataLoader(train, { batchSize: 128, shuffle: true, augment: true, seed: 1 });
 *   for await (const batch of loader.epoch(epoch)) {
 *     const x = E.tensor(batch.images, { shape: batch.shape });
 *     const y = E.tensor(batch.labels);
 *   }
 *   await loader.close();
 */
export class DataLoader {
  readonly batchesPerEpoch: number;
  readonly settings: Readonly<BatchSettings>;
  readonly workers: number;
  readonly prefetch: number;
  private readonly data: DatasetArrays;
  private readonly maker: BatchMaker;
  private pool: WorkerPool | null = null;
  private closed = false;

  constructor(readonly dataset: Dataset, options: DataLoaderOptions) {
    this.settings = resolveSettings(dataset, options);
    this.workers = checkInteger('workers', options.workers ?? 1, 0);
    this.prefetch = checkInteger('prefetch', options.prefetch ?? 4, 1);
    this.data = datasetArrays(dataset, this.workers > 0);
    this.maker = new BatchMaker(this.data, this.settings);
    this.batchesPerEpoch = this.maker.batchesPerEpoch;
  }

  /** Worker threads still running (0 after close()). */
  get runningWorkers(): number {
    return this.pool?.running ?? 0;
  }

  /** Batch `index` of `epoch`, made now in the calling thread: the reference the workers must match. */
  batch(epoch: number, index: number): Batch {
    return this.maker.make(epoch, index);
  }

  /** The batches of `epoch` from options.startBatch on, in order; a worker's error rejects the iteration. */
  async *epoch(epoch: number, options: EpochOptions = {}): AsyncGenerator<Batch, void, undefined> {
    if (this.closed) throw new Error('DataLoader: epoch() after close()');
    checkInteger('epoch', epoch, 0);
    const start = checkInteger('startBatch', options.startBatch ?? 0, 0);
    if (start > this.batchesPerEpoch) throw new RangeError(`DataLoader: startBatch is ${start}, but an epoch has ${this.batchesPerEpoch} batches`);
    if (this.workers === 0) {
      for (let index = start; index < this.batchesPerEpoch; index++) yield this.maker.make(epoch, index);
      return;
    }
    this.pool ??= new WorkerPool({ data: this.data, settings: this.settings }, this.workers);
    const pool = this.pool;
    const queue: Promise<Batch>[] = [];
    let next = start;
    const fill = (): void => {
      while (next < this.batchesPerEpoch && queue.length < this.prefetch) {
        const request = pool.request(epoch, next++);
        request.catch(() => undefined); // awaited below, in order; this only marks it handled meanwhile
        queue.push(request);
      }
    };
    fill();
    for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
      const batch = await request;
      fill(); // keep the workers busy while the caller uses this batch
      yield batch;
    }
  }

  /** Stops the workers; the loader cannot be iterated afterwards. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }
}
