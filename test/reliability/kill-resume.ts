// kill -9 during CAT training, then --resume: no checkpoint is ever corrupt, and the resumed run ends
// with the weights, gates and architecture of an uninterrupted run, bit for bit on CPU. Each trial
// kills one run at one point, cycling through three kinds of moment:
// - 'random': a uniformly random time while it trains (mid-step, often just after a surgery: CAT
//   removes structures every quarter epoch here);
// - 'checkpoint': the moment a checkpoint's temporary file appears (a kill during the write);
// - 'log': the moment an epoch's log line lands, before that epoch's checkpoint is written.
//   node dist/test/reliability/kill-resume.js [--runs 20] [--seed 1]
// test/reliability/kill-resume.test.ts runs a few trials; docs/reliability.md records the full count.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from '../../src/engine/index.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const ARGS = ['--model', 'lenet300', '--data', 'mnist', '--train-subset', '4096', '--epochs', '3', '--batch-size', '64', '--workers', '0', '--no-channels-last', '--target-params', '0.3', '--gate-warmup-epochs', '0.5', '--quiet'];
export const KILL_MOMENTS = ['random', 'checkpoint', 'log'] as const;
export type KillMoment = (typeof KILL_MOMENTS)[number];

export interface Trial {
  moment: KillMoment;
  /** Whether the kill landed before the run finished (a run may end first). */
  killed: boolean;
  /** The checkpoint on disk after the kill loaded cleanly (or there was none yet). */
  checkpointIntact: boolean;
  /** Final weights, gates and architecture equal the uninterrupted run's. */
  identical: boolean;
}

const env = { ...process.env, CATRAIN_THREADS: '1' };

function train(out: string, ...extra: string[]): void {
  const result = spawnSync(process.execPath, [cli, 'train', ...(extra.includes('--resume') ? [] : ARGS), '--out', out, ...extra], { encoding: 'utf8', env });
  assert.equal(result.status, 0, `catrain train ${extra.join(' ')} failed: ${result.stderr}`);
}

/** What must match bit for bit: every weight, the final gates and the pruning history, the architecture. */
function fingerprint(dir: string): string {
  const { tensors } = E.loadTensors(path.join(dir, 'model.safetensors'));
  const weights = [...tensors].sort(([a], [b]) => a.localeCompare(b)).map(([name, t]) => `${name}:${Buffer.from((t.data() as Float32Array).buffer).toString('base64')}`);
  E.disposeAll(tensors);
  const checkpoint = loadCheckpoint(path.join(dir, 'checkpoint.safetensors'));
  const cat = JSON.stringify((checkpoint.method as { cat?: { gates: unknown; history: unknown } } | undefined)?.cat ?? null);
  E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
  return [weights.join('\n'), cat, readFileSync(path.join(dir, 'architecture.json'), 'utf8')].join('\n---\n');
}

function checkpointLoads(dir: string): boolean {
  const file = path.join(dir, 'checkpoint.safetensors');
  if (!existsSync(file)) return true;
  try {
    const checkpoint = loadCheckpoint(file);
    E.disposeAll([checkpoint.model, checkpoint.optimizer, checkpoint.rngState]);
    return true;
  } catch {
    return false;
  }
}

const logSize = (dir: string): number => (existsSync(path.join(dir, 'log.jsonl')) ? statSync(path.join(dir, 'log.jsonl')).size : 0);
const writingCheckpoint = (dir: string): boolean => existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('checkpoint.safetensors.tmp-'));

/** Starts a run and SIGKILLs it at the moment asked for; resolves with whether it was killed. */
function killAt(out: string, moment: KillMoment, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'train', ...ARGS, '--out', out], { env, stdio: 'ignore' });
    let done = false;
    const started = Date.now();
    let lastLog = 0;
    const poll = setInterval(() => {
      if (done) return;
      const due =
        moment === 'random' ? Date.now() - started >= delayMs
        : moment === 'checkpoint' ? Date.now() - started >= delayMs && writingCheckpoint(out)
        : Date.now() - started >= delayMs && logSize(out) > lastLog && lastLog >= 0;
      if (moment === 'log' && Date.now() - started < delayMs) lastLog = logSize(out);
      if (due) child.kill('SIGKILL');
    }, 1);
    child.on('exit', (_code, signal) => {
      done = true;
      clearInterval(poll);
      resolve(signal === 'SIGKILL');
    });
  });
}

export async function runTrials(count: number, seed = 1, log: (line: string) => void = () => {}): Promise<Trial[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'catrain-kill-'));
  try {
    const reference = path.join(root, 'reference');
    const started = Date.now();
    train(reference);
    const duration = Date.now() - started;
    const expected = fingerprint(reference);
    let state = seed;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const trials: Trial[] = [];
    for (let i = 0; i < count; i++) {
      const moment = KILL_MOMENTS[i % KILL_MOMENTS.length] as KillMoment;
      const out = path.join(root, `trial-${i}`);
      // Some of the time is start-up (loading MNIST), and a run's speed varies: aim a random kill
      // between a tenth and two thirds of the reference run, and watch for a checkpoint write or a
      // log line from a tenth on.
      const killed = await killAt(out, moment, (moment === 'random' ? 0.1 + 0.55 * random() : 0.1) * duration);
      const checkpointIntact = checkpointLoads(out);
      if (existsSync(path.join(out, 'config.json'))) train(out, '--resume');
      else train(out);
      const identical = fingerprint(out) === expected;
      trials.push({ moment, killed, checkpointIntact, identical });
      log(`trial ${i + 1}/${count}: ${moment}, ${killed ? 'killed' : 'finished first'}, checkpoint ${checkpointIntact ? 'intact' : 'CORRUPT'}, ${identical ? 'identical' : 'DIFFERENT'}`);
      rmSync(out, { recursive: true, force: true });
    }
    return trials;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const trials = await runTrials(at('--runs', 20), at('--seed', 1), (line) => console.log(line));
  const killed = trials.filter((t) => t.killed).length;
  const bad = trials.filter((t) => !t.checkpointIntact || !t.identical).length;
  console.log(`${trials.length} trials, ${killed} killed mid-run, ${bad} failed`);
  process.exitCode = bad === 0 ? 0 : 1;
}
