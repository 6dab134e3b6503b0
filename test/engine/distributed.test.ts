// The distributed entries across real processes on 127.0.0.1: collectives on 2 and 3 ranks, and the
// faults a run meets (a peer killed, a port in use, no master, too few ranks). Each rank is a child
// process (distributed-child.ts), so a hang shows up as a test timeout and an abort as a signal.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from '../../src/engine/index.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'distributed-child.js');
/** Any child still running this long after its start is killed, and its test fails. */
const CHILD_LIMIT_MS = 30_000;
/** Slack on timing bounds for process start-up and a loaded 2-core machine. */
const SLACK_MS = 2_500;

type Json = Record<string, unknown>;

interface Rank {
  child: ChildProcess;
  /** Resolves with the first line whose event is `event`. */
  next(event: string): Promise<Json>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

const live = new Set<ChildProcess>();
after(() => {
  for (const child of live) child.kill('SIGKILL');
});

function startRank(scenario: string, rank: number, world: number, port: number, env: Record<string, string> = {}): Rank {
  const child = spawn(process.execPath, [CHILD], {
    env: {
      ...process.env,
      CATRAIN_THREADS: '1',
      DIST_SCENARIO: scenario,
      DIST_RANK: String(rank),
      DIST_WORLD: String(world),
      DIST_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines: Json[] = [];
  const waiters: { event: string; resolve: (line: Json) => void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as Json;
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.event === line.event)) waiter.resolve(line);
    }
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      live.delete(child);
      // stdout may still hold the last line when 'exit' fires; 'close' follows once it is drained.
      child.on('close', () => resolve({ code, signal, stderr }));
    });
  });
  const next = (event: string): Promise<Json> => {
    const seen = lines.find((line) => line.event === event);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<Json>((resolve, reject) => {
      waiters.push({ event, resolve });
      void exit.then((status) => {
        const found = lines.find((line) => line.event === event);
        if (found !== undefined) resolve(found);
        else reject(new Error(`rank ${rank} of '${scenario}' exited (${status.code ?? status.signal}) without '${event}'\n${status.stderr.slice(-2000)}`));
      });
    });
  };
  return { child, next, exit };
}

