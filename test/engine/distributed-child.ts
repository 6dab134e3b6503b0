// One rank of a distributed.test.ts scenario, in its own process so that a hang or an abort shows
// up as a timeout or a signal in the parent instead of taking the test runner down. Configured by
// environment (DIST_SCENARIO, DIST_RANK, DIST_WORLD, DIST_PORT, DIST_TIMEOUT_MS); reports one JSON
// object per line on stdout: {"event":"port"} from a store host, {"event":"ready"} when the parent
// may act, then {"event":"result",...}.
import * as E from '../../src/engine/index.js';

const scenario = process.env.DIST_SCENARIO ?? '';
const rank = Number(process.env.DIST_RANK);
const world = Number(process.env.DIST_WORLD);
const port = Number(process.env.DIST_PORT);
const timeoutMs = Number(process.env.DIST_TIMEOUT_MS ?? '10000');

function emit(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function failureOf(error: unknown): Record<string, unknown> {
  if (error instanceof E.DistributedError) {
    return { name: error.name, failure: error.failure, message: error.message, code: codeOf(error.cause), lostRanks: error.lostRanks };
  }
  return { name: error instanceof Error ? error.name : typeof error, message: error instanceof Error ? error.message : String(error) };
}

function codeOf(cause: unknown): unknown {
  return typeof cause === 'object' && cause !== null && 'code' in cause ? (cause as { code: unknown }).code : undefined;
}

/** Runs fn and reports how it failed and how long it took; a success is reported as such. */
function attempt(fn: () => void): Record<string, unknown> {
  const start = performance.now();
  try {
    fn();
    return { ok: true, ms: performance.now() - start };
  } catch (error) {
    return { ok: false, ms: performance.now() - start, ...failureOf(error) };
  }
}

/**
 * Rank 0 hosts the store on a port the OS picks and tells the parent, which then starts the other
 * ranks with it: ports picked in advance by concurrent tests could collide.
 */
function openStore(): E.TcpStore {
  if (rank !== 0) return new E.TcpStore({ port, isServer: false, timeoutMs });
  const store = new E.TcpStore({ port: 0, isServer: true, timeoutMs });
  emit({ event: 'port', port: store.port });
  return store;
}

function join(): { store: E.TcpStore; group: E.ProcessGroup } {
  const store = openStore();
  store.join(world);
  const group = new E.ProcessGroup({ store, rank, worldSize: world, timeoutMs });
  return { store, group };
}

// A tensor whose values tell which rank made it: element i of rank r is (r + 1) * (i + 1).
function rankTensor(shape: number[], dtype: 'float32' | 'float64' | 'int64' = 'float32'): E.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return E.arange(0, n, 1, { dtype: 'float64' }).add(1).mul(rank + 1).reshape(shape).to(dtype);
}

/** Sum over the ranks of rankTensor: (i + 1) * (1 + 2 + ... + world). */
function expectedSum(n: number): number[] {
  const ranks = (world * (world + 1)) / 2;
  return Array.from({ length: n }, (_, i) => (i + 1) * ranks);
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)));
  return worst;
}

