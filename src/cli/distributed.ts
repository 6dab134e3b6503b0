// The data-parallel flags of `catrain train`, and what they start: with --nproc N (or --nnodes M) this
// process becomes the launcher of its machine's workers; a process started with torchrun's
// environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) is a worker and joins the others.
import type { Command } from 'commander';
import { launch, LockstepError, Worker, workerEnv, WorkerEnvError, type WorkerEnv } from '../distributed/index.js';
import { DistributedError } from '../engine/index.js';
import { RunDirectory } from '../train/index.js';
import { asCliError, badArgument, CliError } from './errors.js';
import { nonNegativeInt, numberIn, positiveInt } from './options.js';

export interface DistributedCliOptions {
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort?: number;
  distTimeout: number;
  maxRestarts: number;
  distAddress?: string;
}

/** The flags the launcher consumes; the workers get every other flag of the command as typed. */
const LAUNCHER_FLAGS = new Set(['--nproc', '--nnodes', '--node-rank', '--master-addr', '--master-port', '--max-restarts']);

export function addDistributedOptions(command: Command): Command {
  return command
    .option('--nproc <n>', 'data-parallel workers to start on this machine (the cores are split between them); --batch-size stays the global batch', positiveInt('--nproc'), 1)
    .option('--nnodes <n>', 'machines taking part (each runs one launcher with its --node-rank)', positiveInt('--nnodes'), 1)
    .option('--node-rank <r>', "this machine's index among --nnodes", nonNegativeInt('--node-rank'), 0)
    .option('--master-addr <addr>', 'address of the machine of rank 0, reachable from every machine', '127.0.0.1')
    .option('--master-port <port>', "rank 0's rendezvous port (default: a free one, on one machine)", numberIn('--master-port', 1, 65535))
    .option('--dist-timeout <s>', 'seconds a worker waits for the others before it stops (joining, and every collective)', numberIn('--dist-timeout', 1, 86400), 60)
    .option('--max-restarts <k>', 'restart all workers from the last checkpoint up to k times when one fails', nonNegativeInt('--max-restarts'), 0)
    .option('--dist-address <addr>', "this machine's address for the other workers (default: found from the route to --master-addr)");
}

export type DistributedStart = { kind: 'single' } | { kind: 'launch' } | { kind: 'worker'; env: WorkerEnv };

/** Whether this process trains alone, launches workers, or is a worker. */
export function distributedStart(options: DistributedCliOptions): DistributedStart {
  let env: WorkerEnv | null;
  try {
    env = workerEnv();
  } catch (error) {
    if (error instanceof WorkerEnvError) throw badArgument(error.message, 'set all four, as torchrun does, or none to train in one process');
    throw error;
  }
  if (env !== null) return env.worldSize > 1 ? { kind: 'worker', env } : { kind: 'single' };
  if (options.nodeRank >= options.nnodes) throw badArgument(`--node-rank ${options.nodeRank} is not below --nnodes ${options.nnodes}`);
  if (options.nnodes > 1 && options.masterPort === undefined) throw badArgument('--nnodes > 1 needs --master-port, the same on every machine');
  return options.nproc > 1 || options.nnodes > 1 ? { kind: 'launch' } : { kind: 'single' };
}

/** Starts this machine's workers with the command as typed, minus the launcher's own flags. */
export async function launchWorkers(options: DistributedCliOptions, rawArgs: readonly string[]): Promise<void> {
  const [node = process.execPath, script = '', ...args] = rawArgs;
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag] = arg.split('=');
    if (LAUNCHER_FLAGS.has(flag as string)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    kept.push(arg);
  }
  const result = await launch({
    nproc: options.nproc,
    nnodes: options.nnodes,
    nodeRank: options.nodeRank,
    masterAddr: options.masterAddr,
    masterPort: options.masterPort ?? null,
    maxRestarts: options.maxRestarts,
    timeoutMs: options.distTimeout * 1000,
    command: [node, script, ...kept],
    resumeFlag: '--resume',
  });
  if (result.code === 130) throw new CliError('INTERRUPTED', result.message ?? 'interrupted');
  if (result.code !== 0) throw new CliError('WORKERS', result.message ?? `the workers failed (exit code ${result.code})`);
}

/** Joins the run's other workers, or fails with what went wrong and what to check. */
export async function joinWorkers(env: WorkerEnv, options: DistributedCliOptions, device: string): Promise<Worker> {
  try {
    return await Worker.join(env, { timeoutMs: options.distTimeout * 1000, device, ...(options.distAddress === undefined ? {} : { address: options.distAddress }) });
  } catch (error) {
    throw new CliError('WORKERS', `rank ${env.rank} of ${env.worldSize} could not join the run at ${env.masterAddr}:${env.masterPort}: ${(error as Error).message}`);
  }
}

/** On resume: says so when the run was trained by another number of workers (allowed: the global batch stays). */
export function noteWorkerCount(out: string, workers: number): void {
  const last = new RunDirectory(out).readLog().at(-1);
  const before = typeof last?.workers === 'number' ? last.workers : 1;
  if (before !== workers) process.stderr.write(`catrain: resuming a run trained by ${before} worker${before > 1 ? 's' : ''} with ${workers}; the global batch and every setting stay as they were\n`);
}

/** A worker's failure as the command line reports it: which workers are gone, when it can tell. */
export function workerFailure(error: unknown, worker: Worker): unknown {
  const rank = `rank ${worker.env.rank} of ${worker.env.worldSize}`;
  if (error instanceof DistributedError) {
    const lost = worker.lostPeers();
    const who = lost.length > 0 ? `; lost: ${lost.join(', ')}` : '';
    return new CliError('WORKERS', `${rank}: ${error.message}${who}`, 'the run stopped; its last checkpoint is intact (the launcher restarts from it with --max-restarts)');
  }
  if (error instanceof LockstepError) return new CliError('WORKERS', `${rank}: ${error.message}`);
  return asCliError(error);
}
