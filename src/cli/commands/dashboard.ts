// `catrain dashboard --runs DIR`: serves the local, read-only dashboard over DIR's runs and sweeps
// until Ctrl-C (docs/dashboard.md).
import { Command } from 'commander';
import { DashboardDirectoryError, DEFAULT_PORT, startDashboard, type Dashboard } from '../../dashboard/index.js';
import { badArgument, CliError } from '../errors.js';
import { nonNegativeInt } from '../options.js';

interface DashboardCliOptions {
  runs: string;
  port: number;
  host: string;
}

async function start(options: DashboardCliOptions): Promise<Dashboard> {
  try {
    return await startDashboard({ runsDir: options.runs, port: options.port, host: options.host });
  } catch (error) {
    if (error instanceof DashboardDirectoryError) throw badArgument(`--runs: ${error.message}`, 'pass the directory that holds your run (or sweep) directories');
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new CliError('ENVIRONMENT', `port ${options.port} on ${options.host} is already in use`, 'pass another --port, or --port 0 for any free one');
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw badArgument(`--host ${options.host} is not an address of this machine`);
    if (code === 'EACCES') throw new CliError('ENVIRONMENT', `not allowed to listen on port ${options.port}`, 'pass a port above 1023');
    throw error;
  }
}

/** Resolves on the first Ctrl-C (or SIGTERM), after the server has closed. */
function untilStopped(dashboard: Dashboard): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('\ncatrain: dashboard stopped\n');
      dashboard.close().then(resolve, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function dashboardCommand(): Command {
  return new Command('dashboard')
    .description('serve a local, read-only web dashboard of the runs and sweeps under a directory: run list, reports, live progress, Pareto fronts and budget recommendations')
    .requiredOption('--runs <dir>', 'directory searched for run and sweep directories')
    .option('--port <n>', `port to listen on (0: any free port)`, nonNegativeInt('--port'), DEFAULT_PORT)
    .option('--host <address>', 'address to bind; anything but a loopback address exposes your runs to the network', '127.0.0.1')
    .action(async (options: DashboardCliOptions) => {
      if (options.port > 65535) throw badArgument(`--port must be at most 65535, got ${options.port}`);
      const dashboard = await start(options);
      console.log(`catrain dashboard: serving ${options.runs} at ${dashboard.url} (Ctrl-C to stop)`);
      await untilStopped(dashboard);
    });
}
