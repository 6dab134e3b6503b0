// Runs the built catrain CLI in a child process, as the tests' one way of calling it from outside.
// CATRAIN_THREADS=1 keeps libtorch from starting a thread per core in every child.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/cli/main.js, the package's bin. */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `catrain ...args` with extra environment variables. */
export function catrainWithEnv(env: Readonly<Record<string, string>>, ...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CATRAIN_THREADS: '1', ...env } });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export const catrain = (...args: string[]): CliResult => catrainWithEnv({}, ...args);