/** A port that nothing listens on right now (the OS picked it, then it was released). */
async function freePort(): Promise<number> {
  const server = await listen(0);
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Starts rank 0, which hosts the store on a port of the OS's choosing, then the others on that port. */
async function startRanks(scenario: string, world: number, env: Record<string, string> = {}): Promise<Rank[]> {
  const first = startRank(scenario, 0, world, 0, env);
  const { port } = (await first.next('port')) as { port: number };
  return [first, ...Array.from({ length: world - 1 }, (_, i) => startRank(scenario, i + 1, world, port, env))];
}

/** Runs every rank of a scenario to its result, and checks that each exited by itself without a signal. */
async function runAll(scenario: string, world: number, env: Record<string, string> = {}): Promise<Json[]> {
  const ranks = world === 1 ? [startRank(scenario, 0, 1, Number(env.DIST_PORT), env)] : await startRanks(scenario, world, env);
  const results = await Promise.all(ranks.map((r) => r.next('result')));
  for (const [rank, r] of ranks.entries()) {
    const status = await r.exit;
    assert.equal(status.signal, null, `rank ${rank} died with ${status.signal}\n${status.stderr.slice(-2000)}`);
  }
  return results;
}

function checkCollectives(result: Json, world: number): void {
  assert.equal(result.error, undefined, JSON.stringify(result.error));
  for (const name of ['float32', 'float64', 'strided', 'int64', 'large', 'broadcast', 'sumForward', 'sumGrad', 'sumLeavesInput', 'afterRefusal']) {
    assert.equal(result[name], 0, `${name}: relative difference ${String(result[name])}`);
  }
  for (const name of ['coalesced', 'coalescedMean']) assert.ok((result[name] as number) < 1e-6, `${name}: relative difference ${String(result[name])}`);
  assert.deepEqual(result.allGather, Array.from({ length: world }, (_, r) => [r, r * 10, r * 100]));
  const refused = result.boolRefused as Json;
  assert.equal(refused.failure, 'invalid');
  assert.match(refused.message as string, /dtype Bool.*convert it to float32/);
  assert.equal(result.usableAfterRefusal, true);
  assert.equal(result.storeGet, 'hello from rank 0');
  assert.equal(result.storeCounter, world);
  assert.equal(result.storeCheck, true);
  const getTimeout = result.storeGetTimeout as Json;
  assert.equal(getTimeout.failure, 'timeout');
  assert.match(getTimeout.message as string, /TcpStore get 'never-set'.*timed out.*expected to set the key/s);
  assert.ok((getTimeout.ms as number) < 300 + SLACK_MS, `a 300 ms get took ${String(getTimeout.ms)} ms`);
  assert.equal((result.afterDispose as Json).failure, 'disposed');
  for (const name of ['shapeMismatch', 'dtypeMismatch', 'callMismatch']) {
    const mismatch = result[name] as Json;
    assert.equal(mismatch.failure, 'mismatch', `${name}: ${JSON.stringify(mismatch)}`);
    assert.match(mismatch.message as string, /the ranks made different calls.*the ranks do not agree on this call: rank\(s\) \d/s);
  }
}

test('this build has the Gloo backend', () => {
  // Setup installs libgloo-dev on Debian, so a build without it is a broken build, not a skip.
  assert.ok(E.distributedBackends().includes('gloo'), `backends: ${E.distributedBackends().join(', ')}`);
});

// The scenarios run side by side: each spends most of its time starting processes and waiting out
// short timeouts, and their timings are measured inside the ranks.
describe('across processes', { concurrency: true }, () => {
  test('collectives on 2 ranks: all-reduce, broadcast, barrier, all-gather, differentiable sum, coalesced, store', async () => {
    const results = await runAll('collectives', 2);
    for (const result of results) checkCollectives(result, 2);
  });

  test('collectives on 3 ranks', async () => {
    const results = await runAll('collectives', 3);
    for (const result of results) checkCollectives(result, 3);
  });

  test('a peer killed with SIGKILL: the survivor fails within its 3 s timeout, the group refuses further calls, nothing aborts', async () => {
    const [survivor, victim] = (await startRanks('abandoned', 2, { DIST_COLLECTIVE_MS: '3000' })) as [Rank, Rank];
    await victim.next('ready');
    victim.child.kill('SIGKILL');
    const result = await survivor.next('result');
    const collective = result.collective as Json;
    assert.equal(collective.ok, false);
    // Gloo sees the closed socket (a reset or end of stream), so the survivor need not wait out its timeout.
    assert.equal(collective.failure, 'peer-lost', collective.message as string);
    assert.match(collective.message as string, /allReduce on rank 0 of 2 lost the connection to a peer.*Rank 1 stopped responding \(no heartbeat for 1500 ms\).*restart every rank/s);
    assert.deepEqual(collective.lostRanks, [1]);
    assert.ok((collective.ms as number) < 3000 + SLACK_MS, `failed after ${String(collective.ms)} ms`);
    assert.equal((result.again as Json).failure, 'broken');
    assert.ok(((result.dispose as Json).ms as number) < 1000, `dispose took ${String((result.dispose as Json).ms)} ms`);
    const status = await survivor.exit;
    assert.equal(status.signal, null, status.stderr.slice(-2000));
    assert.equal(status.code, 0, status.stderr.slice(-2000));
  });

  test('a stalled peer (SIGSTOP): the collective times out after its 1.5 s, and dispose does not wait for gloo', async () => {
    const [survivor, victim] = (await startRanks('abandoned', 2, { DIST_COLLECTIVE_MS: '1500' })) as [Rank, Rank];
    await victim.next('ready');
    victim.child.kill('SIGSTOP');
    try {
      const result = await survivor.next('result');
      const collective = result.collective as Json;
      assert.equal(collective.failure, 'timeout', collective.message as string);
      assert.match(collective.message as string, /allReduce on rank 0 of 2 timed out\. Rank 1 stopped responding.*timed out after 1500 ms: a peer did not join/s);
      assert.deepEqual(collective.lostRanks, [1]);
      // The timeout, then one and a half heartbeat intervals to see who stopped.
      assert.ok((collective.ms as number) >= 2950 && (collective.ms as number) < 3000 + SLACK_MS, `failed after ${String(collective.ms)} ms`);
      assert.equal((result.again as Json).failure, 'broken');
      // gloo itself waits out the group's 10 s for the stuck work; dispose hands that wait to a thread.
      assert.ok(((result.dispose as Json).ms as number) < 1000, `dispose took ${String((result.dispose as Json).ms)} ms`);
      const status = await survivor.exit;
      assert.equal(status.signal, null, status.stderr.slice(-2000));
    } finally {
      victim.child.kill('SIGKILL');
    }
  });

  test('a peer that is alive but skips the collective: a timeout whose message says every rank still has a heartbeat', async () => {
    const [survivor, idler] = (await startRanks('abandoned', 2, { DIST_COLLECTIVE_MS: '1500' })) as [Rank, Rank];
    try {
      const result = await survivor.next('result');
      const collective = result.collective as Json;
      assert.equal(collective.failure, 'timeout', collective.message as string);
      assert.match(collective.message as string, /Every other rank still has a heartbeat: one of them is alive but did not make this call/);
      assert.deepEqual(collective.lostRanks, []);
    } finally {
      idler.child.kill('SIGKILL');
    }
  });

  test('a port already in use, and a master where nothing listens, each give a clear error within the timeout', async () => {
    const holder = await listen(0);
    const { port } = holder.address() as { port: number };
    try {
      const [result] = await runAll('endpoints', 1, { DIST_PORT: String(port), DIST_FREE_PORT: String(await freePort()), DIST_TIMEOUT_MS: '1000' });
      const taken = (result as Json).taken as Json;
      assert.equal(taken.failure, 'address-in-use', taken.message as string);
      assert.match(taken.message as string, new RegExp(`TcpStore server \\(store 127\\.0\\.0\\.1:${port}\\).*port is already in use.*another master port`, 's'));
      assert.ok((taken.ms as number) < SLACK_MS, `took ${String(taken.ms)} ms`);
      const unreachable = (result as Json).unreachable as Json;
      assert.equal(unreachable.failure, 'unreachable', unreachable.message as string);
      assert.match(unreachable.message as string, /TcpStore client .*could not reach the store server.*Start the member that hosts the store/s);
      assert.ok((unreachable.ms as number) < 1000 + SLACK_MS, `took ${String(unreachable.ms)} ms`);
    } finally {
      holder.close();
    }
  });

  test('a world-size mismatch (3 expected, 2 started) fails clearly on both ranks, at the join and at a rendezvous', async () => {
    const results = await runAll('mismatch', 2, { DIST_TIMEOUT_MS: '1500' });
    for (const [rank, result] of results.entries()) {
      const join = result.join as Json;
      assert.equal(join?.failure, 'incomplete-join', JSON.stringify(result));
      assert.match(join.message as string, /TcpStore join .*not every member joined in time.*world size is the same on every rank.*2 of 3 members joined within 1500 ms/s);
      assert.ok((join.ms as number) < 1500 + SLACK_MS, `took ${String(join.ms)} ms`);
      const rendezvous = result.rendezvous as Json;
      assert.equal(rendezvous.failure, 'incomplete-join', JSON.stringify(result));
      assert.match(rendezvous.message as string, new RegExp(`rendezvous on rank ${rank} of 3 .*not every member joined in time`, 's'));
      assert.ok((rendezvous.ms as number) < 1500 + SLACK_MS, `took ${String(rendezvous.ms)} ms`);
    }
  });
});

test('arguments are checked before anything is sent', () => {
  assert.throws(() => new E.TcpStore({ port: 70000, isServer: true }), /port must be an integer in \[0, 65535\]/);
  assert.throws(() => new E.TcpStore({ port: 0, isServer: false }), /only the server may ask for port 0/);
  assert.throws(() => new E.TcpStore({ port: 1234, isServer: true, timeoutMs: 0 }), /timeoutMs must be a whole number of milliseconds/);
  const store = new E.TcpStore({ port: 0, isServer: true, timeoutMs: 2000 });
  try {
    assert.ok(store.port > 0);
    assert.throws(() => new E.ProcessGroup({ store, rank: 2, worldSize: 2 }), /rank must be an integer in \[0, 1\]/);
    assert.throws(() => new E.ProcessGroup({ store, rank: 0, worldSize: 1, backend: 'mpi' as E.DistributedBackend }), /backend must be 'gloo' or 'nccl'/);
    const group = new E.ProcessGroup({ store, rank: 0, worldSize: 1, timeoutMs: 2000 });
    try {
      const t = E.ones([3]);
      group.allReduce(t);
      assert.deepEqual(t.toArray(), [1, 1, 1]);
      assert.throws(() => group.broadcast(t, 1), /root must be a rank in \[0, 0\]/);
      assert.throws(() => group.allReduceCoalesced([t], { bucketBytes: 0 }), /bucketBytes must be a positive integer/);
      assert.throws(() => group.allReduce([t, 3 as unknown as E.Tensor]), /item 1 is not a Tensor/);
    } finally {
      group.dispose();
    }
    assert.throws(() => group.barrier(), (error: unknown) => error instanceof E.DistributedError && error.failure === 'disposed');
    group.dispose();
  } finally {
    store.dispose();
  }
});