function collectives(): Record<string, unknown> {
  const { store, group } = join();
  const checks: Record<string, unknown> = {};
  // Several tensors of two dtypes, one of them a strided view, in one call.
  const a = rankTensor([3, 4]);
  const b = rankTensor([5], 'float64');
  const c = rankTensor([4, 3]).transpose(0, 1);
  const big = rankTensor([1 << 20]);
  const ints = rankTensor([6], 'int64');
  group.allReduce([a, b, c, ints]);
  group.allReduce(big);
  checks.float32 = maxDiff(a.toArray(), expectedSum(12));
  checks.float64 = maxDiff(b.toArray(), expectedSum(5));
  checks.strided = maxDiff(c.contiguous().toArray(), maxDiffSource(4, 3));
  checks.int64 = maxDiff(ints.toArray(), expectedSum(6));
  checks.large = maxDiff(big.toArray(), expectedSum(1 << 20));

  // Broadcast from the last rank.
  const root = world - 1;
  const p = rankTensor([2, 2]);
  const q = rankTensor([3], 'float64');
  group.broadcast([p, q], root);
  checks.broadcast = Math.max(maxDiff(p.toArray(), [1, 2, 3, 4].map((v) => v * (root + 1))), maxDiff(q.toArray(), [1, 2, 3].map((v) => v * (root + 1))));

  group.barrier();
  const gathered = group.allGather(E.tensor([rank, rank * 10, rank * 100], { dtype: 'int64' }));
  checks.allGather = gathered.map((t) => t.toArray());

  // Differentiable sum: y = sum_r x_r; rank r's loss is (w_r * y).sum() with w_r = r + 1, so
  // d(total loss)/dx_r = sum_r w_r on every rank.
  const x = rankTensor([4], 'float64').requireGrad();
  const y = group.allReduceSum(x);
  checks.sumForward = maxDiff(y.toArray(), expectedSum(4));
  y.mul(rank + 1).sum().backward();
  checks.sumGrad = maxDiff((x.grad as E.Tensor).toArray(), new Array(4).fill((world * (world + 1)) / 2));
  checks.sumLeavesInput = maxDiff(x.toArray(), [1, 2, 3, 4].map((v) => v * (rank + 1)));

  // Coalesced equals per-tensor, across buckets, dtypes and a strided view; with scale.
  E.manualSeed(100 + rank);
  const shapes = [[7, 3], [1000], [33, 33], [5], [256, 16], [2]];
  const make = (): E.Tensor[] => shapes.map((s, i) => (i === 3 ? E.randn(s, { dtype: 'float64' }) : E.randn(s)));
  const base = make();
  const perTensor = base.map((t) => t.clone());
  const coalesced = base.map((t) => t.clone());
  const stridedBase = E.randn([8, 6]);
  const stridedA = stridedBase.clone().transpose(0, 1);
  const stridedB = stridedBase.clone().transpose(0, 1);
  group.allReduce([...perTensor, stridedA]);
  group.allReduceCoalesced([...coalesced, stridedB], { bucketBytes: 5000 });
  checks.coalesced = Math.max(...perTensor.map((t, i) => maxDiff((coalesced[i] as E.Tensor).toArray(), t.toArray())), maxDiff(stridedB.contiguous().toArray(), stridedA.contiguous().toArray()));
  const scaled = base.map((t) => t.clone());
  group.allReduceCoalesced(scaled, { scale: 1 / world });
  checks.coalescedMean = Math.max(...perTensor.map((t, i) => maxDiff((scaled[i] as E.Tensor).toArray(), t.div(world).toArray())));

  // A dtype the collectives do not carry is refused before anything is sent, so the group stays usable.
  checks.boolRefused = attempt(() => group.allReduce(E.ones([2]).gt(0)));
  checks.usableAfterRefusal = group.brokenReason === null;
  const after = rankTensor([2]);
  group.allReduce(after);
  checks.afterRefusal = maxDiff(after.toArray(), expectedSum(2));

  // The store: a counter every rank bumps, and a value rank 0 publishes.
  store.add('arrived', 1);
  if (rank === 0) store.set('greeting', 'hello from rank 0');
  checks.storeGet = store.getString('greeting', { timeoutMs: 5000 });
  group.barrier();
  checks.storeCounter = store.add('arrived', 0);
  checks.storeCheck = store.check(['greeting']) && !store.check(['never-set']);
  checks.storeGetTimeout = attempt(() => store.get('never-set', { timeoutMs: 300 }));

  // Ranks that disagree on a call (a shape, a dtype, or the collective itself) are told so, and no
  // process aborts: gloo's transport would if a message longer than expected arrived.
  const shapes2 = new E.ProcessGroup({ store, rank, worldSize: world, timeoutMs, name: 'shape-mismatch' });
  checks.shapeMismatch = attempt(() => shapes2.allGather(E.ones([rank === 0 ? 3 : 2])));
  shapes2.dispose();
  const dtypes = new E.ProcessGroup({ store, rank, worldSize: world, timeoutMs, name: 'dtype-mismatch' });
  checks.dtypeMismatch = attempt(() => dtypes.allReduce(E.ones([4], { dtype: rank === 0 ? 'float64' : 'float32' })));
  dtypes.dispose();
  const calls = new E.ProcessGroup({ store, rank, worldSize: world, timeoutMs, name: 'call-mismatch' });
  checks.callMismatch = attempt(() => (rank === 0 ? calls.barrier() : calls.allReduce(E.ones([1]))));
  calls.dispose();

  group.dispose();
  checks.afterDispose = attempt(() => group.barrier());
  store.dispose();
  return checks;
}

