// One worker of a data-parallel run: joins the others through a TCPStore hosted by rank 0 and a
// process group (Gloo on the CPU, NCCL for CUDA runs when the build has it), and gives the training
// run its role: its shard of every batch, whether it writes the run directory, and the data-parallel
// wrapper of the config's training method.
import { hostname } from 'node:os';
import * as E from '../engine/index.js';
import type { WorkerRole } from '../train/index.js';
import { bindAddress } from './address.js';
import { dataParallel, type GateDraws } from './data-parallel.js';
import type { WorkerEnv } from './env.js';

export interface JoinOptions {
  /** Bounds joining and every collective: a lost worker stops the others within it. */
  timeoutMs: number;
  /** 'cuda' runs use NCCL when the build has it, Gloo otherwise. */
  device: string;
  /** This machine's address for the other workers (default: found from the route to the master). */
  address?: string;
}

/** Where every worker runs, recorded at the join so a lost one can be named later. */
interface Peer {
  rank: number;
  host: string;
  pid: number;
}

export class Worker {
  private constructor(
    readonly env: WorkerEnv,
    readonly store: E.TcpStore,
    readonly group: E.ProcessGroup,
    private readonly peers: readonly Peer[],
  ) {}

  static async join(env: WorkerEnv, options: JoinOptions): Promise<Worker> {
    const address = await bindAddress(env.masterAddr, env.masterPort, options.address);
    const store = new E.TcpStore({ host: env.masterAddr, port: env.masterPort, isServer: env.rank === 0, worldSize: env.worldSize, timeoutMs: options.timeoutMs });
    try {
      store.set(`peer/${env.rank}`, JSON.stringify({ rank: env.rank, host: hostname(), pid: process.pid }));
      const backend = options.device.startsWith('cuda') && E.distributedBackends().includes('nccl') ? 'nccl' : 'gloo';
      const group = new E.ProcessGroup({ store, rank: env.rank, worldSize: env.worldSize, backend, address, timeoutMs: options.timeoutMs });
      const peers = Array.from({ length: env.worldSize }, (_, rank) => JSON.parse(store.getString(`peer/${rank}`)) as Peer);
      return new Worker(env, store, group, peers);
    } catch (error) {
      store.dispose();
      throw error;
    }
  }

  get writes(): boolean {
    return this.env.rank === 0;
  }

  role(options: { syncBatchNorm?: boolean; gateDraws?: GateDraws } = {}): WorkerRole {
    return {
      shard: { index: this.env.rank, count: this.env.worldSize },
      writes: this.writes,
      wrap: (method, context) => dataParallel(method, context, { group: this.group, syncBatchNorm: options.syncBatchNorm === true, gateDraws: options.gateDraws ?? 'shared' }),
    };
  }

  /**
   * The workers this one can tell are gone: those on this machine whose process has ended. A worker
   * on another machine cannot be checked from here; the launcher there names it.
   */
  lostPeers(): string[] {
    const here = hostname();
    return this.peers
      .filter((peer) => peer.rank !== this.env.rank && peer.host === here && !alive(peer.pid))
      .map((peer) => `rank ${peer.rank} (pid ${peer.pid})`);
  }

  /** After the last collective: waits for every worker, so rank 0 keeps the store up until all are done. */
  finish(): void {
    this.group.barrier();
  }

  close(): void {
    this.group.dispose();
    this.store.dispose();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
