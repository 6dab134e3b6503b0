// Starts the dashboard: a fastify server over one runs directory, bound to 127.0.0.1 unless told
// otherwise, serving the pages of routes.ts through the guards of guards.ts.
import { realpathSync, statSync } from 'node:fs';
import Fastify, { type FastifyReply } from 'fastify';
import { Catalog } from './catalog.js';
import { StreamRegistry } from './events.js';
import { installGuards, plain } from './guards.js';
import { registerRoutes } from './routes.js';

export interface DashboardOptions {
  /** The directory searched for run and sweep directories. */
  runsDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8321; 0 picks a free port. */
  port?: number;
  /** How often a live view checks its run's log for new epochs (default 1000 ms). */
  pollMs?: number;
  /** Where errors that are not the client's fault go (report renderer failures); default stderr. */
  onError?: (error: unknown) => void;
}

export interface Dashboard {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8321;

/** The runs directory given to the dashboard does not exist or is not a directory. */
export class DashboardDirectoryError extends Error {
  override name = 'DashboardDirectoryError';
}

function realDirectory(dir: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new DashboardDirectoryError(`${dir} does not exist`);
  }
  if (!statSync(real).isDirectory()) throw new DashboardDirectoryError(`${dir} is not a directory`);
  return real;
}

function defaultOnError(error: unknown): void {
  process.stderr.write(`catrain dashboard: ${error instanceof Error ? error.message : String(error)}\n`);
}

/** Starts serving; rejects with the listen error (e.g. code EADDRINUSE) when the port is taken. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const root = realDirectory(options.runsDir);
  const host = options.host ?? '127.0.0.1';
  const reportError = options.onError ?? defaultOnError;
  const streams = new StreamRegistry();
  const app = Fastify({
    logger: false,
    // Malformed URLs (bad percent-encoding) get the same plain 400 as everything else.
    frameworkErrors: (_error, _request, reply) => {
      void plain(reply as unknown as FastifyReply, 400, 'Bad request');
    },
  });
  installGuards(app, host, reportError);
  registerRoutes(app, { catalog: new Catalog(root), streams, pollMs: options.pollMs ?? 1000, reportError });
  app.addHook('preClose', async () => streams.endAll());
  try {
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? DEFAULT_PORT);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}/`, host, port, close: () => app.close() };
}
