// The environment contract of a worker, the same as torchrun's: RANK, WORLD_SIZE, LOCAL_RANK,
// LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT. Any launcher that sets them (catrain's own, torchrun,
// a Kubernetes PyTorchJob, a Slurm script) starts catrain workers unchanged.

export interface WorkerEnv {
  rank: number;
  worldSize: number;
  localRank: number;
  localWorldSize: number;
  masterAddr: string;
  masterPort: number;
}

/** Thrown for a worker environment that cannot form a group; the message names the variable. */
export class WorkerEnvError extends Error {
  override name = 'WorkerEnvError';
}

const KEYS = ['RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'] as const;

/** The worker environment, or null when this process was not started as one of several workers. */
export function workerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv | null {
  const given = KEYS.filter((key) => env[key] !== undefined && env[key] !== '');
  if (given.length === 0 || (given.length === 1 && given[0] === 'MASTER_PORT')) return null;
  const missing = KEYS.filter((key) => !given.includes(key));
  if (missing.length > 0) throw new WorkerEnvError(`${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not: a worker needs all of ${KEYS.join(', ')} (as torchrun sets them), or none`);
  const integer = (key: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const text = env[key] ?? '';
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new WorkerEnvError(`${key} must be an integer in [${min}, ${max}], got '${text}'`);
    return n;
  };
  const worldSize = integer('WORLD_SIZE', 1);
  const rank = integer('RANK', 0, worldSize - 1);
  const localWorldSize = env.LOCAL_WORLD_SIZE === undefined ? 1 : integer('LOCAL_WORLD_SIZE', 1, worldSize);
  const localRank = env.LOCAL_RANK === undefined ? 0 : integer('LOCAL_RANK', 0, localWorldSize - 1);
  const masterAddr = (env.MASTER_ADDR ?? '').trim();
  return { rank, worldSize, localRank, localWorldSize, masterAddr, masterPort: integer('MASTER_PORT', 1, 65535) };
}

/** The variables a launcher hands worker `rank` of `worldSize`. */
export function envFor(worker: WorkerEnv): Record<string, string> {
  return {
    RANK: String(worker.rank),
    WORLD_SIZE: String(worker.worldSize),
    LOCAL_RANK: String(worker.localRank),
    LOCAL_WORLD_SIZE: String(worker.localWorldSize),
    MASTER_ADDR: worker.masterAddr,
    MASTER_PORT: String(worker.masterPort),
  };
}
