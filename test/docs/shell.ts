// Runs the docs' commands as a user's shell would, and says what a user would see as a failure. Each
// command gets its own process group, so that a timeout, or the end of a server, stops npx and
// everything it started.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Step } from './plan.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/**
 * The environment of a shell outside npm. A test run by `npm test` inherits npm's own variables
 * (npm_config_* among them), which could stand in for settings the repository's .npmrc lacks, and
 * a PATH that starts with node_modules/.bin, where a documented command could find a tool that a
 * user's shell does not.
 */
export function shellEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const own = Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'));
  const fromNpm = (dir: string): boolean => dir.endsWith(`node_modules${path.sep}.bin`) || dir.includes('node-gyp-bin');
  const PATH = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => !fromNpm(dir)).join(path.delimiter);
  return { ...Object.fromEntries(own), PATH, ...extra };
}

interface Started {
  exited: Promise<Exit>;
  stdout: () => string;
  signalGroup: (signal: NodeJS.Signals) => void;
}

function start(argv: readonly string[], options: RunOptions): Started {
  const child = spawn(argv[0] as string, argv.slice(1), { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}\n`, timedOut: false }));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, timedOut: false }));
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group has already gone.
    }
  };
  return { exited, stdout: () => stdout, signalGroup };
}

/** Runs `argv` to its end, or kills it after `timeoutMs`. */
export async function run(argv: readonly string[], options: RunOptions): Promise<Exit> {
  const started = start(argv, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    started.signalGroup('SIGKILL');
  }, options.timeoutMs);
  const exit = await started.exited;
  clearTimeout(timer);
  return { ...exit, timedOut };
}

/** Starts a server and waits for its output to match `ready`; `found` is the match's first group. */
async function serve(argv: readonly string[], options: RunOptions, ready: RegExp): Promise<{ found: string | undefined; stop: () => Promise<Exit> }> {
  const started = start(argv, options);
  const deadline = Date.now() + options.timeoutMs;
  let over = false;
  void started.exited.then(() => (over = true));
  let match = ready.exec(started.stdout());
  while (match === null && !over && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    match = ready.exec(started.stdout());
  }
  const stop = async (): Promise<Exit> => {
    started.signalGroup('SIGTERM');
    const killer = setTimeout(() => started.signalGroup('SIGKILL'), 10_000);
    const exit = await started.exited;
    clearTimeout(killer);
    return exit;
  };
  return { found: match?.[1], stop };
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/**
 * What is wrong with a command's end, as a user would see it, after the `found` problems, with the
 * end of its output when anything is. A server is stopped by the test, so any exit code is fine.
 */
export function failures(exit: Exit, server = false, found: readonly string[] = []): string[] {
  const problems = [...found];
  if (exit.timedOut) problems.push('did not finish in time');
  else if (!server && exit.code !== 0) problems.push(`exited with ${exit.code ?? exit.signal}`);
  if (STACK_FRAME.test(exit.stdout) || STACK_FRAME.test(exit.stderr)) problems.push('printed a stack trace');
  if (/^npm warn/im.test(exit.stderr)) problems.push('npm printed a warning');
  if (problems.length > 0) {
    const tail = `${exit.stdout}\n${exit.stderr}`.trim().split('\n').slice(-12);
    problems.push(`its output ended with:\n      ${tail.join('\n      ')}`);
  }
  return problems;
}

/** Runs a planned command; a server is fetched once at the URL it prints, then stopped. */
export async function runStep(step: Step, options: RunOptions): Promise<string[]> {
  if (!step.server) return failures(await run(step.argv, options));
  const server = await serve(step.argv, options, /(https?:\/\/\S+\/)/);
  const problems: string[] = [];
  if (server.found === undefined) {
    problems.push('never printed the URL it serves');
  } else {
    try {
      const response = await fetch(server.found, { signal: AbortSignal.timeout(10_000) });
      await response.text();
      if (response.status !== 200) problems.push(`GET ${server.found} answered ${response.status}`);
    } catch (error) {
      problems.push(`GET ${server.found} failed: ${(error as Error).message}`);
    }
  }
  return failures(await server.stop(), true, problems);
}
