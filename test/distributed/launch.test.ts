// `catrain train --nproc 2`: CAT on two workers lands its budget and writes one run directory; a
// worker killed with SIGKILL stops the other within --dist-timeout, the launcher names it and the
// checkpoint stays intact; --max-restarts finishes such a run; a stopped run resumes bit-identically
// with the same worker count and, saying so, with another; per-worker gate draws resume alike; two
// launchers form one run (--nnodes 2, with synced BatchNorm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/distributed/index.js';
import { loadCheckpoint } from '../../src/train/index.js';
import * as E from '../../src/engine/index.js';
import { catrain, CLI } from '../helpers/cli.js';
import { CIFAR10_DIR, NO_CIFAR10 } from '../helpers/shared-data.js';

const LENET = ['--model', 'lenet300', '--data', 'mnist', '--train-subset', '1024', '--batch-size', '64', '--workers', '0', '--epochs', '3', '--target-params', '0.3', '--quiet'];
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const logOf = (dir: string): Record<string, unknown>[] =>
  readFileSync(path.join(dir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

function withRoot(fn: (root: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'catrain-dist-'));
    try {
      await fn(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
}

/** The launcher's worker processes and their ranks (from /proc: the launcher's children). */
function workersOf(launcher: number): { pid: number; rank: number }[] {
  const children = spawnSync('pgrep', ['-P', String(launcher)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  return children.map((pid) => {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return { pid, rank: Number(env.find((v) => v.startsWith('RANK='))?.slice(5)) };
  });
}

/** Starts a launcher in the background; resolves its exit when it ends (killed after `timeoutMs`). */
function background(args: string[], timeoutMs = 120000): { pid: number; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, stderr });
  }));
  return { pid: child.pid as number, done };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('CAT on two workers lands on its budget with binary gates, and only rank 0 writes the run', withRoot(async (root) => {
  const out = path.join(root, 'two');
  const run = catrain('train', ...LENET, '--nproc', '2', '--out', out);
  assert.equal(run.status, 0, run.stderr);
  const summary = readJson<{ gates_nonbinary: number; final: { params: number }; baseline: { params: number } }>(path.join(out, 'summary.json'));
  assert.equal(summary.gates_nonbinary, 0);
  const fraction = summary.final.params / summary.baseline.params;
  assert.ok(fraction <= 0.3 && fraction >= 0.3 * 0.97, `landed at ${fraction}`);
  const log = logOf(out);
  assert.equal(log.length, 3);
  assert.ok(log.every((line) => line.workers === 2 && typeof line.img_s_per_worker === 'number'));
  assert.deepEqual(readdirSync(out).sort(), ['architecture.json', 'checkpoint.safetensors', 'config.json', 'log.jsonl', 'model.safetensors', 'summary.json']);
}));

test('a stopped two-worker run resumes bit-identically with two workers, and with one it says so', withRoot(async (root) => {
  const whole = path.join(root, 'whole');
  assert.equal(catrain('train', ...LENET, '--nproc', '2', '--out', whole).status, 0);
  const split = path.join(root, 'split');
  const launcher = background(['train', ...LENET, '--nproc', '2', '--out', split]);
  await until(() => existsSync(path.join(split, 'log.jsonl')), 60000);
  process.kill(launcher.pid, 'SIGINT');
  const stopped = await launcher.done;
  assert.equal(stopped.code, 130, stopped.stderr);
  const resumed = catrain('train', '--resume', '--nproc', '2', '--out', split);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(readFileSync(path.join(split, 'model.safetensors')), readFileSync(path.join(whole, 'model.safetensors')));

  const other = path.join(root, 'other');
  const again = background(['train', ...LENET, '--nproc', '2', '--out', other]);
  await until(() => existsSync(path.join(other, 'log.jsonl')), 60000);
  process.kill(again.pid, 'SIGINT');
  assert.equal((await again.done).code, 130);
  const alone = catrain('train', '--resume', '--out', other);
  assert.equal(alone.status, 0, alone.stderr);
  assert.match(alone.stderr, /resuming a run trained by 2 workers with 1/);
}));

test('a worker killed with SIGKILL stops the other within --dist-timeout; the checkpoint stays intact; --max-restarts finishes the run', withRoot(async (root) => {
  const out = path.join(root, 'killed');
  const args = ['train', ...LENET, '--epochs', '4', '--nproc', '2', '--dist-timeout', '5', '--out', out];
  const launcher = background(args);
  await until(() => existsSync(path.join(out, 'log.jsonl')), 60000);
  const victim = workersOf(launcher.pid).find((w) => w.rank === 1);
  assert.ok(victim !== undefined, 'rank 1 is running');
  const killedAt = Date.now();
  process.kill(victim.pid, 'SIGKILL');
  const ended = await launcher.done;
  assert.ok(Date.now() - killedAt < 5000 + 10000, `the launcher ended ${Date.now() - killedAt} ms after the kill`);
  assert.equal(ended.code, 1, ended.stderr);
  assert.match(ended.stderr, /worker rank 1 \(pid \d+\) was killed by SIGKILL/);
  const checkpoint = loadCheckpoint(path.join(out, 'checkpoint.safetensors'));
  E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);

  const restarted = path.join(root, 'restarted');
  const second = background(['train', ...LENET, '--epochs', '4', '--nproc', '2', '--dist-timeout', '5', '--max-restarts', '1', '--out', restarted]);
  await until(() => existsSync(path.join(restarted, 'log.jsonl')), 60000);
  const other = workersOf(second.pid).find((w) => w.rank === 1);
  assert.ok(other !== undefined);
  process.kill(other.pid, 'SIGKILL');
  const finished = await second.done;
  assert.equal(finished.code, 0, finished.stderr);
  assert.match(finished.stderr, /restarting all 2 workers from the last checkpoint/);
  assert.ok(existsSync(path.join(restarted, 'summary.json')));
}));