// The transpose of a (3 x 4) rankTensor after the sum, read row by row: element (j, i) is 4 * i + j.
function maxDiffSource(rows: number, cols: number): number[] {
  const summed = expectedSum(rows * cols);
  const out: number[] = [];
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) out.push(summed[i * cols + j] as number);
  return out;
}

// Rank 0 enters a collective that rank 1 never joins; the parent SIGKILLs rank 1 or stops it.
function abandoned(): Record<string, unknown> {
  const { group } = join();
  group.barrier();
  if (rank !== 0) {
    emit({ event: 'ready' });
    setTimeout(() => process.exit(3), 20_000);
    return { waiting: true };
  }
  const delay = Number(process.env.DIST_DELAY_MS ?? '0');
  if (delay > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
  const collective = attempt(() => group.allReduce(E.ones([1000]), { timeoutMs: Number(process.env.DIST_COLLECTIVE_MS ?? '3000') }));
  const again = attempt(() => group.allReduce(E.ones([4])));
  const dispose = attempt(() => group.dispose());
  return { collective, again, dispose };
}

// One process, two endpoints: DIST_PORT is held by the parent, DIST_FREE_PORT has no listener.
function endpoints(): Record<string, unknown> {
  const taken = attempt(() => new E.TcpStore({ port, isServer: true, timeoutMs }));
  const unreachable = attempt(() => new E.TcpStore({ port: Number(process.env.DIST_FREE_PORT), isServer: false, timeoutMs }));
  return { taken, unreachable };
}

// Rank 0 goes on once every other rank has connected, so that the short timeouts under test start
// together rather than when a slow process happens to finish loading libtorch.
function allConnected(store: E.TcpStore): void {
  if (rank === 0) store.wait(Array.from({ length: world - 1 }, (_, r) => `connected/${r + 1}`), { timeoutMs: 20_000 });
  else store.set(`connected/${rank}`, '1');
}

// `world` ranks start, but are told there are world + 1: first at the store's join, then (ranks
// that skip the join's wait) at a group's rendezvous.
function mismatch(): Record<string, unknown> {
  const store = openStore();
  allConnected(store);
  const join = attempt(() => store.join(world + 1));
  const rendezvous = attempt(() => new E.ProcessGroup({ store, rank, worldSize: world + 1, timeoutMs }));
  // Rank 0 hosts the store, so it leaves last: the others' results must not depend on its exit.
  if (rank === 0) store.wait(Array.from({ length: world - 1 }, (_, r) => `done/${r + 1}`), { timeoutMs: 20_000 });
  else store.set(`done/${rank}`, '1');
  return { join, rendezvous };
}

const SCENARIOS: Record<string, () => Record<string, unknown> | undefined> = { collectives, abandoned, endpoints, mismatch };

// Loads libtorch now, so that the timings below do not include it.
E.distributedBackends();

const run = SCENARIOS[scenario];
if (run === undefined) {
  emit({ event: 'result', error: `unknown scenario '${scenario}'` });
  process.exitCode = 2;
} else {
  try {
    const result = run();
    if (result !== undefined && result.waiting !== true) emit({ event: 'result', rank, ...result });
  } catch (error) {
    emit({ event: 'result', rank, error: failureOf(error) });
    process.exitCode = 1;
  }
}
