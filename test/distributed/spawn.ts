// Starts `count` worker processes of a child script on loopback with torchrun's environment, and
// waits for all of them, bounded by a timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../src/distributed/index.js';

export interface WorkerExit {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export async function runWorkers(script: string, count: number, args: (rank: number) => string[], timeoutMs = 60000, env: Record<string, string> = {}): Promise<WorkerExit[]> {
  const port = await freePort();
  const children: ChildProcess[] = [];
  const exits = Array.from({ length: count }, (_, rank) => {
    const child = spawn(process.execPath, [script, ...args(rank)], {
      env: { ...process.env, RANK: String(rank), WORLD_SIZE: String(count), LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(count), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), CATRAIN_THREADS: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<WorkerExit>((resolve) => child.once('exit', (code, signal) => resolve({ rank, code, signal, stderr })));
  });
  const timer = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), timeoutMs);
  try {
    return await Promise.all(exits);
  } finally {
    clearTimeout(timer);
  }
}
