// `catrain dashboard` as a user runs it: prints the URL it serves, stops cleanly on Ctrl-C (exit 0),
// and a missing directory or a port in use is a one-line error with a non-zero exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHandRun } from './helpers.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function launch(args: string[]): { child: ChildProcessWithoutNullStreams; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [cli, 'dashboard', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done, output: () => stdout };
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('prints the URL, serves the runs, and stops on Ctrl-C with exit 0', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'catrain-dash-cli-'));
  try {
    writeHandRun(path.join(dir, 'first-run'));
    const run = launch(['--runs', dir, '--port', '0']);
    const url = await waitFor(() => /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1], 'the URL');
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /first-run/);
    run.child.kill('SIGINT');
    const finished = await run.done;
    assert.equal(finished.code, 0, finished.stderr);
    assert.match(finished.stderr, /dashboard stopped/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing --runs directory is a usage error (exit 2)', async () => {
  const missing = path.join(tmpdir(), 'catrain-no-such-dir-for-the-dashboard');
  const finished = await launch(['--runs', missing, '--port', '0']).done;
  assert.equal(finished.code, 2);
  assert.match(finished.stderr, /^catrain: --runs: .*does not exist/m);
});

test('a port in use is a clear error (exit 1)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'catrain-dash-cli-'));
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  try {
    const port = (blocker.address() as net.AddressInfo).port;
    const finished = await launch(['--runs', dir, '--port', String(port)]).done;
    assert.equal(finished.code, 1);
    assert.match(finished.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.equal(finished.stdout, '');
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
