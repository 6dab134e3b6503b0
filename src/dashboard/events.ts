// Live progress of a run as server-sent events: every epoch already logged, then each new one as
// log.jsonl grows ('record'), 'reset' when the log was rewritten (a resume), and 'status' when the
// run's state is known or changes. The stream ends once the run is no longer running.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import type { RunEntry } from './discovery.js';
import { LogFollower } from './log-follow.js';
import { runStatus, type RunStatus } from './run-status.js';
import { containedFile } from './safe-files.js';

export interface StreamOptions {
  root: string;
  /** How often log.jsonl is checked for growth. */
  pollMs: number;
  /** Extra headers (the security headers set before the stream took over the response). */
  headers: Record<string, string>;
}

/** Open streams, so closing the server can end them (it would otherwise wait for them forever). */
export class StreamRegistry {
  private readonly open = new Set<() => void>();
  constructor(readonly limit = 64) {}

  get full(): boolean {
    return this.open.size >= this.limit;
  }

  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  endAll(): void {
    for (const end of [...this.open]) end();
  }
}

const HEARTBEAT_MS = 15_000;

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}

export function streamRunEvents(reply: FastifyReply, run: RunEntry, registry: StreamRegistry, options: StreamOptions): void {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, { ...options.headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  const logPath = path.join(run.dir, 'log.jsonl');
  const follower = new LogFollower(logPath);
  let slowestEpochS = 0;
  let status: RunStatus | null = null;
  let busy = false;
  let ended = false;
  let lastWrite = Date.now();

  const write = (text: string): void => {
    response.write(text);
    lastWrite = Date.now();
  };
  const send = (event: string, data: unknown): void => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    unregister();
    response.end();
  };

  const readNew = async (): Promise<boolean> => {
    // A log.jsonl that is (or became) a symlink out of the root is never read.
    if ((await containedFile(options.root, run.dir, 'log.jsonl')) === null) return !(await exists(logPath));
    const update = await follower.poll();
    if (update.reset) send('reset', {});
    for (const record of update.records) {
      send('record', record);
      const seconds = record.epoch_s;
      if (typeof seconds === 'number' && Number.isFinite(seconds)) slowestEpochS = Math.max(slowestEpochS, seconds);
    }
    return true;
  };

  const tick = async (): Promise<void> => {
    if (busy || ended) return;
    busy = true;
    try {
      if (!(await readNew())) return end();
      const now = runStatus(run.dir, slowestEpochS);
      if (now !== 'running') {
        // The last epoch's line is written before summary.json: read once more so it is not missed.
        if (!(await readNew())) return end();
      }
      if (now !== status) {
        status = now;
        send('status', { status });
      }
      if (ended) return;
      if (status !== 'running') return end();
      if (Date.now() - lastWrite >= HEARTBEAT_MS) write(': still here\n\n');
    } catch {
      end();
    } finally {
      busy = false;
    }
  };

  const timer = setInterval(() => void tick(), options.pollMs);
  const unregister = registry.add(end);
  response.on('close', end);
  void tick();
}
