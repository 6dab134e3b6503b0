// The launcher behind `catrain train --nproc N` (and --nnodes/--node-rank for several machines): it
// starts this machine's N workers as child processes with torchrun's environment, splits the cores
// between them, and watches them. When one fails, the others stop within the distributed timeout
// (their collectives fail); the launcher then stops any that hang on, and either restarts all of
// them from the last checkpoint (--max-restarts) or exits with the failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { envFor } from './env.js';

export interface LaunchOptions {
  /** Workers on this machine. */
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  /** null: a free port (one machine only). */
  masterPort: number | null;
  maxRestarts: number;
  /** How long the others may take to stop after one fails. */
  timeoutMs: number;
  /** The worker command: node and its arguments (the CLI and `train ...` without launcher flags). */
  command: readonly string[];
  /** Added to the worker command when the workers are restarted from their checkpoint. */
  resumeFlag: string;
  /** Threads per worker (default: this machine's cores split between its workers). */
  threads?: number;
  log?: (line: string) => void;
}

interface Exit {
  rank: number;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

const describe = (exit: Exit): string =>
  `worker rank ${exit.rank} (pid ${exit.pid}) ${exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** How the workers ended: 0 when all finished; otherwise the code and what happened. */
export interface LaunchResult {
  code: number;
  message?: string;
}

/** Runs the workers to the end. */
export async function launch(options: LaunchOptions): Promise<LaunchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const port = options.masterPort ?? (await freePort());
  const threads = options.threads ?? Math.max(1, Math.floor(availableParallelism() / options.nproc));
  let interrupted = false;
  let workers: Running[] = [];
  // Ctrl-C in a terminal reaches the workers too; a signal sent to the launcher alone is passed on
  // (a worker takes a second Ctrl-C within a second as the same one).
  const onSigint = (): void => {
    interrupted = true;
    for (const { child } of workers) child.kill('SIGINT');
  };
  process.on('SIGINT', onSigint);
  try {
    for (let attempt = 0; ; attempt++) {
      const command = attempt === 0 || options.command.includes(options.resumeFlag) ? options.command : [...options.command, options.resumeFlag];
      workers = startWorkers(options, command, port, threads);
      const exits = await watch(workers, options.timeoutMs, log);
      const failed = exits.find((e) => e.code !== 0);
      if (failed === undefined) return { code: 0 };
      if (interrupted || failed.code === 130) return { code: 130, message: 'the workers stopped after Ctrl-C and wrote a checkpoint' };
      if (attempt >= options.maxRestarts) {
        const restarts = options.maxRestarts > 0 ? ` after ${options.maxRestarts} restart${options.maxRestarts > 1 ? 's' : ''}` : '';
        return { code: 1, message: `${describe(failed)}${restarts}; the other workers were stopped and the run's last checkpoint is intact (continue with --resume, or allow restarts with --max-restarts)` };
      }
      log(`catrain: ${describe(failed)}; restarting all ${options.nproc} workers from the last checkpoint (restart ${attempt + 1} of ${options.maxRestarts})`);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

interface Running {
  rank: number;
  child: ChildProcess;
}

function startWorkers(options: LaunchOptions, command: readonly string[], port: number, threads: number): Running[] {
  const worldSize = options.nnodes * options.nproc;
  return Array.from({ length: options.nproc }, (_, localRank) => {
    const rank = options.nodeRank * options.nproc + localRank;
    const env = { ...process.env, ...envFor({ rank, worldSize, localRank, localWorldSize: options.nproc, masterAddr: options.masterAddr, masterPort: port }), CATRAIN_THREADS: String(threads) };
    // Rank 0 talks to the terminal (progress, results); the others' messages are marked with their rank.
    const child = spawn(command[0] as string, command.slice(1), { env, stdio: rank === 0 ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'ignore', 'pipe', 'ipc'] });
    if (child.stderr !== null) {
      createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`[rank ${rank}] ${line}\n`));
    }
    return { rank, child };
  });
}

/** Waits for every worker; once one fails, gives the others `timeoutMs` to stop, then kills them. */
function watch(workers: readonly Running[], timeoutMs: number, log: (line: string) => void): Promise<Exit[]> {
  return new Promise((resolve) => {
    const exits: Exit[] = [];
    let deadline: NodeJS.Timeout | undefined;
    for (const { rank, child } of workers) {
      child.once('exit', (code, signal) => {
        exits.push({ rank, pid: child.pid ?? -1, code, signal });
        if ((code !== 0 || signal !== null) && deadline === undefined) {
          deadline = setTimeout(() => {
            for (const { child: other } of workers) {
              if (other.exitCode === null && other.signalCode === null) {
                log(`catrain: worker pid ${other.pid} did not stop within ${timeoutMs / 1000} s of the failure; killing it`);
                other.kill('SIGKILL');
              }
            }
          }, timeoutMs + 5000);
        }
        if (exits.length === workers.length) {
          if (deadline !== undefined) clearTimeout(deadline);
          // The first failure is the cause; later ones are the others noticing it.
          resolve(exits);
        }
      });
    }
  });
}