test('--gate-draws per-worker: each worker draws its own gates, the run lands its budget and resumes bit-identically', withRoot(async (root) => {
  const args = [...LENET, '--nproc', '2', '--gate-draws', 'per-worker'];
  const whole = path.join(root, 'whole');
  const first = catrain('train', ...args, '--out', whole);
  assert.equal(first.status, 0, first.stderr);
  const summary = readJson<{ gates_nonbinary: number; workers: number; final: { params: number }; baseline: { params: number } }>(path.join(whole, 'summary.json'));
  assert.equal(summary.workers, 2);
  assert.equal(summary.gates_nonbinary, 0);
  const fraction = summary.final.params / summary.baseline.params;
  assert.ok(fraction <= 0.3 && fraction >= 0.3 * 0.97, `landed at ${fraction}`);
  const shared = path.join(root, 'shared');
  assert.equal(catrain('train', ...LENET, '--nproc', '2', '--out', shared).status, 0);
  assert.notDeepEqual(readFileSync(path.join(whole, 'model.safetensors')), readFileSync(path.join(shared, 'model.safetensors')), 'other draws train another network');

  const split = path.join(root, 'split');
  const launcher = background(['train', ...args, '--out', split]);
  await until(() => existsSync(path.join(split, 'log.jsonl')), 60000);
  process.kill(launcher.pid, 'SIGINT');
  assert.equal((await launcher.done).code, 130);
  const resumed = catrain('train', '--resume', '--nproc', '2', '--out', split);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.deepEqual(readFileSync(path.join(split, 'model.safetensors')), readFileSync(path.join(whole, 'model.safetensors')));
}));

test('two launchers with --nnodes 2 train one ResNet-20 CAT run with --sync-bn to the end', { skip: NO_CIFAR10 }, withRoot(async (root) => {
  const out = path.join(root, 'nodes');
  const port = await freePort();
  const common = ['train', '--model', 'resnet20', '--data', `cifar10:${CIFAR10_DIR}`, '--train-subset', '256', '--batch-size', '64', '--eval-batch-size', '1000', '--workers', '0', '--epochs', '2', '--target-macs', '0.6', '--sync-bn', '--quiet', '--out', out];
  const nodes = [0, 1].map((rank) => background([...common, '--nnodes', '2', '--node-rank', String(rank), '--master-port', String(port)], 300000));
  const exits = await Promise.all(nodes.map((n) => n.done));
  exits.forEach((exit, rank) => assert.equal(exit.code, 0, `node ${rank}: ${exit.stderr}`));
  assert.ok(logOf(out).every((line) => line.workers === 2));
  assert.equal(readJson<{ syncBn: boolean }>(path.join(out, 'config.json')).syncBn, true);
  assert.ok(existsSync(path.join(out, 'architecture.json')));
}));

test('a master nobody answers, a world that never fills and a bad environment each fail clearly', withRoot(async (root) => {
  const port = await freePort();
  const alone = spawnSync(process.execPath, [CLI, 'train', ...LENET, '--dist-timeout', '2', '--out', path.join(root, 'a')], {
    encoding: 'utf8',
    env: { ...process.env, RANK: '1', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), CATRAIN_THREADS: '1' },
    timeout: 30000,
  });
  assert.equal(alone.status, 1, alone.stderr);
  assert.match(alone.stderr, /rank 1 of 2 could not join the run at 127\.0\.0\.1:\d+/);
  const unfilled = spawnSync(process.execPath, [CLI, 'train', ...LENET, '--dist-timeout', '2', '--out', path.join(root, 'b')], {
    encoding: 'utf8',
    env: { ...process.env, RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), CATRAIN_THREADS: '1' },
    timeout: 30000,
  });
  assert.equal(unfilled.status, 1, unfilled.stderr);
  assert.match(unfilled.stderr, /rank 0 of 2 could not join/);
  const partial = spawnSync(process.execPath, [CLI, 'train', ...LENET, '--out', path.join(root, 'c')], { encoding: 'utf8', env: { ...process.env, RANK: '0', WORLD_SIZE: '2' }, timeout: 30000 });
  assert.equal(partial.status, 2, partial.stderr);
  assert.match(partial.stderr, /RANK, WORLD_SIZE are set but MASTER_ADDR, MASTER_PORT are not/);
}));
