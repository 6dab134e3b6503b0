// No addon entry can end the process: every export, called with wrong types and counts, works or
// throws a JS error. Runs in a child process so an abort shows up as a signal, not a lost test run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'native-fuzz-child.js');

test('every addon entry survives wrong argument types and counts', () => {
  const result = spawnSync(process.execPath, [child], { encoding: 'utf8', env: { ...process.env, CATRAIN_THREADS: '1' } });
  const lines = result.stdout.trim().split('\n');
  assert.equal(result.signal, null, `the process died with ${result.signal} while fuzzing '${lines.at(-1)}'\n${result.stderr.slice(-2000)}`);
  assert.equal(result.status, 0, result.stderr.slice(-2000));
  assert.match(lines.at(-1) ?? '', /^done \d+ entries/);
});
